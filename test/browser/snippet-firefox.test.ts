/**
 * The storefront snippet in a real Firefox ESR against the real Medusa app with this plugin.
 *
 * The example page (examples/plain/index.html, served with its backend URL pointed at the
 * in-process Medusa store) subscribes through the helper; Firefox registers with a local
 * autopush-compatible push service (`dom.push.serverURL`). Orders are placed and shipped through
 * Medusa's API, the PLUGIN encrypts and sends the pushes, Firefox decrypts them and push-sw.js
 * shows them; a click opens the order page and is recorded against its delivery; unsubscribing
 * and `pushsubscriptionchange` are checked in the store's `push_subscription` table.
 *
 * The one push the store cannot send, a payload that is not JSON, is sent by web-push directly
 * with the store's VAPID keys to the subscription the store saved.
 */
import assert from "node:assert/strict"
import { readFileSync } from "node:fs"
import { Agent } from "node:https"
import { after, before, describe, it } from "node:test"
import type { Page } from "puppeteer-core"
import type { EntityManager } from "typeorm"
import webpush from "web-push"
import { startAutopushServer, type AutopushServer } from "./support/autopush-server"
import { browserAvailability } from "./support/browser-availability"
import { clickAlertWindow, FIREFOX_PATH, launchFirefox, type FirefoxSession } from "./support/firefox"
import { closeNotifications, readNotifications, type ShownNotification } from "./support/notifications"
import { startStorefrontServer, type StorefrontServer } from "./support/storefront-server"
import { CERT_DIR, startTestStore, type TestStore } from "../support/environment"
import { eventually } from "../support/eventually"
import { placeOrder, registerCustomer, shipOrder, type Customer, type PlacedOrder } from "../support/order-flow"
import { ensureTestCertificates } from "../support/tls"

const availability = browserAvailability("Firefox ESR", FIREFOX_PATH, "firefox-esr")

interface SubscriptionRow {
  id: string
  endpoint: string
  p256dh: string
  auth: string
  customer_id: string | null
  order_id: string | null
  categories: string[]
  locale: string | null
}

describe(
  "storefront snippet in Firefox ESR against the Medusa app with this plugin",
  { skip: availability.run ? false : availability.skip, timeout: 240_000 },
  () => {
    let push: AutopushServer
    let storefront: StorefrontServer
    let store: TestStore
    let db: EntityManager
    let firefox: FirefoxSession
    let page: Page
    let agent: Agent
    let publishableKey = ""
    let customer: Customer
    let customerOrder: PlacedOrder
    let guestOrder: PlacedOrder

    before(async () => {
      const { buildSnippet } = await import("../../storefront-snippet/scripts/build.mjs")
      buildSnippet()
      // the suite's CA: test/run.ts hands it to this process (and so to the plugin) as NODE_EXTRA_CA_CERTS
      const certs = ensureTestCertificates(CERT_DIR)
      agent = new Agent({ ca: readFileSync(certs.caPath) })
      push = await startAutopushServer(certs)
      // The page server starts first: the store needs its origin (CORS, notification urls).
      let backendUrl = ""
      storefront = await startStorefrontServer({ backendUrl: () => backendUrl, publishableApiKey: () => publishableKey })
      store = await startTestStore("browser-firefox", {
        storeCors: storefront.origin,
        pluginOptions: { storefront_url: storefront.origin },
      })
      backendUrl = store.app.baseUrl
      db = store.app.container.resolve<EntityManager>("manager")
      const { publishable_api_key } = await store.http.expect<{ publishable_api_key: { id: string } }>(
        200,
        "POST",
        "/admin/publishable-api-keys",
        {
          apiToken: store.admin.apiToken,
          body: { title: "Storefront" },
        }
      )
      publishableKey = publishable_api_key.id
      firefox = await launchFirefox({ pushServerUrl: push.wsUrl })
      page = await firefox.browser.newPage()
    })

    after(async () => {
      await firefox?.close()
      await Promise.all([push?.close(), storefront?.close()])
      await store?.stop()
      agent?.destroy()
    })

    function subscriptionRows(where = "TRUE", params: unknown[] = []): Promise<SubscriptionRow[]> {
      return db.query(
        `SELECT "id", "endpoint", "p256dh", "auth", "customer_id", "order_id", "categories", "locale" FROM "push_subscription" WHERE ${where} ORDER BY "created_at"`,
        params
      )
    }

    async function onlySubscription(): Promise<SubscriptionRow> {
      const rows = await subscriptionRows()
      assert.equal(rows.length, 1, `expected one subscription at the store, got ${rows.length}`)
      return rows[0]
    }

    /** The notification the service worker shows whose title contains `text`, once it is shown. */
    function shownNotification(text: string): Promise<ShownNotification> {
      return eventually(`a notification titled "…${text}…"`, async () =>
        (await readNotifications(page)).find((n) => n.title.includes(text))
      )
    }

    /** Resolves with Firefox's ack code for the next push the service accepts after `seen` pushes. */
    async function ackOfPush(seen: number): Promise<number> {
      const received = await eventually("a push at the push service", async () => push.received[seen])
      return (await push.waitForAck(received.version)).code
    }

    /** A storefront signing a customer in with Medusa's session cookie (medusa-js v1 sends credentials). */
    function storefrontAuth(method: "POST" | "DELETE", body?: object): Promise<number> {
      return page.evaluate(
        async (url: string, m: string, json: string | null) => {
          const res = await fetch(url, {
            method: m,
            credentials: "include",
            headers: json ? { "content-type": "application/json" } : {},
            body: json ?? undefined,
          })
          return res.status
        },
        `${store.app.baseUrl}/store/auth`,
        method,
        body ? JSON.stringify(body) : null
      )
    }

    async function waitForStatus(text: string): Promise<void> {
      await page.waitForFunction((t: string) => document.getElementById("status")?.textContent?.startsWith(t), { timeout: 20_000 }, text)
    }

    it("subscribes a signed-in customer from a click and the store saves the device for them", async () => {
      customer = await registerCustomer(store.http, `ada-${process.pid}@teststore.dev`)
      await page.goto(`${storefront.origin}/`)
      assert.equal(await storefrontAuth("POST", { email: customer.email, password: "customer-secret" }), 200)
      await page.waitForSelector("#subscribe:not([hidden])")
      assert.equal(push.channels.size, 0, "nothing is subscribed on page load")
      await page.click("#subscribe")
      await waitForStatus("subscribed")
      const row = await onlySubscription()
      assert.equal(row.customer_id, customer.id)
      assert.match(row.endpoint, new RegExp(`^${push.endpointOrigin}/wpush/`))
      assert.ok(
        [...push.channels.values()].some((c) => c.endpoint === row.endpoint),
        "the saved endpoint is the one Firefox registered"
      )
      assert.equal(Buffer.from(row.p256dh, "base64url").length, 65)
      assert.equal(Buffer.from(row.auth, "base64url").length, 16)
      assert.deepEqual(row.categories, ["order_updates"])
      assert.ok(row.locale)
    })

    it("shows the order confirmation and the shipping update the plugin sent, decrypted by Firefox", async () => {
      let seen = push.received.length
      customerOrder = await placeOrder(store.http, store.catalog, customer)
      assert.equal(await ackOfPush(seen), 100, "Firefox decrypted the order confirmation and handed it to the service worker")
      await shownNotification(`#${customerOrder.displayId} confirmed`)

      seen = push.received.length
      await shipOrder(store.http, store.admin, customerOrder.id, { trackingNumber: "TRACK-4711" })
      assert.equal(await ackOfPush(seen), 100)
      const shipped = await shownNotification("shipped")
      assert.match(shipped.title, new RegExp(`#${customerOrder.displayId}\\b`))
      assert.match(shipped.body, /TRACK-4711/)
      assert.equal(shipped.tag, `order-${customerOrder.id}`, "the update replaces the confirmation (same tag)")
      const url = `${storefront.origin}/order/confirmed/${customerOrder.id}`
      assert.equal(shipped.data?.url, url)
      const [delivery] = await db.query(
        `SELECT d."id", d."status" FROM "push_delivery" d JOIN "push_message" m ON m."id" = d."message_id"
       WHERE m."event_name" = 'order.shipment_created' AND m."resource_id" = $1`,
        [customerOrder.id]
      )
      assert.equal(shipped.data?.delivery_id, delivery.id)
      // The click report sends it back: without it the store records no click.
      assert.match(String(shipped.data?.click_token), /^[A-Za-z0-9_-]{43}$/)
    })

    it("opens the order page on click and the store records the click against the delivery", async () => {
      const shipped = await shownNotification("shipped")
      const clicked = await clickAlertWindow(firefox, shipped.title)
      assert.equal(clicked, "clicked")
      const url = `${storefront.origin}/order/confirmed/${customerOrder.id}`
      await page.waitForFunction((u: string) => location.href === u, { timeout: 10_000 }, url)
      const clickedAt = await eventually("push_delivery.clicked_at", async () => {
        const [row] = await db.query(`SELECT "clicked_at" FROM "push_delivery" WHERE "id" = $1`, [shipped.data?.delivery_id])
        return row?.clicked_at ?? undefined
      })
      assert.ok(clickedAt instanceof Date)
      assert.equal((await readNotifications(page)).length, 0, "the clicked notification is closed")
    })

    it("shows a generic notification for a payload that is not JSON", async () => {
      await page.goto(`${storefront.origin}/`)
      const row = await onlySubscription()
      const seen = push.received.length
      const res = await webpush.sendNotification(
        { endpoint: row.endpoint, keys: { p256dh: row.p256dh, auth: row.auth } },
        '{"title": broken',
        {
          vapidDetails: { subject: "mailto:ops@teststore.dev", ...store.vapid },
          TTL: 60,
          agent,
        }
      )
      assert.equal(res.statusCode, 201)
      assert.equal(await ackOfPush(seen), 100)
      const shown = await shownNotification("New notification")
      assert.equal(shown.body, "")
      await closeNotifications(page)
    })

    it("unsubscribes at the browser, the push service and the store", async () => {
      const row = await onlySubscription()
      await page.waitForSelector("#unsubscribe:not([hidden])")
      await page.click("#unsubscribe")
      await waitForStatus("not subscribed")
      assert.deepEqual(await subscriptionRows(`"endpoint" = $1`, [row.endpoint]), [])
      assert.deepEqual(await subscriptionRows(), [])
      assert.equal(push.channels.size, 0)
    })

    it("lets a guest opt in on the order confirmation page with the cart id", async () => {
      assert.equal(await storefrontAuth("DELETE"), 200, "the customer signs out")
      guestOrder = await placeOrder(store.http, store.catalog, { email: `guest-${process.pid}@teststore.dev` })
      assert.notEqual(guestOrder.customerId, customer.id)
      await page.goto(`${storefront.origin}/?cart_id=${guestOrder.cartId}`)
      await page.waitForSelector("#guest-subscribe:not([hidden])")
      await page.click("#guest-subscribe")
      await waitForStatus("subscribed")
      const row = await onlySubscription()
      assert.equal(row.order_id, guestOrder.id, "the device belongs to the guest order")
      assert.equal(row.customer_id, null, "never to the customer row Medusa shares between guest orders")
      assert.deepEqual(row.categories, ["order_updates", "cart_reminders"], "the store's default categories")
      // The guest order's confirmation goes out before the next test makes the push service forget
      // this browser: sent after that, it would meet the dropped endpoint (410) and remove the very
      // device the renewal then proves (404: nothing renewed). Handling the event here (the bus may
      // not have yet; the message's idempotency key makes the bus's own handling a no-op) makes the
      // order of the two certain.
      const notifications = store.app.container.resolve<{ handleEvent(e: string, d: unknown): Promise<void> }>("pushNotificationService")
      await notifications.handleEvent("order.placed", { id: guestOrder.id })
      await eventually("the guest order's confirmation sent", async () => {
        const [{ open }] = await db.query(
          `SELECT count(*)::int AS open FROM "push_delivery" d JOIN "push_message" m ON m."id" = d."message_id"
           WHERE m."event_name" = 'order.placed' AND m."resource_id" = $1 AND d."status" IN ('pending', 'sending', 'retrying')`,
          [guestOrder.id]
        )
        return open === 0
      })
    })

    it("renews the subscription at the store when the push service drops it (pushsubscriptionchange)", async () => {
      const old = await onlySubscription()
      push.forgetClients()
      const renewed = await eventually(
        "the renewed subscription at the store",
        async () => {
          const rows = await subscriptionRows()
          return rows.length === 1 && rows[0].endpoint !== old.endpoint ? rows[0] : undefined
        },
        45_000
      ) // Firefox reconnects to the push server with a backoff before it renews
      assert.equal(renewed.order_id, old.order_id, "the new endpoint keeps its owner (the guest order)")
      assert.equal(renewed.customer_id, old.customer_id)
      assert.deepEqual(renewed.categories, old.categories)
      assert.notEqual(renewed.auth, old.auth)
      assert.ok([...push.channels.values()].some((c) => c.endpoint === renewed.endpoint))
      await assert.rejects(
        webpush.sendNotification({ endpoint: old.endpoint, keys: { p256dh: old.p256dh, auth: old.auth } }, "gone", {
          vapidDetails: { subject: "mailto:ops@teststore.dev", ...store.vapid },
          agent,
        }),
        (e: { statusCode?: number }) => e.statusCode === 410
      )
      // The store's next update for the guest's order reaches the renewed subscription. Firefox
      // finishes dropping the old subscription (and the origin's notifications with it) a moment
      // after the renewal; a notification shown in between can vanish, so let that settle first.
      await new Promise((r) => setTimeout(r, 2000))
      const seen = push.received.length
      await shipOrder(store.http, store.admin, guestOrder.id)
      assert.equal(await ackOfPush(seen), 100)
      const shipped = await shownNotification(`#${guestOrder.displayId} has shipped`)
      assert.equal(shipped.data?.url, `${storefront.origin}/order/confirmed/${guestOrder.id}`)
    })
  }
)
