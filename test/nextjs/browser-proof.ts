/**
 * Step 4 of the Next.js proof: a real Firefox ESR on the real starter's pages (`next start`),
 * subscribed through a local autopush-compatible push service, receiving the plugin's pushes.
 *
 * Guest: an order placed through the store API, its confirmation page
 * `/us/order/confirmed/<id>`, the example's opt-in clicked; the store's row belongs to the order;
 * the order shipped through the admin API; Firefox shows the shipment notification.
 * Then opt-out on the same page, and the signed-in customer: the starter's own login form, the
 * account page's button, an order of theirs, its confirmation shown.
 */
import type { EntityManager } from "typeorm"
import type { AutopushServer } from "../browser/support/autopush-server"
import type { FirefoxSession } from "../browser/support/firefox"
import type { ShownNotification } from "../browser/support/notifications"
import type { TestStore } from "../support/environment"
import { eventually } from "../support/eventually"
import { placeOrder, registerCustomer, shipOrder } from "../support/order-flow"
import { DEFAULT_REGION } from "./next-process"
import { check, clickButton, CUSTOMER_LABEL, GUEST_LABEL, shownNotification, STOP_LABEL, waitForButton } from "./proof-page"
import type { Catalog } from "../support/seed"

export type StepRecorder = <T>(name: string, run: () => Promise<T>) => Promise<T>

interface SubscriptionRow {
  endpoint: string
  customer_id: string | null
  order_id: string | null
  categories: string[]
}

export interface ProofContext {
  store: TestStore
  catalog: Catalog
  push: AutopushServer
  firefox: FirefoxSession
  origin: string
  step: StepRecorder
}

export async function runBrowserProof(ctx: ProofContext): Promise<void> {
  const { store, catalog, push, firefox, origin, step } = ctx
  const db = store.app.container.resolve<EntityManager>("manager")
  const page = await firefox.browser.newPage()
  const rows = (): Promise<SubscriptionRow[]> =>
    db.query(`SELECT "endpoint", "customer_id", "order_id", "categories" FROM "push_subscription" ORDER BY "created_at"`)
  const shown = (text: string): Promise<ShownNotification> => shownNotification(page, db, push, text)

  await step(`the middleware lets /push-sw.js through (README's matcher); other paths still go to /${DEFAULT_REGION}/…`, async () => {
    const worker = await fetch(`${origin}/push-sw.js`, { redirect: "manual" })
    check(worker.status === 200, `/push-sw.js answered ${worker.status} ${worker.headers.get("location") ?? ""}`)
    check(/javascript/.test(worker.headers.get("content-type") ?? ""), `/push-sw.js is served as ${worker.headers.get("content-type")}`)
    // what the starter's middleware does to a path its matcher takes (as /push-sw.js before the change)
    const other = await fetch(`${origin}/sw.js`, { redirect: "manual" })
    const to = `${origin}/${DEFAULT_REGION}/sw.js`
    const location = new URL(other.headers.get("location") ?? "", origin).href
    check(other.status === 307 && location === to, `/sw.js answered ${other.status} ${location}, not 307 to ${to}`)
  })

  const guestOrder = await step("guest order placed through the store API (us region), its events handed to the plugin", async () => {
    const order = await placeOrder(store.http, catalog, { email: `guest-${process.pid}@teststore.dev` }, { countryCode: "us" })
    // Medusa stages order.placed and its enqueuer polls every 3 s: a guest subscribing before the
    // plugin handled it also gets "order confirmed", with the same tag as the shipment a moment
    // later, and two same-tag notifications that close together can leave Firefox showing neither.
    await eventually("Medusa's staged events enqueued", async () => {
      const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM "staged_job"`)
      return n === 0 ? true : undefined
    })
    return order
  })

  await step(`the starter's /us/order/confirmed/<id> renders the example's opt-in`, async () => {
    const res = await page.goto(`${origin}/us/order/confirmed/${guestOrder.id}`, { waitUntil: "load" })
    check(res?.status() === 200, `the confirmation page answered ${res?.status()}`)
    await page.waitForSelector(`[data-testid="order-complete-container"]`, { timeout: 30_000 })
    await waitForButton(page, GUEST_LABEL)
    check(push.channels.size === 0, "nothing is subscribed on page load")
  })

  const guestRow = await step("click: Firefox subscribes, the store saves the device for the guest order", async () => {
    await clickButton(page, GUEST_LABEL)
    await waitForButton(page, STOP_LABEL)
    const [row, ...more] = await rows()
    check(!!row && more.length === 0, `expected one push_subscription row, got ${more.length + (row ? 1 : 0)}`)
    check(row.order_id === guestOrder.id, `the row's order_id is ${row.order_id}, not the guest order ${guestOrder.id}`)
    check(row.customer_id === null, "a guest's device belongs to no customer row")
    check(
      [...push.channels.values()].some((c) => c.endpoint === row.endpoint),
      "the saved endpoint is the one Firefox registered"
    )
    return row
  })

  await step("order shipped through the admin API: Firefox shows the plugin's shipment notification", async () => {
    const seen = push.received.length
    await shipOrder(store.http, store.admin, guestOrder.id, { trackingNumber: "NEXT-4711" })
    const received = await eventually("the shipment push at the push service", async () => push.received[seen])
    const ack = await push.waitForAck(received.version)
    check(ack.code === 100, `Firefox acked the push with ${ack.code}, not 100 (delivered)`)
    const shipped = await shown(`#${guestOrder.displayId} has shipped`)
    check(/NEXT-4711/.test(shipped.body), `the body names the tracking number: ${shipped.body}`)
    check(shipped.data?.url === `${origin}/order/confirmed/${guestOrder.id}`, `the notification opens ${String(shipped.data?.url)}`)
  })

  await step("opt-out on the same page removes the device at the store", async () => {
    await clickButton(page, STOP_LABEL)
    await waitForButton(page, GUEST_LABEL)
    const left = await eventually("the row gone", async () => ((await rows()).length === 0 ? [] : undefined))
    check(left.length === 0 && !(await rows()).some((r) => r.endpoint === guestRow.endpoint), "the guest's row is gone")
  })

  const customer = await registerCustomer(store.http, `ada-${process.pid}@teststore.dev`)
  await step("signed-in customer: the starter's login form, then the account page's opt-in", async () => {
    await page.goto(`${origin}/us/account`, { waitUntil: "load" })
    await page.waitForSelector(`[data-testid="login-page"] [data-testid="email-input"]`, { timeout: 30_000 })
    await page.type(`[data-testid="email-input"]`, customer.email)
    await page.type(`[data-testid="password-input"]`, "customer-secret")
    await page.click(`[data-testid="sign-in-button"]`)
    await page.waitForSelector(`[data-testid="overview-page-wrapper"]`, { timeout: 30_000 })
    await clickButton(page, CUSTOMER_LABEL)
    await waitForButton(page, STOP_LABEL)
    const [row, ...more] = await rows()
    check(!!row && more.length === 0, `expected one push_subscription row, got ${more.length + (row ? 1 : 0)}`)
    check(row.customer_id === customer.id, `the row's customer_id is ${row.customer_id}, not the signed-in customer`)
    check(
      JSON.stringify(row.categories) === JSON.stringify(["order_updates", "cart_reminders"]),
      `categories ${JSON.stringify(row.categories)}`
    )
  })

  await step("the customer's order: Firefox shows its confirmation", async () => {
    const seen = push.received.length
    const order = await placeOrder(store.http, catalog, customer, { countryCode: "us" })
    const received = await eventually("the confirmation push at the push service", async () => push.received[seen])
    const ack = await push.waitForAck(received.version)
    check(ack.code === 100, `Firefox acked the push with ${ack.code}, not 100 (delivered)`)
    await shown(`#${order.displayId} confirmed`)
  })
  await page.close()
}
