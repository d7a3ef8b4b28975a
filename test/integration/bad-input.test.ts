import assert from "node:assert/strict"
import { after, before, describe, it } from "node:test"
import type { EntityManager } from "typeorm"
import { startTestStore, TestStore } from "../support/environment"
import type { Device } from "../support/push-service"

interface Case {
  name: string
  method: string
  path: string
  admin?: boolean
  body?: unknown
  rawBody?: string
  status: number
  field?: string
}

const TABLES = ["push_subscription", "push_message", "push_delivery", "contact_message", "push_template", "push_admin_preference"]

describe("bad input: every route answers 4xx naming the field, and stores nothing", () => {
  let store: TestStore
  let db: EntityManager
  let device: Device

  const counts = async (): Promise<number[]> =>
    Promise.all(TABLES.map(async (t) => (await db.query(`SELECT count(*)::int AS n FROM "${t}"`))[0].n as number))

  before(async () => {
    store = await startTestStore("bad_input")
    db = store.app.container.resolve<EntityManager>("manager")
    device = store.push.createDevice("valid")
  })

  after(async () => {
    await store?.stop()
  })

  it("refuses each malformed request with a JSON error and leaves the database unchanged", async () => {
    const sub = device.subscription
    const withKeys = (keys: Record<string, unknown>) => ({ subscription: { ...sub, keys: { ...sub.keys, ...keys } } })
    const cases: Case[] = [
      { name: "malformed JSON", method: "POST", path: "/store/push/subscriptions", rawBody: "{", status: 400, field: "body" },
      { name: "array body", method: "POST", path: "/store/push/subscriptions", body: [], status: 400, field: "body" },
      { name: "no subscription", method: "POST", path: "/store/push/subscriptions", body: {}, status: 400, field: "subscription" },
      {
        name: "http endpoint",
        method: "POST",
        path: "/store/push/subscriptions",
        body: { subscription: { ...sub, endpoint: "http://localhost/x" } },
        status: 400,
        field: "subscription.endpoint",
      },
      {
        name: "unknown push host",
        method: "POST",
        path: "/store/push/subscriptions",
        body: { subscription: { ...sub, endpoint: "https://push.attacker.example/x" } },
        status: 400,
        field: "subscription.endpoint",
      },
      {
        name: "metadata IP endpoint",
        method: "POST",
        path: "/store/push/subscriptions",
        body: { subscription: { ...sub, endpoint: "https://169.254.169.254/latest" } },
        status: 400,
        field: "subscription.endpoint",
      },
      {
        name: "p256dh not a point",
        method: "POST",
        path: "/store/push/subscriptions",
        body: withKeys({ p256dh: Buffer.alloc(65, 4).toString("base64url") }),
        status: 400,
        field: "subscription.keys.p256dh",
      },
      {
        name: "auth of 10 bytes",
        method: "POST",
        path: "/store/push/subscriptions",
        body: withKeys({ auth: Buffer.alloc(10, 1).toString("base64url") }),
        status: 400,
        field: "subscription.keys.auth",
      },
      {
        name: "keys missing",
        method: "POST",
        path: "/store/push/subscriptions",
        body: { subscription: { endpoint: sub.endpoint } },
        status: 400,
        field: "subscription.keys",
      },
      {
        name: "expirationTime text",
        method: "POST",
        path: "/store/push/subscriptions",
        body: { subscription: { ...sub, expirationTime: "tomorrow" } },
        status: 400,
        field: "subscription.expirationTime",
      },
      {
        name: "locale not a tag",
        method: "POST",
        path: "/store/push/subscriptions",
        body: { subscription: sub, locale: "<script>" },
        status: 400,
        field: "locale",
      },
      {
        name: "categories not a list",
        method: "POST",
        path: "/store/push/subscriptions",
        body: { subscription: sub, categories: "all" },
        status: 400,
        field: "categories",
      },
      {
        name: "unknown field",
        method: "POST",
        path: "/store/push/subscriptions",
        body: { subscription: sub, customer_id: "cus_123" },
        status: 400,
        field: "customer_id",
      },
      {
        name: "cart id malformed",
        method: "POST",
        path: "/store/push/subscriptions",
        body: { subscription: sub, cart_id: "' OR 1=1 --" },
        status: 400,
        field: "cart_id",
      },
      {
        name: "cart never completed",
        method: "POST",
        path: "/store/push/subscriptions",
        body: { subscription: sub, cart_id: "cart_01NOSUCHCART" },
        status: 400,
        field: "cart_id",
      },
      { name: "no customer, no cart", method: "POST", path: "/store/push/subscriptions", body: { subscription: sub }, status: 401 },
      {
        name: "body over 16 KB",
        method: "POST",
        path: "/store/push/subscriptions",
        rawBody: JSON.stringify({ subscription: sub, pad: "x".repeat(20_000) }),
        status: 413,
        field: "body",
      },
      { name: "delete without endpoint", method: "DELETE", path: "/store/push/subscriptions", body: {}, status: 400, field: "endpoint" },
      {
        name: "delete with bad auth",
        method: "DELETE",
        path: "/store/push/subscriptions",
        body: { endpoint: sub.endpoint, auth: "%%%" },
        status: 400,
        field: "auth",
      },
      {
        name: "delete unknown device",
        method: "DELETE",
        path: "/store/push/subscriptions",
        body: { endpoint: sub.endpoint, auth: sub.keys.auth },
        status: 404,
      },
      { name: "list without customer", method: "GET", path: "/store/push/subscriptions", status: 401 },
      {
        name: "renew with bad previous",
        method: "POST",
        path: "/store/push/subscriptions/renew",
        body: { previous: { endpoint: sub.endpoint }, subscription: sub },
        status: 400,
        field: "previous.auth",
      },
      {
        name: "renew of an unknown device",
        method: "POST",
        path: "/store/push/subscriptions/renew",
        body: { previous: { endpoint: sub.endpoint, auth: sub.keys.auth }, subscription: sub },
        status: 404,
      },
      { name: "click without delivery", method: "POST", path: "/store/push/clicks", body: {}, status: 400, field: "delivery_id" },
      {
        name: "click without token",
        method: "POST",
        path: "/store/push/clicks",
        body: { delivery_id: "pushdel_01NOSUCH" },
        status: 400,
        field: "click_token",
      },
      {
        name: "click with a malformed token",
        method: "POST",
        path: "/store/push/clicks",
        body: { delivery_id: "pushdel_01NOSUCH", click_token: "pushdel_01NOSUCH" },
        status: 400,
        field: "click_token",
      },
      {
        name: "click on unknown delivery",
        method: "POST",
        path: "/store/push/clicks",
        body: { delivery_id: "pushdel_01NOSUCH", click_token: "A".repeat(43) },
        status: 404,
      },
      {
        name: "click link with a malformed id",
        method: "GET",
        path: `/store/push/clicks/order_1?t=${"A".repeat(43)}`,
        status: 400,
        field: "id",
      },
      {
        name: "click link with a malformed token",
        method: "GET",
        path: "/store/push/clicks/pushdel_01NOSUCH?t=short",
        status: 400,
        field: "t",
      },
      {
        name: "broadcast: a link to another site",
        method: "POST",
        path: "/admin/push/broadcasts",
        admin: true,
        body: { title: "x", body: "y", category: "promotions", url: "https://evil.example/x" },
        status: 400,
        field: "url",
      },
      {
        name: "template: a link to another site",
        method: "POST",
        path: "/admin/push/templates/order.placed/customer",
        admin: true,
        body: { url: "https://evil.example/{{order.id}}" },
        status: 400,
        field: "url",
      },
      {
        name: "preview: a link to another site",
        method: "POST",
        path: "/admin/push/templates/preview",
        admin: true,
        body: { event: "order.placed", audience: "customer", template: { image: "//evil.example/i.png" } },
        status: 400,
        field: "template.image",
      },
      { name: "contact: nothing", method: "POST", path: "/store/contact-messages", body: {}, status: 400, field: "name" },
      {
        name: "contact: bad email",
        method: "POST",
        path: "/store/contact-messages",
        body: { name: "A", email: "not-an-email", message: "Hi" },
        status: 400,
        field: "email",
      },
      {
        name: "contact: name not text",
        method: "POST",
        path: "/store/contact-messages",
        body: { name: 42, email: "a@b.dev", message: "Hi" },
        status: 400,
        field: "name",
      },
      {
        name: "contact: blank message",
        method: "POST",
        path: "/store/contact-messages",
        body: { name: "A", email: "a@b.dev", message: " \u0000 " },
        status: 400,
        field: "message",
      },
      {
        name: "contact: message too long",
        method: "POST",
        path: "/store/contact-messages",
        body: { name: "A", email: "a@b.dev", message: "x".repeat(5001) },
        status: 400,
        field: "message",
      },
      {
        name: "contact: subject too long",
        method: "POST",
        path: "/store/contact-messages",
        body: { name: "A", email: "a@b.dev", subject: "s".repeat(201), message: "Hi" },
        status: 400,
        field: "subject",
      },
      { name: "admin: no admin", method: "POST", path: "/admin/push/subscriptions", body: { subscription: sub }, status: 401 },
      { name: "admin: list without admin", method: "GET", path: "/admin/push/subscriptions", status: 401 },
      { name: "admin: test without admin", method: "POST", path: "/admin/push/test", status: 401 },
      { name: "admin: contact list without admin", method: "GET", path: "/admin/contact-messages", status: 401 },
      {
        name: "admin: cart_id not accepted",
        method: "POST",
        path: "/admin/push/subscriptions",
        admin: true,
        body: { subscription: sub, cart_id: "cart_01ABC" },
        status: 400,
        field: "cart_id",
      },
      {
        name: "admin: bad key",
        method: "POST",
        path: "/admin/push/subscriptions",
        admin: true,
        body: withKeys({ auth: "" }),
        status: 400,
        field: "subscription.keys.auth",
      },
      {
        name: "admin: delete without auth",
        method: "DELETE",
        path: "/admin/push/subscriptions",
        admin: true,
        body: { endpoint: sub.endpoint },
        status: 400,
        field: "auth",
      },
      {
        name: "admin: limit not a number",
        method: "GET",
        path: "/admin/push/subscriptions?limit=abc",
        admin: true,
        status: 400,
        field: "limit",
      },
      {
        name: "admin: owner_type unknown",
        method: "GET",
        path: "/admin/push/subscriptions?owner_type=robot",
        admin: true,
        status: 400,
        field: "owner_type",
      },
      {
        name: "admin: offset negative",
        method: "GET",
        path: "/admin/contact-messages?offset=-1",
        admin: true,
        status: 400,
        field: "offset",
      },
      { name: "admin: test with no device", method: "POST", path: "/admin/push/test", admin: true, status: 404 },
      { name: "preferences without endpoint", method: "POST", path: "/store/push/preferences", body: {}, status: 400, field: "endpoint" },
      {
        name: "preferences of an unknown device",
        method: "POST",
        path: "/store/push/preferences",
        body: { endpoint: sub.endpoint, auth: sub.keys.auth, categories: ["promotions"] },
        status: 404,
      },
      {
        name: "preferences: unknown category",
        method: "POST",
        path: "/store/push/preferences",
        body: { endpoint: sub.endpoint, auth: sub.keys.auth, categories: ["orders"] },
        status: 400,
        field: "categories",
      },
      {
        name: "preferences: bad time zone",
        method: "POST",
        path: "/store/push/preferences",
        body: { endpoint: sub.endpoint, auth: sub.keys.auth, time_zone: "Mars/Olympus" },
        status: 400,
        field: "time_zone",
      },
      {
        name: "subscribe: unknown category",
        method: "POST",
        path: "/admin/push/subscriptions",
        admin: true,
        body: { subscription: sub, categories: ["promotions"] },
        status: 400,
        field: "categories",
      },
      {
        name: "broadcast: unknown category",
        method: "POST",
        path: "/admin/push/broadcasts",
        admin: true,
        body: { title: "x", body: "y", category: "secret_club" },
        status: 400,
        field: "category",
      },
      {
        name: "broadcast: send_at without a zone",
        method: "POST",
        path: "/admin/push/broadcasts",
        admin: true,
        body: { title: "x", body: "y", category: "promotions", send_at: "2026-12-01 09:00" },
        status: 400,
        field: "send_at",
      },
      {
        name: "broadcast: send_at on a day that does not exist",
        method: "POST",
        path: "/admin/push/broadcasts",
        admin: true,
        body: { title: "x", body: "y", category: "promotions", send_at: "2026-02-30T09:00:00Z" },
        status: 400,
        field: "send_at",
      },
      {
        name: "template: unknown event",
        method: "POST",
        path: "/admin/push/templates/no.such/customer",
        admin: true,
        body: { title: "x" },
        status: 404,
      },
      {
        name: "template: bad locale",
        method: "POST",
        path: "/admin/push/templates/order.placed/customer",
        admin: true,
        body: { locale: "x!", title: "x" },
        status: 400,
        field: "locale",
      },
      {
        name: "template: ttl negative",
        method: "POST",
        path: "/admin/push/templates/order.placed/customer",
        admin: true,
        body: { ttl: -1 },
        status: 400,
        field: "ttl",
      },
      {
        name: "template: urgency unknown",
        method: "POST",
        path: "/admin/push/templates/order.placed/customer",
        admin: true,
        body: { urgency: "asap" },
        status: 400,
        field: "urgency",
      },
      {
        name: "template: title too long",
        method: "POST",
        path: "/admin/push/templates/order.placed/customer",
        admin: true,
        body: { title: "t".repeat(201) },
        status: 400,
        field: "title",
      },
      {
        name: "preview: unknown event",
        method: "POST",
        path: "/admin/push/templates/preview",
        admin: true,
        body: { event: "no.such", audience: "admin" },
        status: 404,
      },
      {
        name: "preview: unknown field",
        method: "POST",
        path: "/admin/push/templates/preview",
        admin: true,
        body: { event: "order.placed", audience: "admin", x: 1 },
        status: 400,
        field: "x",
      },
      {
        name: "admin preferences: unknown event",
        method: "POST",
        path: "/admin/push/preferences",
        admin: true,
        body: { events: ["order.placed", "nope"] },
        status: 400,
        field: "events",
      },
    ]
    const before = await counts()
    for (const c of cases) {
      const res = await store.http.request<{ type?: string; message?: string; field?: string }>(c.method, c.path, {
        body: c.body,
        rawBody: c.rawBody,
        apiToken: c.admin ? store.admin.apiToken : undefined,
      })
      assert.equal(res.status, c.status, `${c.name}: ${JSON.stringify(res.body)}`)
      if (c.status !== 401) {
        assert.equal(typeof res.body.message, "string", `${c.name}: a JSON error with a message`)
        assert.doesNotMatch(JSON.stringify(res.body), /at .*\.js:\d+|node_modules/, `${c.name}: no stack trace`)
      }
      if (c.field) assert.equal(res.body.field, c.field, `${c.name}: names the field (${res.body.message})`)
    }
    assert.deepEqual(await counts(), before, "rejected requests stored nothing")
    // And the store still serves.
    await store.http.expect(200, "GET", "/store/push/vapid-public-key")
  })

  it("never returns a device's endpoint or auth secret", async () => {
    await store.http.expect(201, "POST", "/admin/push/subscriptions", {
      apiToken: store.admin.apiToken,
      body: { subscription: device.subscription },
    })
    const listed = await store.http.request("GET", "/admin/push/subscriptions", { apiToken: store.admin.apiToken })
    const text = JSON.stringify(listed.body)
    assert.equal(listed.status, 200)
    assert.ok(!text.includes(device.endpoint), "no endpoint")
    assert.ok(!text.includes(device.keys.auth), "no auth secret")
    assert.ok(!text.includes(store.vapid.privateKey), "no VAPID private key")
  })
})
