/**
 * The admin routes the admin extension adds (config, stats, resend, removing any device,
 * contact messages read/unread, the admin's service worker) against the real Medusa app.
 */
import assert from "node:assert/strict"
import { after, before, describe, it } from "node:test"
import type { EntityManager } from "typeorm"
import { startTestStore, type TestStore } from "../support/environment"
import { placeOrder, registerCustomer } from "../support/order-flow"

describe("admin routes of the admin extension", { timeout: 120_000 }, () => {
  let store: TestStore
  let db: EntityManager
  let auth: { apiToken: string }

  before(async () => {
    store = await startTestStore("admin-routes")
    db = store.app.container.resolve<EntityManager>("manager")
    auth = { apiToken: store.admin.apiToken }
  })

  after(async () => {
    await store?.stop()
  })

  it("GET /admin/push/config: configured, the public key and URLs, never the private key", async () => {
    const res = await store.http.request<{ config: Record<string, unknown> }>("GET", "/admin/push/config", auth)
    assert.equal(res.status, 200)
    assert.deepEqual(res.body.config, {
      configured: true,
      error: null,
      vapid_public_key: store.vapid.publicKey,
      vapid_subject: "mailto:ops@teststore.dev",
      storefront_url: "https://shop.teststore.dev",
      admin_url: "https://admin.teststore.dev",
      backend_url: null,
      service_worker_url: "/admin-push-sw",
      paused_push_services: [],
    })
    assert.ok(!JSON.stringify(res.body).includes(store.vapid.privateKey))
    assert.equal((await store.http.request("GET", "/admin/push/config")).status, 401)
  })

  it("GET /admin/push/stats counts devices and today's messages, with 14 days of outcomes", async () => {
    const customer = await registerCustomer(store.http, `stats-${process.pid}@teststore.dev`)
    const device = store.push.createDevice("stats-phone")
    await store.http.expect(201, "POST", "/store/push/subscriptions", {
      token: customer.token,
      body: { subscription: device.subscription },
    })
    const order = await placeOrder(store.http, store.catalog, { token: customer.token, email: customer.email })
    await store.push.waitForMessages((m) => m.deviceId === device.id, 1)
    const { stats } = await store.http.expect<{
      stats: {
        customer_devices: number
        admin_devices: number
        messages_today: number
        delivery_rate: number
        series: Array<{ day: string; delivered: number; failed: number; gone: number }>
      }
    }>(200, "GET", "/admin/push/stats", auth)
    assert.equal(stats.customer_devices, 1)
    assert.equal(stats.admin_devices, 0)
    assert.equal(stats.messages_today, 1)
    assert.equal(stats.delivery_rate, 1)
    assert.equal(stats.series.length, 14)
    assert.equal(stats.series[13].day, new Date().toISOString().slice(0, 10))
    assert.deepEqual(stats.series[13], { day: stats.series[13].day, delivered: 1, failed: 0, gone: 0 })

    // resend: a new message with the same payload to the same audience, recorded like any other
    const { messages } = await store.http.expect<{ messages: Array<{ id: string; payload: unknown }> }>(
      200,
      "GET",
      `/admin/push/messages?resource_id=${order.id}`,
      auth
    )
    assert.equal(messages.length, 1)
    const resent = await store.http.expect<{
      message: { id: string; status: string; delivered_count: number; resource_id: string; payload: unknown }
      resent_from: string
    }>(201, "POST", `/admin/push/messages/${messages[0].id}/resend`, auth)
    assert.notEqual(resent.message.id, messages[0].id)
    assert.equal(resent.resent_from, messages[0].id)
    assert.equal(resent.message.status, "done")
    assert.equal(resent.message.delivered_count, 1)
    assert.equal(resent.message.resource_id, order.id)
    assert.deepEqual(resent.message.payload, messages[0].payload)
    assert.equal(store.push.messagesFor(device.id).length, 2)
    const notFound = await store.http.request<{ type: string }>("POST", "/admin/push/messages/pushmsg_nope/resend", auth)
    assert.equal(notFound.status, 404)
    assert.equal((await store.http.request("POST", `/admin/push/messages/${messages[0].id}/resend`)).status, 401)

    // an admin removes any device by id
    const [row] = await db.query(`SELECT "id" FROM "push_subscription" WHERE "customer_id" = $1`, [customer.id])
    assert.equal((await store.http.request("DELETE", "/admin/push/subscriptions/not-an-id", auth)).status, 404)
    assert.deepEqual(await store.http.expect(200, "DELETE", `/admin/push/subscriptions/${row.id}`, auth), {
      id: row.id,
      object: "push_subscription",
      deleted: true,
    })
    assert.equal((await store.http.request("DELETE", `/admin/push/subscriptions/${row.id}`, auth)).status, 404)
    assert.deepEqual(await db.query(`SELECT 1 FROM "push_subscription" WHERE "id" = $1`, [row.id]), [])
  })

  it("POST /admin/contact-messages/:id marks read and unread; bad input names the field", async () => {
    const { contact_message } = await store.http.expect<{ contact_message: { id: string } }>(201, "POST", "/store/contact-messages", {
      body: { name: "Grace", email: `grace-${process.pid}@teststore.dev`, message: "Hello" },
    })
    const path = `/admin/contact-messages/${contact_message.id}`
    const read = await store.http.expect<{ contact_message: { read_at: string | null } }>(200, "POST", path, {
      ...auth,
      body: { read: true },
    })
    assert.ok(read.contact_message.read_at)
    const got = await store.http.expect<{ contact_message: { id: string; read_at: string | null } }>(200, "GET", path, auth)
    assert.equal(got.contact_message.read_at, read.contact_message.read_at)
    const unread = await store.http.expect<{ contact_message: { read_at: string | null } }>(200, "POST", path, {
      ...auth,
      body: { read: false },
    })
    assert.equal(unread.contact_message.read_at, null)
    for (const [body, field] of [
      [{ read: "yes" }, "read"],
      [{}, "read"],
      [{ read: true, extra: 1 }, "extra"],
      [[true], "body"],
    ] as const) {
      const res = await store.http.request<{ type: string; field: string }>("POST", path, { ...auth, body })
      assert.equal(res.status, 400, JSON.stringify(body))
      assert.equal(res.body.field, field)
    }
    assert.equal((await store.http.request("POST", "/admin/contact-messages/contact_nope", { ...auth, body: { read: true } })).status, 404)
    assert.equal((await store.http.request("GET", "/admin/contact-messages/nope", auth)).status, 404)
    assert.equal((await store.http.request("POST", path, { body: { read: true } })).status, 401)
  })

  it("GET /admin-push-sw serves the service worker without a session, allowed to control the admin", async () => {
    const res = await fetch(`${store.app.baseUrl}/admin-push-sw?backend=x`)
    assert.equal(res.status, 200)
    assert.match(res.headers.get("content-type") ?? "", /^text\/javascript/)
    assert.equal(res.headers.get("service-worker-allowed"), "/")
    assert.equal(res.headers.get("cache-control"), "no-cache")
    assert.match(await res.text(), /addEventListener\(["']push["']/)
  })
})
