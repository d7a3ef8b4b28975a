import assert from "node:assert/strict"
import { after, before, describe, it } from "node:test"
import type { EntityManager } from "typeorm"
import { runDueWork, useTestClock } from "../support/clock"
import { startTestStore, TestStore } from "../support/environment"
import { eventually } from "../support/eventually"
import { placeOrder, registerCustomer } from "../support/order-flow"
import type { Device, ReceivedMessage } from "../support/push-service"

const HOUR_MS = 60 * 60 * 1000
const titleOf = (m: ReceivedMessage): string => (m.payload as { title: string }).title
const messageIdOf = (m: ReceivedMessage): string => (m.payload as { data: { message_id: string } }).data.message_id

describe("delivery engine: retries, broadcasts, message log", () => {
  let store: TestStore
  let db: EntityManager

  const subscribeCustomer = async (email: string, label: string, categories?: string[]): Promise<Device> => {
    const customer = await registerCustomer(store.http, email)
    const device = store.push.createDevice(label)
    await store.http.expect(201, "POST", "/store/push/subscriptions", {
      token: customer.token,
      body: { subscription: device.subscription, ...(categories ? { categories } : {}) },
    })
    return Object.assign(device, { token: customer.token, email })
  }

  /** The customer deliveries of an order's messages. */
  const deliveryOf = (
    orderId: string
  ): Promise<Array<{ status: string; attempts: number; last_status_code: number | null; next_attempt_at: Date }>> =>
    db.query(
      `SELECT d."status", d."attempts", d."last_status_code", d."next_attempt_at" FROM "push_delivery" d JOIN "push_message" m ON m."id" = d."message_id"
       WHERE m."resource_id" = $1 AND m."audience" = 'customer'`,
      [orderId]
    )

  before(async () => {
    store = await startTestStore("delivery", {
      // Broadcasts here are about fan-out, not the delivery window (preferences.test.ts moves the
      // clock for that): nothing is held, whatever the hour the suite runs at.
      pluginOptions: { retry_base_ms: 300, retry_poll_ms: 200, batch_size: 3, max_attempts: 4, held_categories: [] },
    })
    db = store.app.container.resolve<EntityManager>("manager")
  })

  after(async () => {
    await store?.stop()
  })

  it("a push service answering 503, then 201, gets the message exactly once", async () => {
    const device = await subscribeCustomer("retry@teststore.dev", "retry-phone")
    store.push.respondWith(device.id, [{ status: 503, body: "try later" }])
    const order = await placeOrder(store.http, store.catalog, {
      token: (device as Device & { token: string }).token,
      email: "retry@teststore.dev",
    })
    const [received] = await store.push.waitForMessages((m) => m.deviceId === device.id, 1)
    assert.match(titleOf(received), new RegExp(`#${order.displayId}`))
    const [row] = await eventually("the delivery recorded as delivered", async () => {
      const rows = await deliveryOf(order.id)
      return rows[0]?.status === "delivered" ? rows : undefined
    })
    assert.equal(row.attempts, 2)
    assert.equal(row.last_status_code, 201)
    // An hour later (past every backoff and lease) a poll round finds nothing of it to send again.
    const clock = useTestClock(store)
    clock.advance(HOUR_MS)
    try {
      await runDueWork(store)
    } finally {
      clock.reset()
    }
    assert.deepEqual(await deliveryOf(order.id), [{ ...row }])
    assert.equal(store.push.messagesFor(device.id).length, 1)
    assert.deepEqual(
      store.push.attempts.filter((a) => a.deviceId === device.id).map((a) => a.status),
      [503, 201]
    )
  })

  it("Retry-After from the push service is waited for", async () => {
    const device = await subscribeCustomer("patient@teststore.dev", "patient-phone")
    store.push.respondWith(device.id, [{ status: 429, headers: { "retry-after": "2" } }])
    // The engine's clock stands still: the retry goes when the test moves it past the 2 s asked for.
    const clock = useTestClock(store)
    clock.freeze()
    const answeredAt = clock.now().getTime()
    try {
      const order = await placeOrder(store.http, store.catalog, {
        token: (device as Device & { token: string }).token,
        email: "patient@teststore.dev",
      })
      const [waiting] = await eventually("the delivery waiting to retry", async () => {
        const rows = await deliveryOf(order.id)
        return rows[0]?.status === "retrying" ? rows : undefined
      })
      assert.equal(
        new Date(waiting.next_attempt_at).getTime() - answeredAt,
        2000,
        "retried 2 s later, not before (backoff here is at most 300 ms)"
      )
      clock.advance(1999)
      await runDueWork(store)
      assert.equal((await deliveryOf(order.id))[0].status, "retrying", "not due a millisecond early")
      clock.advance(1)
      await store.push.waitForMessages((m) => m.deviceId === device.id, 1)
    } finally {
      clock.reset()
    }
    assert.deepEqual(
      store.push.attempts.filter((a) => a.deviceId === device.id).map((a) => a.status),
      [429, 201]
    )
  })

  it("a device that keeps failing is given up on after max_attempts, with the reason recorded", async () => {
    const device = await subscribeCustomer("broken@teststore.dev", "broken-phone")
    store.push.respondWith(
      device.id,
      Array.from({ length: 4 }, () => ({ status: 500 }))
    )
    const order = await placeOrder(store.http, store.catalog, {
      token: (device as Device & { token: string }).token,
      email: "broken@teststore.dev",
    })
    const row = await eventually(
      "the delivery given up",
      async () => {
        const [r] = await db.query(
          `SELECT d."status", d."attempts", d."last_error" FROM "push_delivery" d JOIN "push_message" m ON m."id" = d."message_id"
         WHERE m."resource_id" = $1 AND m."audience" = 'customer'`,
          [order.id]
        )
        return r?.status === "failed" ? r : undefined
      },
      30_000
    )
    assert.equal(row.attempts, 4)
    assert.match(row.last_error, /500/)
    assert.equal(store.push.messagesFor(device.id).length, 0)
  })

  it("a broadcast reaches only customers who opted into its category, batch by batch, with progress", async () => {
    const fans = await Promise.all(
      ["a", "b", "c", "d", "e", "f", "g"].map((n) =>
        subscribeCustomer(`fan-${n}@teststore.dev`, `fan-${n}`, ["order_updates", "promotions"])
      )
    )
    const bystander = await subscribeCustomer("bystander@teststore.dev", "bystander") // order_updates only

    const dry = await store.http.expect<{ recipient_count: number; dry_run: boolean }>(200, "POST", "/admin/push/broadcasts", {
      apiToken: store.admin.apiToken,
      body: { title: "Summer sale", body: "20% off hoodies this weekend", url: "/sale", category: "promotions", dry_run: true },
    })
    assert.deepEqual(dry, {
      dry_run: true,
      segment: null,
      recipient_count: 7,
      sending_now: 7,
      held_for_window: 0,
      next_window_opens_at: null,
    }) // nothing held here
    assert.equal(store.push.messages.filter((m) => titleOf(m) === "Summer sale").length, 0, "a dry run sends nothing")

    const sent = await store.http.request<{ message: { id: string }; recipient_count: number }>("POST", "/admin/push/broadcasts", {
      apiToken: store.admin.apiToken,
      headers: { "idempotency-key": "summer-sale-2026" },
      body: { title: "Summer sale", body: "20% off hoodies this weekend", url: "/sale", category: "promotions" },
    })
    assert.equal(sent.status, 202)
    assert.equal(sent.body.recipient_count, 7)
    // The same request retried (same Idempotency-Key) answers the same message and sends nothing more.
    const retried = await store.http.request<{ message: { id: string } }>("POST", "/admin/push/broadcasts", {
      apiToken: store.admin.apiToken,
      headers: { "idempotency-key": "summer-sale-2026" },
      body: { title: "Summer sale", body: "20% off hoodies this weekend", url: "/sale", category: "promotions" },
    })
    assert.equal(retried.status, 202)
    assert.equal(retried.body.message.id, sent.body.message.id)
    // The same key for a different broadcast is a mistake, not a retry.
    const reused = await store.http.request<{ field: string }>("POST", "/admin/push/broadcasts", {
      apiToken: store.admin.apiToken,
      headers: { "idempotency-key": "summer-sale-2026" },
      body: { title: "Winter sale", body: "Different", category: "promotions" },
    })
    assert.equal(reused.status, 409)
    assert.equal(reused.body.field, "Idempotency-Key")

    const messageId = sent.body.message.id
    const done = await eventually(
      "the broadcast done",
      async () => {
        const { message } = await store.http.expect<{ message: { status: string; target_count: number; delivered_count: number } }>(
          200,
          "GET",
          `/admin/push/messages/${messageId}`,
          { apiToken: store.admin.apiToken }
        )
        return message.status === "done" ? message : undefined
      },
      30_000
    )
    assert.equal(done.target_count, 7)
    assert.equal(done.delivered_count, 7)
    const received = store.push.messages.filter((m) => messageIdOf(m) === messageId)
    assert.deepEqual(received.map((m) => m.label).sort(), fans.map((f) => f.label).sort())
    assert.equal(store.push.messagesFor(bystander.id).filter((m) => messageIdOf(m) === messageId).length, 0)
    assert.equal((received[0].payload as { url: string }).url, "https://shop.teststore.dev/sale")
    const [{ batches }] = await db.query(
      `SELECT count(*)::int AS batches FROM "push_batch" WHERE "message_id" = $1 AND "status" = 'done'`,
      [messageId]
    )
    assert.equal(batches, 3, "7 devices in batches of 3")

    const listed = await store.http.expect<{ messages: Array<{ id: string }>; count: number }>(
      200,
      "GET",
      "/admin/push/messages?audience=broadcast",
      { apiToken: store.admin.apiToken }
    )
    assert.deepEqual(
      listed.messages.map((m) => m.id),
      [messageId]
    )
  })

  it("refuses a broadcast without a category or with a bad link, naming the field", async () => {
    for (const [body, field] of [
      [{ title: "x", body: "y" }, "category"],
      [{ title: "x", body: "y", category: "promotions", url: "javascript:alert(1)" }, "url"],
      [{ body: "y", category: "promotions" }, "title"],
      [{ title: "x", body: "y", category: "promotions", dry_run: "yes" }, "dry_run"],
    ] as const) {
      const res = await store.http.request<{ field: string }>("POST", "/admin/push/broadcasts", { apiToken: store.admin.apiToken, body })
      assert.equal(res.status, 400)
      assert.equal(res.body.field, field)
    }
  })
})
