/**
 * The plugin's admin extension in the real Medusa admin (built with `medusa-admin build` from the
 * plugin's dist/admin bundle, served by the real Medusa app), driven in Firefox ESR with a local
 * autopush-compatible push service, so "Enable push on this device" subscribes for real and the
 * plugin's pushes are decrypted and shown by the admin's service worker.
 *
 * Screenshots of each page go to build/admin-screenshots/ (not committed).
 */
import assert from "node:assert/strict"
import { randomBytes } from "node:crypto"
import fs from "node:fs"
import path from "node:path"
import { after, before, describe, it } from "node:test"
import type { Page } from "puppeteer-core"
import type { EntityManager } from "typeorm"
import { startAutopushServer, type AutopushServer } from "../browser/support/autopush-server"
import { browserAvailability } from "../browser/support/browser-availability"
import { signChatwoot } from "../../src/core/inbound/chatwoot"
import { FIREFOX_PATH, launchFirefox, type FirefoxSession } from "../browser/support/firefox"
import { readNotifications } from "../browser/support/notifications"
import { CERT_DIR } from "../support/environment"
import { eventually } from "../support/eventually"
import { placeOrder, registerCustomer, type PlacedOrder } from "../support/order-flow"
import { REPO_ROOT } from "../support/paths"
import type { Device } from "../support/push-service"
import { createProduct } from "../support/seed"
import { ensureTestCertificates } from "../support/tls"
import { ADMIN_PASSWORD, startAdminStore, type AdminStore } from "./support/admin-store"

const availability = browserAvailability("Firefox ESR", FIREFOX_PATH, "firefox-esr")
const SHOTS = path.join(REPO_ROOT, "build", "admin-screenshots")
const CHAT_SECRET = randomBytes(24).toString("base64url")
const REVIEWS_TOKEN = randomBytes(24).toString("base64url")

describe(
  "admin extension in the Medusa admin, in Firefox ESR",
  { skip: availability.run ? false : availability.skip, timeout: 600_000 },
  () => {
    let push: AutopushServer
    let store: AdminStore
    let db: EntityManager
    let firefox: FirefoxSession
    let page: Page
    let order: PlacedOrder
    const customerDevices: Device[] = []
    const timings: Record<string, number> = {}

    async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
      const started = Date.now()
      try {
        return await work()
      } finally {
        timings[label] = (Date.now() - started) / 1000
      }
    }

    before(async () => {
      fs.mkdirSync(SHOTS, { recursive: true })
      const certs = ensureTestCertificates(CERT_DIR)
      push = await startAutopushServer(certs)
      store = await timed("store + admin build", () =>
        startAdminStore("admin-ui", {
          held_categories: [],
          // A chat tool that signs, and a system that cannot (its token in the hook's URL); one chat alert
          // per window, so the second chat message is folded into a summary.
          inbound_sources: { chat: { provider: "chatwoot", secret: CHAT_SECRET }, reviews: { token: REVIEWS_TOKEN } },
          admin_alerts: { events: { "inbound.chat": { limit: 1 } } },
        })
      )
      db = store.app.container.resolve<EntityManager>("manager")
      // Customers with devices at the local push service: one places an order (personal pushes
      // about it), all three opted into "promotions" (the broadcast's audience).
      for (const name of ["ada", "bea", "cyd"]) {
        const customer = await registerCustomer(store.http, `${name}-${process.pid}@teststore.dev`, name)
        const device = store.push.createDevice(`${name}-phone`)
        await store.http.expect(201, "POST", "/store/push/subscriptions", {
          token: customer.token,
          body: { subscription: device.subscription, categories: ["order_updates", "promotions"] },
        })
        customerDevices.push(device)
        if (name === "ada") order = await placeOrder(store.http, store.catalog, { token: customer.token, email: customer.email })
      }
      firefox = await launchFirefox({ pushServerUrl: push.wsUrl })
      page = await firefox.browser.newPage()
      await page.setViewport({ width: 1440, height: 1000 })
    })

    after(async () => {
      await firefox?.close()
      await push?.close()
      await store?.stop()
      const memory = process.memoryUsage()
      process.stdout.write(
        `[admin test] admin build: ${store?.build.cached ? "cached" : `${store?.build.seconds.toFixed(1)} s, peak ${store?.build.maxRssMb ?? "?"} MB`}; ` +
          `timings (s): ${JSON.stringify(timings)}; test process RSS ${Math.round(memory.rss / 1048576)} MB\n`
      )
    })

    async function shot(name: string): Promise<void> {
      await new Promise((r) => setTimeout(r, 300)) // let transitions settle
      const png = await page.screenshot({ fullPage: true, encoding: "base64" })
      fs.writeFileSync(path.join(SHOTS, `${name}.png`), Buffer.from(png, "base64"))
    }

    async function open(route: string, ready: string): Promise<void> {
      await page.goto(`${store.adminUrl}${route}`)
      await page.waitForSelector(ready, { timeout: 30_000 })
    }

    async function textOf(selector: string): Promise<string> {
      return page.$eval(selector, (e) => e.textContent ?? "")
    }

    /** Types into a React-controlled field (select all, then type). */
    async function fill(selector: string, value: string): Promise<void> {
      await page.click(selector, { count: 3 })
      await page.keyboard.press("Backspace")
      if (value) await page.type(selector, value)
    }

    it("signs in on the admin's login page", async () => {
      await timed("sign in", async () => {
        await page.goto(`${store.adminUrl}/login`)
        await page.waitForSelector('input[name="email"]', { timeout: 60_000 })
        await page.type('input[name="email"]', store.admin.email)
        await page.type('input[name="password"]', ADMIN_PASSWORD)
        await page.click('button[type="submit"]')
        await page.waitForFunction(() => location.pathname.includes("/a/orders"), { timeout: 30_000 })
      })
      await shot("01-orders")
    })

    it("opens the Web Push settings page: configured, with the counts", async () => {
      await open("/a/settings/web-push", '[data-testid="push-configured"]')
      assert.equal((await textOf('[data-testid="push-configured"]')).trim(), "Configured")
      await page.waitForSelector('[data-testid="stat-customer-devices"]')
      assert.equal((await textOf('[data-testid="stat-customer-devices"]')).trim(), "3")
      assert.equal((await textOf('[data-testid="stat-admin-devices"]')).trim(), "0")
      await shot("02-settings")
    })

    it("shows a paused push service on the settings page: host, until when, why", async () => {
      await db.query(
        `INSERT INTO "push_service_health" ("origin", "paused_until", "reason", "status_code", "since", "failures")
       VALUES ('https://fcm.googleapis.com', $1, 'vapid_rejected HTTP 403: 10 of 10 requests failed', 403, $2, 10)`,
        // the store's clock (this process's), not the database's: they differ in CI's faketime run
        [new Date(Date.now() + 3_600_000), new Date()]
      )
      try {
        await open("/a/settings/web-push", '[data-testid="push-service-paused"]')
        assert.match(
          (await textOf('[data-testid="push-service-paused"]')).trim(),
          /^Push service fcm\.googleapis\.com paused until .+: vapid_rejected HTTP 403: 10 of 10 requests failed$/
        )
        await shot("02b-settings-paused")
      } finally {
        await db.query(`DELETE FROM "push_service_health"`)
      }
    })

    it("enables push on this device: the admin's worker subscribes and the store saves the device for this admin", async () => {
      await page.waitForSelector('[data-testid="device-state"][data-state="off"]')
      await timed("enable push", async () => {
        await page.click('[data-testid="enable-push"]')
        await page.waitForSelector('[data-testid="device-state"][data-state="on"]', { timeout: 30_000 })
      })
      const rows: Array<{ id: string; endpoint: string; user_id: string; categories: string[] }> = await db.query(
        `SELECT "id", "endpoint", "user_id", "categories" FROM "push_subscription" WHERE "user_id" IS NOT NULL`
      )
      assert.equal(rows.length, 1)
      assert.equal(rows[0].user_id, store.admin.id)
      assert.ok(rows[0].categories.length > 0, "the admin's device receives store alerts")
      assert.ok(
        [...push.channels.values()].some((c) => c.endpoint === rows[0].endpoint),
        "the endpoint Firefox registered"
      )
      await page.waitForSelector(`[data-device-id="${rows[0].id}"]`)
      await shot("03-push-enabled")
    })

    it("sends a test notification and Firefox shows it", async () => {
      await timed("test notification", async () => {
        await page.waitForSelector('[data-testid="send-test"]:not([disabled])')
        await page.click('[data-testid="send-test"]')
        await page.waitForSelector('[data-testid="test-result"]', { timeout: 30_000 })
      })
      assert.match(await textOf('[data-testid="test-result"]'), /Sent to 1 device: 1 delivered/)
      const shown = await eventually("the test notification", async () =>
        (await readNotifications(page, `${new URL(store.adminUrl).pathname}/`)).find((n) => n.title === "Test notification")
      )
      assert.equal(shown.data?.url, `${store.adminUrl}/a/settings`)
      await shot("04-test-sent")
    })

    it("edits a template and the live preview follows", async () => {
      await open("/a/web-push/templates", '[data-template="order.placed:customer"]')
      await shot("05-templates")
      await page.click('[data-template="order.placed:customer"]')
      await page.waitForSelector('[data-testid="template-preview-title"]', { timeout: 30_000 })
      const before = await textOf('[data-testid="template-preview-title"]')
      assert.match(before, /confirmed/)
      await fill("#template-title", "Danke! Order {{order.display_id}} is in")
      const after = await eventually("the preview with the new title", async () => {
        const title = await textOf('[data-testid="template-preview-title"]')
        return title.startsWith("Danke!") ? title : undefined
      })
      assert.match(after, /^Danke! Order \d+ is in$/, "rendered with a real order's display id")
      await page.click('[data-testid="template-save"]')
      await page.waitForFunction(() => Array.from(document.querySelectorAll("option")).some((o) => o.textContent?.includes("(edited)")), {
        timeout: 20_000,
      })
      await shot("06-template-edited")
    })

    it("sends a broadcast: recipient count, confirmation, progress to done", async () => {
      await open("/a/web-push/broadcast", "#broadcast-title")
      await page.type("#broadcast-title", "Summer sale")
      await page.type("#broadcast-body", "Everything 20% off until Sunday.")
      await fill("#broadcast-category", "promotions")
      await page.type("#broadcast-url", "/collections/sale")
      await page.click('[data-testid="broadcast-count"]')
      await page.waitForSelector('[data-testid="broadcast-recipients"]')
      assert.match(await textOf('[data-testid="broadcast-recipients"]'), /^3 devices/)
      await shot("07-broadcast-count")
      await page.click('[data-testid="broadcast-send"]')
      await page.waitForSelector('[data-testid="broadcast-confirm"]')
      await shot("08-broadcast-confirm")
      await timed("broadcast to done", async () => {
        await page.click('[data-testid="broadcast-confirm"]')
        await page.waitForSelector('[data-testid="send-progress"][data-status="done"]', { timeout: 60_000 })
      })
      const progress = await page.$eval('[data-testid="send-progress"]', (e) => ({
        finished: e.getAttribute("data-finished"),
        total: e.getAttribute("data-total"),
      }))
      assert.deepEqual(progress, { finished: "3", total: "3" })
      const received = await store.push.waitForMessages((m) => (m.payload as { title?: string } | null)?.title === "Summer sale", 3)
      assert.equal(received.length, 3)
      await shot("09-broadcast-done")
    })

    it("opens an order's widget and resends a push", async () => {
      await open(`/a/orders/${order.id}`, '[data-testid="order-pushes"] [data-testid="resend"]')
      await shot("10-order-widget")
      const ada = customerDevices[0]
      const before = store.push.messagesFor(ada.id).length
      const rows = await page.$$eval('[data-testid="order-pushes"] [data-message-id]', (els) =>
        els.map((e) => e.getAttribute("data-message-id"))
      )
      await timed("resend", async () => {
        await page.click('[data-testid="order-pushes"] [data-message-id] [data-testid="resend"]')
        await page.waitForFunction(
          (n: number) => document.querySelectorAll('[data-testid="order-pushes"] [data-message-id]').length > n,
          { timeout: 30_000 },
          rows.length
        )
      })
      await eventually("the resent push at the customer's device", async () =>
        store.push.messagesFor(ada.id).length > before ? true : undefined
      )
      const [resent]: Array<{ event_name: string; status: string; delivered_count: number }> = await db.query(
        `SELECT "event_name", "status", "delivered_count" FROM "push_message" WHERE "idempotency_key" LIKE 'resend|%' AND "resource_id" = $1`,
        [order.id]
      )
      assert.equal(resent.event_name, "order.placed")
      assert.equal(resent.status, "done")
      await shot("11-order-resent")
    })

    it("shows the delivery log with its chart, a message's deliveries and the contact messages", async () => {
      await open("/a/web-push", '[data-testid="delivery-chart"]')
      await page.waitForSelector("[data-message-id]")
      // Attributed revenue: 30 days (UTC) in plain SVG.
      assert.equal(await page.$$eval('[data-testid="revenue-chart"] rect', (bars) => bars.length), 30)
      await shot("12-delivery-log")
      const first = await page.$eval("[data-message-id] a", (a) => (a as HTMLAnchorElement).getAttribute("href"))
      assert.ok(first)
      await page.click("[data-message-id] a")
      await page.waitForSelector('[data-testid="message-detail"]')
      assert.match(await textOf('[data-testid="message-detail"] [data-testid="message-attribution"]'), /click.*order/)
      await shot("13-message-detail")
      await store.http.expect(201, "POST", "/store/contact-messages", {
        body: { name: "Grace", email: `grace-${process.pid}@teststore.dev`, subject: "Sizes", message: "Do you have the hoodie in XL?" },
      })
      await open("/a/contact-messages", "[data-contact-id]")
      await shot("14-contact-messages")
      await open(
        `/a/customers/${(await db.query(`SELECT "customer_id" FROM "order" WHERE "id" = $1`, [order.id]))[0].customer_id}`,
        '[data-testid="customer-devices"] [data-device-id]'
      )
      await shot("15-customer-devices")
    })

    it("lists the inbound sources in Settings, sends a test alert, and shows a folded chat alert as In summary", async () => {
      await open("/a/settings/web-push", '[data-inbound-source="chat"]')
      const chat = '[data-inbound-source="chat"]'
      const reviews = '[data-inbound-source="reviews"]'
      assert.equal((await textOf(`${chat} [data-testid="inbound-last-received"]`)).trim(), "never")
      assert.match((await textOf(`${chat} [data-testid="inbound-hook-url"]`)).trim(), /^https?:\/\/[^/]+\/hooks\/web-push\/alerts\/chat$/)
      // A token URL is a secret: masked until shown.
      const masked = await textOf(`${reviews} [data-testid="inbound-hook-url"]`)
      assert.ok(!masked.includes(REVIEWS_TOKEN) && masked.includes("/hooks/web-push/alerts/reviews/"), masked)
      await page.click(`${reviews} [data-testid="inbound-show-url"]`)
      assert.match(
        await textOf(`${reviews} [data-testid="inbound-hook-url"]`),
        new RegExp(`/hooks/web-push/alerts/reviews/${REVIEWS_TOKEN}$`)
      )

      for (const id of [901, 902]) {
        const rawBody = JSON.stringify({
          event: "message_created",
          id,
          content: `Question ${id}`,
          message_type: "incoming",
          private: false,
          sender: { name: "Ada", type: "contact" },
          conversation: { id: 7 },
          account: { id: 1 },
        })
        const ts = Math.floor(Date.now() / 1000)
        await store.http.expect(202, "POST", "/hooks/web-push/alerts/chat", {
          rawBody,
          headers: { "x-chatwoot-signature": signChatwoot(CHAT_SECRET, ts, rawBody), "x-chatwoot-timestamp": String(ts) },
        })
      }
      await page.click(`${chat} [data-testid="inbound-test"]`)
      await page.waitForSelector(`${chat} [data-testid="inbound-test-result"]`, { timeout: 30_000 })
      assert.match(await textOf(`${chat} [data-testid="inbound-test-result"]`), /^Test alert sent as inbound\.chat/)
      await page.waitForFunction(
        (sel: string) => document.querySelector(sel)?.textContent?.trim() === "2",
        { timeout: 30_000 },
        `${chat} [data-testid="inbound-received-count"]`
      )
      assert.notEqual((await textOf(`${chat} [data-testid="inbound-last-received"]`)).trim(), "never")
      await shot("16-inbound-sources")

      // The first chat alert (or the test's) went alone; the next one past the limit was folded into a summary.
      const folded = await eventually("a chat alert folded into a summary", async () => {
        const rows: Array<{ id: string; summary_id: string }> = await db.query(
          `SELECT "id", "summary_id" FROM "push_message" WHERE "event_name" = 'inbound.chat' AND "summary_id" IS NOT NULL LIMIT 1`
        )
        return rows[0]
      })
      await open("/a/web-push", `[data-message-id="${folded.id}"] [data-testid="in-summary"]`)
      await page.waitForSelector(`[data-message-id="${folded.summary_id}"] [data-testid="summary-event"]`)
      await shot("17-delivery-log-summary")
      await page.click(`[data-message-id="${folded.id}"] [data-testid="in-summary"]`)
      await page.waitForSelector('[data-testid="message-detail"] [data-testid="summary-note"]')
      assert.ok((await page.evaluate(() => location.pathname)).endsWith(`/a/web-push/messages/${folded.summary_id}`))
      assert.match(await textOf('[data-testid="summary-note"]'), /^A summary of the inbound\.chat alerts past the limit/)
      await shot("18-summary-message")
    })

    it("switches an automation on the Automations page, previews a product alert's template, and counts the waiting alerts on the product", async () => {
      const product = await createProduct(store.http, store.admin, {
        title: "Alpaca Scarf",
        variants: [{ title: "One size", eur: 4900, stock: 0 }],
      })
      const watcher = store.push.createDevice("scarf-watcher")
      await store.http.expect(201, "POST", "/store/push/alerts", {
        body: { subscription: watcher.subscription, variant_id: product.variantIds["One size"], kind: "back_in_stock" },
      })
      await open("/a/web-push/automations", '[data-automation="welcome"]')
      await shot("19-automations")
      await page.click("#automation-welcome")
      await eventually("the welcome switched on at the store", async () => {
        const [row] = await db.query(`SELECT "enabled" FROM "push_automation_setting" WHERE "key" = 'welcome'`)
        return row?.enabled === true ? true : undefined
      })
      await page.waitForSelector('[data-automation="welcome"] [data-state="checked"]')
      await page.click('[data-automation="back_in_stock"] [data-testid="automation-edit-template"]')
      const title = await eventually("the back-in-stock preview", async () => {
        const text = await page.$eval('[data-testid="template-preview-title"]', (e) => e.textContent ?? "").catch(() => "")
        return text.startsWith("Back in stock") ? text : undefined
      })
      assert.equal(title, "Back in stock: Alpaca Scarf", "previewed with the watched variant")
      await shot("20-automation-template")
      await open(`/a/products/${product.id}`, `[data-testid="product-alerts"] [data-variant-id="${product.variantIds["One size"]}"]`)
      assert.match(await textOf(`[data-variant-id="${product.variantIds["One size"]}"]`), /One size\s*1\s*0/)
      await shot("21-product-alerts-widget")
    })
  }
)
