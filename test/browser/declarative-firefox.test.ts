/**
 * Declarative Web Push in a real Firefox ESR against the real store, with `backend_url` set: the
 * plugin sends a declarative message that is not mutable, which a browser with declarative push
 * shows by itself and opens its `navigate` link (the store's click link) on click, and any other
 * hands to push-sw.js. Either way the visitor sees the notification, a click opens the product
 * page, and the click is counted at the store. Which way this Firefox took is printed.
 */
import assert from "node:assert/strict"
import { after, before, describe, it } from "node:test"
import { browserAvailability } from "./support/browser-availability"
import { clickAlertWindow, FIREFOX_PATH } from "./support/firefox"
import { readNotifications, type ShownNotification } from "./support/notifications"
import { startProductPageSession, type ProductPageSession } from "./support/product-page-session"
import { eventually } from "../support/eventually"

const availability = browserAvailability("Firefox ESR", FIREFOX_PATH, "firefox-esr")

describe(
  "declarative push in Firefox ESR, with backend_url",
  { skip: availability.run ? false : availability.skip, timeout: 180_000 },
  () => {
    let session: ProductPageSession

    before(async () => {
      session = await startProductPageSession({
        name: "browser-declarative",
        product: { title: "Linen Scarf", handle: "linen-scarf", variant: "Sand" },
        pluginOptions: (backendUrl) => ({ backend_url: backendUrl }),
      })
      const { config } = await session.store.http.expect<{ config: { backend_url: string | null } }>(200, "GET", "/admin/push/config", {
        apiToken: session.store.admin.apiToken,
      })
      assert.equal(config.backend_url, session.store.app.baseUrl, "backend_url is this store's own URL")
    })

    after(async () => {
      await session?.close()
    })

    it("the notification shows, its click opens the product and is counted at the store", async () => {
      const { page, store, db, firefox, storefront, productId, variantId } = session
      await page.goto(session.productPageUrl)
      await page.click("#notify-stock")
      await page.waitForFunction(() => document.getElementById("status")?.textContent === "We'll tell you when it's back.", {
        timeout: 20_000,
      })
      await store.http.expect(200, "POST", `/admin/products/${productId}/variants/${variantId}`, {
        apiToken: store.admin.apiToken,
        body: { inventory_quantity: 2 },
      })
      const shown = await eventually<ShownNotification>("the back-in-stock notification", async () =>
        (await readNotifications(page)).find((n) => n.title === "Back in stock: Linen Scarf")
      )
      const [delivery] = await db.query(`SELECT "id" FROM "push_delivery" WHERE "status" = 'delivered'`)
      assert.equal(shown.data?.delivery_id, delivery.id, "the notification carries its delivery's data, whichever way it was shown")
      // push-sw.js adds the page to open (data.url); a notification the browser showed by itself has the message's data only.
      const byWorker = typeof shown.data?.url === "string"
      process.stdout.write(`# Firefox showed the declarative message ${byWorker ? "through push-sw.js" : "by itself (declarative push)"}\n`)

      assert.equal(await clickAlertWindow(firefox, shown.title), "clicked")
      const productUrl = `${storefront.origin}/products/linen-scarf`
      await eventually("a tab on the product page", async () => {
        for (const tab of await firefox.browser.pages()) if (tab.url() === productUrl) return true
        return undefined
      })
      await eventually("the click at the store", async () => {
        const [row] = await db.query(`SELECT "clicked_at" FROM "push_delivery" WHERE "id" = $1`, [delivery.id])
        return row?.clicked_at ?? undefined
      })
      const [{ clicked_count }] = await db.query(
        `SELECT m."clicked_count" FROM "push_message" m JOIN "push_delivery" d ON d."message_id" = m."id" WHERE d."id" = $1`,
        [delivery.id]
      )
      assert.equal(clicked_count, 1)
    })
  }
)
