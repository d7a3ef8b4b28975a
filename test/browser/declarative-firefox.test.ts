/**
 * Declarative Web Push in a real Firefox ESR against the real store, with `backend_url` set: the
 * plugin sends a declarative message that is not mutable, which a browser with declarative push
 * shows by itself and opens its `navigate` link (the store's click link) on click, and any other
 * hands to push-sw.js. Either way the visitor sees the notification, a click opens the product
 * page, and the click is counted at the store. Which way this Firefox took is printed.
 */
import assert from "node:assert/strict"
import { after, before, describe, it } from "node:test"
import type { Page } from "puppeteer-core"
import type { EntityManager } from "typeorm"
import { startAutopushServer, type AutopushServer } from "./support/autopush-server"
import { browserAvailability } from "./support/browser-availability"
import { clickAlertWindow, FIREFOX_PATH, launchFirefox, type FirefoxSession } from "./support/firefox"
import { readNotifications, type ShownNotification } from "./support/notifications"
import { startStorefrontServer, type StorefrontServer } from "./support/storefront-server"
import { freePort } from "../support/database"
import { CERT_DIR, startTestStore, type TestStore } from "../support/environment"
import { eventually } from "../support/eventually"
import { ensureTestCertificates } from "../support/tls"
import { createProduct } from "../support/seed"

const availability = browserAvailability("Firefox ESR", FIREFOX_PATH, "firefox-esr")

describe(
  "declarative push in Firefox ESR, with backend_url",
  { skip: availability.run ? false : availability.skip, timeout: 180_000 },
  () => {
    let push: AutopushServer
    let storefront: StorefrontServer
    let store: TestStore
    let db: EntityManager
    let firefox: FirefoxSession
    let page: Page
    let productId: string
    let variantId: string
    let backendUrl: string

    before(async () => {
      const { buildSnippet } = await import("../../storefront-snippet/scripts/build.mjs")
      buildSnippet()
      push = await startAutopushServer(ensureTestCertificates(CERT_DIR))
      const port = await freePort()
      backendUrl = `http://127.0.0.1:${port}`
      storefront = await startStorefrontServer({ backendUrl })
      store = await startTestStore("browser-declarative", {
        port,
        storeCors: storefront.origin,
        pluginOptions: { storefront_url: storefront.origin, backend_url: backendUrl },
      })
      assert.equal(store.app.baseUrl, backendUrl)
      db = store.app.container.resolve<EntityManager>("manager")
      const product = await createProduct(store.http, store.admin, {
        title: "Linen Scarf",
        handle: "linen-scarf",
        variants: [{ title: "Sand", eur: 3900, stock: 0 }],
      })
      productId = product.id
      variantId = product.variantIds.Sand
      firefox = await launchFirefox({ pushServerUrl: push.wsUrl })
      page = await firefox.browser.newPage()
    })

    after(async () => {
      await firefox?.close()
      await Promise.all([push?.close(), storefront?.close()])
      await store?.stop()
    })

    it("the notification shows, its click opens the product and is counted at the store", async () => {
      await page.goto(`${storefront.origin}/product?variant_id=${variantId}&region_id=${store.catalog.regionId}`)
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
