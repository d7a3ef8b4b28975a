/**
 * push-sw.js in Chromium: pushes are delivered through the DevTools protocol
 * (`ServiceWorker.deliverPushMessage`), since Chromium cannot reach its push service offline.
 *
 * What the worker shows is read from its `showNotification` calls, recorded in the worker:
 * headless Chromium sometimes drops a notification right after `showNotification` resolved
 * (`getNotifications()` then stays empty, in about one run in four), which says nothing about
 * push-sw.js. Firefox's test reads shown notifications back with `getNotifications()`.
 */
import assert from "node:assert/strict"
import { after, before, describe, it } from "node:test"
import type { Browser, CDPSession, Page, WebWorker } from "puppeteer-core"
import { eventually } from "../support/eventually"
import { browserAvailability } from "./support/browser-availability"
import { CHROMIUM_PATH, launchChromium } from "./support/chromium"
import { closeNotifications, type ShownNotification } from "./support/notifications"
import { startStorefrontServer, type StorefrontServer } from "./support/storefront-server"

const availability = browserAvailability("Chromium", CHROMIUM_PATH, "chromium")

describe(
  "push-sw.js in Chromium via the DevTools protocol",
  { skip: availability.run ? false : availability.skip, timeout: 60_000 },
  () => {
    let storefront: StorefrontServer
    let browser: Browser
    let page: Page
    let cdp: CDPSession
    let registrationId = ""
    let worker: WebWorker

    before(async () => {
      const { buildSnippet } = await import("../../storefront-snippet/scripts/build.mjs")
      buildSnippet()
      storefront = await startStorefrontServer({ backendUrl: "http://localhost:9" })
      browser = await launchChromium()
      await browser.defaultBrowserContext().overridePermissions(storefront.origin, ["notifications"])
      page = await browser.newPage()
      await page.goto(`${storefront.origin}/`)
      cdp = await page.createCDPSession()
      const registered = new Promise<string>((resolve) => {
        cdp.on("ServiceWorker.workerRegistrationUpdated", ({ registrations }) => {
          const ours = registrations.find((r) => r.scopeURL === `${storefront.origin}/` && !r.isDeleted)
          if (ours) resolve(ours.registrationId)
        })
      })
      await cdp.send("ServiceWorker.enable")
      await page.evaluate(async () => {
        await navigator.serviceWorker.register("/push-sw.js?title=Store%20update", { scope: "/" })
        const worker = (await navigator.serviceWorker.ready).active as ServiceWorker
        // ready resolves while the worker may still be activating; a push before that can be lost
        if (worker.state !== "activated") {
          await new Promise((resolve) => worker.addEventListener("statechange", () => worker.state === "activated" && resolve(null)))
        }
      })
      registrationId = await registered
      // Puppeteer attaches to the worker (pausing it until attached); a push delivered before
      // that is lost, so wait until it is attached and running.
      const target = await browser.waitForTarget((t) => t.type() === "service_worker" && t.url().includes("/push-sw.js"))
      const attached = await target.worker()
      assert.ok(attached, "the service worker target has a worker")
      worker = attached
      await worker.evaluate(() => {
        const scope = self as unknown as { shownForTest: unknown[] }
        scope.shownForTest = []
        const proto = ServiceWorkerRegistration.prototype
        const show = proto.showNotification
        proto.showNotification = function (title: string, options: NotificationOptions = {}) {
          return show.call(this, title, options).then(() => {
            scope.shownForTest.push({
              title,
              body: options.body ?? "",
              tag: options.tag ?? "",
              icon: options.icon ?? "",
              data: options.data ?? null,
            })
          })
        }
      })
    })

    after(async () => {
      await browser?.close()
      await storefront?.close()
    })

    /** Waits until the worker has shown `count` notifications since the last `clearShown`. */
    async function waitForNotifications(_page: Page, count: number, timeoutMs = 10_000): Promise<ShownNotification[]> {
      let shown: ShownNotification[] = []
      return eventually(
        () => `${count} notification(s), saw ${JSON.stringify(shown)}`,
        async () => {
          shown = await worker.evaluate(() => (self as unknown as { shownForTest: ShownNotification[] }).shownForTest)
          return shown.length >= count ? shown : undefined
        },
        timeoutMs
      )
    }

    async function clearShown(): Promise<void> {
      await worker.evaluate(() => {
        ;(self as unknown as { shownForTest: unknown[] }).shownForTest = []
      })
      await closeNotifications(page)
    }

    async function deliver(data: string): Promise<void> {
      await cdp.send("ServiceWorker.deliverPushMessage", { origin: storefront.origin, registrationId, data })
    }

    it("shows a notification built from a JSON payload", async () => {
      await deliver(
        JSON.stringify({
          title: "Your order has shipped",
          body: "Order #1001 is on its way",
          url: `${storefront.origin}/order/order_1001`,
          icon: `${storefront.origin}/icon.png`,
          tag: "order_1001",
          renotify: true,
          timestamp: 1_700_000_000_000,
          actions: [{ action: "track", title: "Track", url: `${storefront.origin}/order/order_1001/track` }],
          data: { delivery_id: "pushdel_1", attempt: 1, nested: { dropped: true } },
        })
      )
      const [shown] = await waitForNotifications(page, 1)
      assert.equal(shown.title, "Your order has shipped")
      assert.equal(shown.body, "Order #1001 is on its way")
      assert.equal(shown.tag, "order_1001")
      assert.equal(shown.icon, `${storefront.origin}/icon.png`)
      assert.deepEqual(shown.data, {
        delivery_id: "pushdel_1",
        attempt: 1,
        url: `${storefront.origin}/order/order_1001`,
        action_urls: { track: `${storefront.origin}/order/order_1001/track` },
      })
      await clearShown()
    })

    const unreadable: [string, string][] = [
      ["malformed JSON", '{"title": "cut off'],
      ["JSON without a title", '{"body": "no title"}'],
      ["a JSON array", "[1, 2, 3]"],
      ["an empty payload", ""],
    ]
    for (const [name, data] of unreadable) {
      it(`shows the generic notification for ${name}`, async () => {
        await deliver(data)
        const [shown] = await waitForNotifications(page, 1)
        assert.equal(shown.title, "Store update")
        assert.equal(shown.body, "")
        await clearShown()
      })
    }

    it("drops unsafe urls from the payload", async () => {
      await deliver(JSON.stringify({ title: "Hi", body: "x", url: "javascript:alert(1)", icon: "data:image/png;base64,AA" }))
      const [shown] = await waitForNotifications(page, 1)
      assert.equal(shown.icon, "")
      assert.deepEqual(shown.data, {})
      await clearShown()
    })
  }
)
