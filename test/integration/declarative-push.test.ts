/**
 * Declarative Web Push against the real store, through the verifying, decrypting push service:
 * what a device receives is a declarative message in the device's language beside the old fields,
 * which the worker from before the upgrade shows as before; its `navigate` link (backend_url)
 * records the click with the delivery's token and redirects to the notification's own link, never
 * elsewhere; a delivery that may be a repeat (a retry, a lease taken over) is `mutable`.
 */
import assert from "node:assert/strict"
import { after, before, describe, it } from "node:test"
import type { EntityManager } from "typeorm"
import { runDueWork } from "../support/clock"
import { startTestStore, TestStore } from "../support/environment"
import { eventually } from "../support/eventually"
import { placeOrder, registerCustomer, type Customer } from "../support/order-flow"
import type { Device, ReceivedMessage } from "../support/push-service"
import { declarativeProblems } from "../support/declarative-push-rules"
import { loadWorker, plain, WORKERS } from "../support/worker-vm"

const BACKEND_URL = "https://api.teststore.dev"
const STOREFRONT = "https://shop.teststore.dev"

interface Declarative {
  web_push: number
  notification: {
    title: string
    body: string
    navigate: string
    lang?: string
    dir: string
    tag?: string
    mutable?: boolean
    data: { message_id: string; delivery_id: string; click_token: string }
  }
  title: string
  url: string
  data: { message_id: string; delivery_id: string; click_token: string }
}

const payloadOf = (m: ReceivedMessage): Declarative => m.payload as Declarative

describe("declarative web push: the payload, its click link, and the old worker", () => {
  let store: TestStore
  let db: EntityManager
  let customer: Customer
  let phone: Device

  /** Follows a click link on this store (its host is `backend_url`'s, as behind a proxy), without following the redirect. */
  const follow = async (link: string): Promise<Response> => {
    const url = new URL(link)
    return fetch(`${store.http.baseUrl}${url.pathname}${url.search}`, { redirect: "manual" })
  }
  const clicked = async (deliveryId: string): Promise<{ clicked_at: Date | null; clicked_count: number }> =>
    (
      await db.query(
        `SELECT d."clicked_at", m."clicked_count" FROM "push_delivery" d JOIN "push_message" m ON m."id" = d."message_id" WHERE d."id" = $1`,
        [deliveryId]
      )
    )[0]

  before(async () => {
    store = await startTestStore("declarative", {
      pluginOptions: { backend_url: BACKEND_URL, retry_base_ms: 300, retry_poll_ms: 200, held_categories: [] },
    })
    db = store.app.container.resolve<EntityManager>("manager")
    customer = await registerCustomer(store.http, "declarative@teststore.dev", "Grete")
    phone = store.push.createDevice("grete-phone")
    await store.http.expect(201, "POST", "/store/push/subscriptions", {
      token: customer.token,
      body: { subscription: phone.subscription, locale: "de-AT" },
    })
  })

  after(async () => {
    await store?.stop()
  })

  let placed: Declarative
  let orderId: string

  it("a device receives a declarative message in its language, with the old fields beside it", async () => {
    const order = await placeOrder(store.http, store.catalog, customer)
    orderId = order.id
    const [received] = await store.push.waitForMessages((m) => m.deviceId === phone.id, 1)
    placed = payloadOf(received)
    assert.deepEqual(declarativeProblems(JSON.stringify(placed), { siteOrigins: [STOREFRONT] }), [])
    assert.equal(placed.web_push, 8030)
    const n = placed.notification
    assert.equal(n.title, `Bestellung Nr. ${order.displayId} bestätigt`)
    assert.equal(n.lang, "de-AT", "the device's own language (its text: the German template)")
    assert.equal(n.dir, "ltr")
    assert.equal(n.mutable, undefined, "a first send: nothing for the worker to add")
    assert.equal((placed as { mutable?: boolean }).mutable, undefined)
    const deliveryId = n.data.delivery_id
    assert.equal(n.navigate, `${BACKEND_URL}/store/push/clicks/${deliveryId}?t=${n.data.click_token}`)
    // The old fields: what a worker from before the upgrade reads.
    assert.equal(placed.title, n.title)
    assert.equal(placed.url, `${STOREFRONT}/order/confirmed/${order.id}`)
    assert.deepEqual(placed.data, n.data)
    assert.ok(Buffer.byteLength(JSON.stringify(placed)) <= 2967)
  })

  it("the worker from before the upgrade shows it as today's worker does", async () => {
    const before = loadWorker(async () => [], WORKERS.beforeDeclarative)
    const now = loadWorker(async () => [])
    await before.push(placed)
    await now.push(placed)
    assert.equal(before.shown[0].title, placed.notification.title)
    assert.equal(before.shown[0].options.data?.url, placed.url)
    assert.equal(before.shown[0].options.data?.click_token, placed.notification.data.click_token)
    assert.deepEqual(plain(before.shown[0].options), plain({ ...now.shown[0].options, lang: undefined, dir: undefined }))
    assert.equal(now.shown[0].options.lang, "de-AT")
  })

  it("its click link with a wrong token redirects to the storefront and records nothing, nor does a link preview", async () => {
    const link = new URL(placed.notification.navigate)
    const token = link.searchParams.get("t") as string
    link.searchParams.set(
      "t",
      token.replace(/^./, (c) => (c === "A" ? "B" : "A"))
    )
    const res = await follow(link.href)
    assert.equal(res.status, 303)
    assert.equal(res.headers.get("location"), STOREFRONT)
    link.searchParams.delete("t")
    assert.equal((await follow(link.href)).headers.get("location"), STOREFRONT)
    // A link preview (HEAD) with the right token follows the link but is no click.
    const url = new URL(placed.notification.navigate)
    const preview = await fetch(`${store.http.baseUrl}${url.pathname}${url.search}`, { method: "HEAD", redirect: "manual" })
    assert.equal(preview.status, 303)
    assert.equal(preview.headers.get("location"), placed.url)
    assert.deepEqual(await clicked(placed.notification.data.delivery_id), { clicked_at: null, clicked_count: 0 })
  })

  it("its click link records the click once and redirects to the notification's own link", async () => {
    for (let i = 0; i < 2; i++) {
      const res = await follow(placed.notification.navigate)
      assert.equal(res.status, 303)
      assert.equal(res.headers.get("location"), `${STOREFRONT}/order/confirmed/${orderId}`)
      assert.equal(res.headers.get("cache-control"), "no-store")
      assert.equal(res.headers.get("referrer-policy"), "no-referrer")
    }
    const after = await clicked(placed.notification.data.delivery_id)
    assert.ok(after.clicked_at instanceof Date)
    assert.equal(after.clicked_count, 1, "the second visit is not a second click")
  })

  it("a malformed id or token answers 400 naming it; an unknown delivery goes to the storefront", async () => {
    const token = placed.notification.data.click_token
    const cases: Array<[string, string]> = [
      ["/store/push/clicks/order_123?t=" + token, "id"],
      [`/store/push/clicks/${placed.notification.data.delivery_id}?t=short`, "t"],
      [`/store/push/clicks/${placed.notification.data.delivery_id}?t=${token}&t=${token}`, "t"],
    ]
    for (const [path, field] of cases) {
      const res = await store.http.request<{ field?: string }>("GET", path)
      assert.equal(res.status, 400, path)
      assert.equal(res.body.field, field, path)
    }
    const unknown = await follow(`${BACKEND_URL}/store/push/clicks/pushdel_01NOSUCHDELIVERY?t=${token}`)
    assert.equal(unknown.status, 303)
    assert.equal(unknown.headers.get("location"), STOREFRONT)
  })

  it("the admin's settings show where clicks are counted", async () => {
    const { config } = await store.http.expect<{ config: { backend_url: string | null } }>(200, "GET", "/admin/push/config", {
      apiToken: store.admin.apiToken,
    })
    assert.equal(config.backend_url, BACKEND_URL)
  })

  it("an admin's notification leads to the admin, through the same link", async () => {
    const desk = store.push.createDevice("admin-desk")
    await store.http.expect(201, "POST", "/admin/push/subscriptions", {
      apiToken: store.admin.apiToken,
      body: { subscription: desk.subscription, locale: "en" },
    })
    await store.http.expect(200, "POST", "/admin/push/test", { apiToken: store.admin.apiToken })
    const [received] = await store.push.waitForMessages((m) => m.deviceId === desk.id, 1)
    const payload = payloadOf(received)
    assert.deepEqual(declarativeProblems(JSON.stringify(payload), { siteOrigins: [STOREFRONT] }), [])
    const res = await follow(payload.notification.navigate)
    assert.equal(res.status, 303)
    assert.equal(res.headers.get("location"), payload.url)
    assert.ok(payload.url.startsWith("https://admin.teststore.dev"), payload.url)
  })

  it("a retry is mutable, so that the worker can tell a repeat from a new message", async () => {
    store.push.respondWith(phone.id, [{ status: 503, body: "try later" }])
    const before = store.push.messagesFor(phone.id).length
    await placeOrder(store.http, store.catalog, customer)
    const [received] = await store.push.waitForMessages(
      (m) => m.deviceId === phone.id && store.push.messagesFor(phone.id).indexOf(m) >= before,
      1
    )
    assert.equal(payloadOf(received).notification.mutable, true)
    assert.equal((payloadOf(received) as { mutable?: boolean }).mutable, true, "beside the notification too")
  })

  it("a delivery taken over from an instance that died with it in flight is mutable", async () => {
    const deliveryId = placed.notification.data.delivery_id
    // As the dead instance left it: claimed (`sending`), its lease run out, no attempt recorded.
    await db.query(
      `UPDATE "push_delivery" SET "status" = 'sending', "attempts" = 0, "next_attempt_at" = now() - interval '1 minute' WHERE "id" = $1`,
      [deliveryId]
    )
    const before = store.push.messagesFor(phone.id).length
    await runDueWork(store)
    const again = await eventually("the delivery sent again", async () => store.push.messagesFor(phone.id).slice(before)[0])
    assert.equal(payloadOf(again).notification.data.delivery_id, deliveryId)
    assert.equal(payloadOf(again).notification.mutable, true)
  })
  it("a stored link the rule no longer allows is not followed: the storefront instead", async () => {
    await db.query(
      `UPDATE "push_message" SET "payload" = jsonb_set("payload", '{url}', '"https://evil.example/phish"'),
         "localized_payloads" = (SELECT jsonb_object_agg(k, jsonb_set(v, '{url}', '"https://evil.example/phish"')) FROM jsonb_each("localized_payloads") AS e(k, v))
       WHERE "id" = $1`,
      [placed.notification.data.message_id]
    )
    const res = await follow(placed.notification.navigate)
    assert.equal(res.status, 303)
    assert.equal(res.headers.get("location"), STOREFRONT)
  })
})
