/**
 * Step 5 of the Next.js proof: the example's "notify me" on the real starter's product page.
 *
 * The signed-in customer of step 4 opts out on the account page and the browser forgets its
 * cookies, so what follows is a visitor's: the starter's `/us/products/<handle>` of a variant with
 * no stock shows "Out of stock" and the example's "Notify me when it's back in stock"; the click
 * subscribes Firefox and the store keeps it as a visitor device with one back-in-stock alert. A
 * restock through the admin API makes the plugin send "Back in stock: …", Firefox shows it, its
 * link is the plugin's default `/products/<handle>` on the storefront, which the starter's
 * middleware sends to `/<default region>/products/<handle>`; clicking the notification lands there.
 * That page, rendered per request, shows the restock: "Add to cart" and no "Notify me".
 */
import type { EntityManager } from "typeorm"
import { clickAlertWindow } from "../browser/support/firefox"
import { eventually } from "../support/eventually"
import type { ProofContext } from "./browser-proof"
import { DEFAULT_REGION } from "./next-process"
import {
  BACK_IN_STOCK_LABEL,
  check,
  clickButton,
  CUSTOMER_LABEL,
  PRICE_DROP_LABEL,
  shownNotification,
  STOP_LABEL,
  waitForButton,
} from "./proof-page"
import type { SoldOutProduct } from "./us-catalog"

interface DeviceRow {
  id: string
  endpoint: string
  customer_id: string | null
  order_id: string | null
  user_id: string | null
}

export async function runProductAlertsProof(ctx: ProofContext, product: SoldOutProduct): Promise<void> {
  const { store, push, firefox, origin, step } = ctx
  const db = store.app.container.resolve<EntityManager>("manager")
  const page = await firefox.browser.newPage()
  const devices = (): Promise<DeviceRow[]> =>
    db.query(`SELECT "id", "endpoint", "customer_id", "order_id", "user_id" FROM "push_subscription" ORDER BY "created_at"`)

  await step("the customer opts out on the account page and the browser forgets its cookies: a visitor", async () => {
    await page.goto(`${origin}/us/account`, { waitUntil: "load" })
    await clickButton(page, STOP_LABEL)
    await waitForButton(page, CUSTOMER_LABEL)
    await eventually("no device left at the store", async () => ((await devices()).length === 0 ? true : undefined))
    await firefox.evaluateInChrome<null>("Services.cookies.removeAll(); return null")
    await page.goto(`${origin}/us/account`, { waitUntil: "load" })
    await page.waitForSelector(`[data-testid="login-page"]`, { timeout: 30_000 })
  })

  const productPage = `${origin}/us/products/${product.handle}`
  await step(`the starter's /us/products/${product.handle}: "Out of stock" and the example's buttons`, async () => {
    const res = await page.goto(productPage, { waitUntil: "load" })
    check(res?.status() === 200, `the product page answered ${res?.status()}`)
    await page.waitForFunction(() => document.querySelector(`[data-testid="add-product-button"]`)?.textContent?.trim() === "Out of stock", {
      timeout: 30_000,
    })
    await waitForButton(page, BACK_IN_STOCK_LABEL)
    await waitForButton(page, PRICE_DROP_LABEL)
    check((await devices()).length === 0, "nothing is registered on page load")
  })

  const device = await step("click: Firefox subscribes, the store keeps a visitor device with one back-in-stock alert", async () => {
    await clickButton(page, BACK_IN_STOCK_LABEL)
    await page.waitForFunction(
      () => document.querySelector(`[data-testid="product-push-alerts"]`)?.textContent?.includes("We'll tell you when it's back."),
      { timeout: 30_000 }
    )
    const [row, ...more] = await devices()
    check(!!row && more.length === 0, `expected one push_subscription row, got ${more.length + (row ? 1 : 0)}`)
    check(
      row.customer_id === null && row.order_id === null && row.user_id === null,
      `a visitor's device has no owner: ${JSON.stringify(row)}`
    )
    check(
      [...push.channels.values()].some((c) => c.endpoint === row.endpoint),
      "the saved endpoint is the one Firefox registered"
    )
    const alerts: Array<{ kind: string; variant_id: string }> = await db.query(
      `SELECT "kind", "variant_id" FROM "push_variant_alert" WHERE "subscription_id" = $1`,
      [row.id]
    )
    check(
      JSON.stringify(alerts) === JSON.stringify([{ kind: "back_in_stock", variant_id: product.variantId }]),
      `the device's alerts: ${JSON.stringify(alerts)}`
    )
    return row
  })

  const title = `Back in stock: ${product.title}`
  const shown = await step(`restock through the admin API: Firefox shows "${title}" linking to /products/${product.handle}`, async () => {
    const seen = push.received.length
    await store.http.expect(200, "POST", `/admin/products/${product.productId}/variants/${product.variantId}`, {
      apiToken: store.admin.apiToken,
      body: { inventory_quantity: 3 },
    })
    const received = await eventually("the back-in-stock push at the push service", async () => push.received[seen])
    const ack = await push.waitForAck(received.version)
    check(ack.code === 100, `Firefox acked the push with ${ack.code}, not 100 (delivered)`)
    const notification = await shownNotification(page, db, push, title)
    check(notification.title === title, `the notification's title is ${notification.title}`)
    const link = `${origin}/products/${product.handle}`
    check(notification.data?.url === link, `the notification opens ${String(notification.data?.url)}, not ${link}`)
    const [{ open }] = await db.query(`SELECT count(*)::int AS open FROM "push_variant_alert" WHERE "message_id" IS NULL`)
    check(open === 0, `the alert is used up (${open} still open)`)
    return notification
  })

  const landing = `${origin}/${DEFAULT_REGION}/products/${product.handle}`
  await step(`the click opens the product: /products/${product.handle} goes to /${DEFAULT_REGION}/products/${product.handle}`, async () => {
    const redirect = await fetch(`${origin}/products/${product.handle}`, { redirect: "manual" })
    const goesTo = new URL(redirect.headers.get("location") ?? "", origin).href
    check(
      redirect.status === 307 && goesTo === landing,
      `/products/${product.handle} answered ${redirect.status} ${goesTo}, not 307 to ${landing}`
    )
    const clicked = await clickAlertWindow(firefox, shown.title)
    check(clicked === "clicked", clicked)
    await page.waitForFunction((u: string) => location.href === u, { timeout: 30_000 }, landing)
    await page.waitForSelector(`[data-testid="product-container"]`, { timeout: 30_000 })
    await eventually("the click recorded on the delivery", async () => {
      const [row] = await db.query(`SELECT "clicked_at" FROM "push_delivery" WHERE "id" = $1 AND "subscription_id" = $2`, [
        shown.data?.delivery_id,
        device.id,
      ])
      return row?.clicked_at ?? undefined
    })
  })

  await step("the page it opened shows the restock: Add to cart, no back-in-stock button", async () => {
    // the starter's data layer reads the `_medusa_jwt` cookie, so its product pages render per request
    await page.waitForFunction(() => document.querySelector(`[data-testid="add-product-button"]`)?.textContent?.trim() === "Add to cart", {
      timeout: 30_000,
    })
    await waitForButton(page, PRICE_DROP_LABEL)
    const asks = await page.$$eval("button", (all) => all.filter((b) => b.textContent?.trim().startsWith("Notify me when")).length)
    check(asks === 0, `the page still offers "${BACK_IN_STOCK_LABEL}"`)
  })
  await page.close()
}
