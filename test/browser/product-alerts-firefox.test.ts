/**
 * "Notify me" on a product page, in a real Firefox ESR against the real Medusa app (issue 15): a
 * visitor, never signed in, taps the example product page's button; the helper subscribes the
 * browser and asks the store, which registers a visitor's device. A restock through the admin API
 * makes the plugin send the push; Firefox decrypts it and push-sw.js shows it; a click opens the
 * product page and is recorded against the delivery.
 */
import assert from "node:assert/strict"
import { after, before, describe, it } from "node:test"
import { browserAvailability } from "./support/browser-availability"
import { clickAlertWindow, FIREFOX_PATH } from "./support/firefox"
import { readNotifications, type ShownNotification } from "./support/notifications"
import { startProductPageSession, type ProductPageSession } from "./support/product-page-session"
import { eventually } from "../support/eventually"

const availability = browserAvailability("Firefox ESR", FIREFOX_PATH, "firefox-esr")

describe("notify me on a product page, in Firefox ESR", { skip: availability.run ? false : availability.skip, timeout: 180_000 }, () => {
  let session: ProductPageSession

  before(async () => {
    session = await startProductPageSession({
      name: "browser-product-alerts",
      product: { title: "Wool Beanie", handle: "wool-beanie", variant: "Red" },
    })
  })

  after(async () => {
    await session?.close()
  })

  it("a visitor's tap on the button registers the browser and its alert at the store", async () => {
    const { page, push, db, variantId } = session
    await page.goto(session.productPageUrl)
    assert.equal(push.channels.size, 0, "nothing is subscribed on page load")
    await page.click("#notify-stock")
    await page.waitForFunction(() => document.getElementById("status")?.textContent === "We'll tell you when it's back.", {
      timeout: 20_000,
    })
    const [device] = await db.query(`SELECT "id", "endpoint", "customer_id", "order_id", "user_id" FROM "push_subscription"`)
    assert.deepEqual([device.customer_id, device.order_id, device.user_id], [null, null, null], "a visitor's device has no owner")
    assert.ok(
      [...push.channels.values()].some((c) => c.endpoint === device.endpoint),
      "the saved endpoint is the one Firefox registered"
    )
    const alerts = await db.query(`SELECT "kind", "variant_id" FROM "push_variant_alert" WHERE "subscription_id" = $1`, [device.id])
    assert.deepEqual(alerts, [{ kind: "back_in_stock", variant_id: variantId }])
    await page.waitForFunction(() => document.querySelector("#alerts li")?.textContent?.startsWith("Waiting for back in stock"))
  })

  it("a restock through the admin API shows the push, and its click opens the product", async () => {
    const { store, page, db, firefox, storefront, productId, variantId } = session
    await store.http.expect(200, "POST", `/admin/products/${productId}/variants/${variantId}`, {
      apiToken: store.admin.apiToken,
      body: { inventory_quantity: 3 },
    })
    const shown = await eventually<ShownNotification>("the back-in-stock notification", async () =>
      (await readNotifications(page)).find((n) => n.title === "Back in stock: Wool Beanie")
    )
    const productUrl = `${storefront.origin}/products/wool-beanie`
    assert.equal(shown.data?.url, productUrl)
    assert.equal(await clickAlertWindow(firefox, shown.title), "clicked")
    await page.waitForFunction((u: string) => location.href === u, { timeout: 10_000 }, productUrl)
    await eventually("the click at the store", async () => {
      const [row] = await db.query(`SELECT "clicked_at" FROM "push_delivery" WHERE "id" = $1`, [shown.data?.delivery_id])
      return row?.clicked_at ?? undefined
    })
    const [{ open }] = await db.query(`SELECT count(*)::int AS open FROM "push_variant_alert" WHERE "message_id" IS NULL`)
    assert.equal(open, 0, "the alert is used up")
  })
})
