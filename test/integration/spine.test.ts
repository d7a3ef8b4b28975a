import assert from "node:assert/strict"
import { after, before, describe, it } from "node:test"
import type { EntityManager } from "typeorm"
import { adminBearer, createAdmin } from "../support/seed"
import { placeOrder, registerCustomer, shipOrder } from "../support/order-flow"
import { startTestStore, TestStore } from "../support/environment"
import { eventually, pause } from "../support/eventually"
import type { Device, ReceivedMessage } from "../support/push-service"

interface Payload {
  title: string
  body: string
  url: string
  tag?: string
  data: { message_id: string; delivery_id: string; url: string }
}

const payloadOf = (m: ReceivedMessage): Payload => m.payload as Payload

describe("spine: store events become encrypted web pushes", () => {
  let store: TestStore
  let db: EntityManager

  const count = async (table: string, where = "TRUE", params: unknown[] = []): Promise<number> => {
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM "${table}" WHERE ${where}`, params)
    return n
  }

  /**
   * Waits until Medusa's event queue is drained, then gives the handlers time to finish: for a
   * check that nothing happened, where there is no condition to wait for (the local event bus
   * does not await its subscribers).
   */
  const settleEvents = async (): Promise<void> => {
    await eventually("staged events processed", async () => (await count("staged_job")) === 0)
    await pause(1500)
  }

  const subscribe = (device: Device, auth: { token?: string }, extra: Record<string, unknown> = {}) =>
    store.http.request<{ subscription: { id: string } }>("POST", "/store/push/subscriptions", {
      ...auth,
      body: { subscription: device.subscription, ...extra },
      headers: { "user-agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0" },
    })

  before(async () => {
    store = await startTestStore("spine")
    db = store.app.container.resolve<EntityManager>("manager")
  })

  after(async () => {
    await store?.stop()
  })

  it("serves the VAPID public key to storefronts", async () => {
    const body = await store.http.expect<{ public_key: string }>(200, "GET", "/store/push/vapid-public-key")
    assert.equal(body.public_key, store.vapid.publicKey)
  })

  it("a customer's two devices both receive the decrypted 'shipped' notification", async () => {
    const customer = await registerCustomer(store.http, "ada@teststore.dev")
    const laptop = store.push.createDevice("ada-laptop")
    const phone = store.push.createDevice("ada-phone")
    for (const device of [laptop, phone]) {
      const res = await subscribe(device, { token: customer.token }, { locale: "en-GB" })
      assert.equal(res.status, 201, JSON.stringify(res.body))
    }
    // The same browser subscribing again updates its row; it never duplicates it.
    assert.equal((await subscribe(phone, { token: customer.token })).status, 201)
    assert.equal(await count("push_subscription", `"customer_id" = $1`, [customer.id]), 2)

    const order = await placeOrder(store.http, store.catalog, customer)
    await shipOrder(store.http, store.admin, order.id, { trackingNumber: "TRACK-4711" })

    const shipped = await store.push.waitForMessages(
      (m) => payloadOf(m).title.includes("shipped") && payloadOf(m).url.includes(order.id),
      2
    )
    assert.deepEqual(shipped.map((m) => m.label).sort(), ["ada-laptop", "ada-phone"])
    for (const message of shipped) {
      const payload = payloadOf(message)
      assert.match(payload.title, new RegExp(`#${order.displayId}\\b`))
      assert.match(payload.body, /TRACK-4711/)
      assert.equal(payload.url, `https://shop.teststore.dev/order/confirmed/${order.id}`)
      assert.equal(message.vapid.sub, "mailto:ops@teststore.dev")
      assert.equal(message.vapid.publicKey, store.vapid.publicKey)
      assert.ok(message.headers.ttl > 0)
      assert.ok(message.headers.topic, "a Topic header lets a newer update replace this one")
      assert.doesNotMatch(JSON.stringify(payload), /undefined|null|\[object Object\]|\{\{/)
    }
    // Both deliveries are recorded as delivered, against one message (recorded just after the send).
    await eventually(
      "the shipment message done",
      async () =>
        (await count("push_message", `"event_name" = 'order.shipment_created' AND "resource_id" = $1 AND "status" = 'done'`, [
          order.id,
        ])) === 1
    )
    const deliveries = await db.query(
      `SELECT d."status", d."subscription_id" FROM "push_delivery" d JOIN "push_message" m ON m."id" = d."message_id"
       WHERE m."event_name" = 'order.shipment_created' AND m."resource_id" = $1`,
      [order.id]
    )
    assert.equal(deliveries.length, 2)
    assert.ok(deliveries.every((d: { status: string }) => d.status === "delivered"))

    // The order confirmation went out too, in the order's currency.
    const placed = store.push.messages.filter(
      (m) => payloadOf(m).title.includes(`#${order.displayId}`) && /confirmed/i.test(payloadOf(m).title)
    )
    assert.equal(placed.length, 2)
    assert.match(payloadOf(placed[0]).body, /€/)
  })

  it("a storefront visitor's contact message alerts every admin device", async () => {
    const second = await createAdmin(store.app.container, "second-admin@teststore.dev")
    const bearer = await adminBearer(store.http, second.email)
    const desk = store.push.createDevice("admin-desk")
    const pocket = store.push.createDevice("admin-pocket")
    await store.http.expect(201, "POST", "/admin/push/subscriptions", {
      apiToken: store.admin.apiToken,
      body: { subscription: desk.subscription },
    })
    // A bearer token identifies the admin as { userId }: the device is still theirs.
    const { subscription } = await store.http.expect<{ subscription: { user_id: string } }>(201, "POST", "/admin/push/subscriptions", {
      token: bearer,
      body: { subscription: pocket.subscription },
    })
    assert.equal(subscription.user_id, second.id)

    const created = await store.http.expect<{ contact_message: { id: string } }>(201, "POST", "/store/contact-messages", {
      body: { name: "Grace Hopper", email: "grace@example.org", subject: "Wholesale", message: "Do you ship hoodies to Canada?" },
    })
    const alerts = await store.push.waitForMessages((m) => payloadOf(m).title.includes("Grace Hopper"), 2)
    assert.deepEqual(alerts.map((m) => m.label).sort(), ["admin-desk", "admin-pocket"])
    assert.match(payloadOf(alerts[0]).body, /Canada/)
    assert.equal(payloadOf(alerts[0]).url, `https://admin.teststore.dev/a/contact-messages/${created.contact_message.id}`)

    const listed = await store.http.expect<{ contact_messages: Array<{ id: string }> }>(200, "GET", "/admin/contact-messages", {
      apiToken: store.admin.apiToken,
    })
    assert.equal(listed.contact_messages[0].id, created.contact_message.id)
  })

  it("a device the push service reports gone (410) is removed, and the other still receives", async () => {
    const customer = await registerCustomer(store.http, "linus@teststore.dev", "Linus")
    const stale = store.push.createDevice("linus-stale")
    const fresh = store.push.createDevice("linus-fresh")
    await subscribe(stale, { token: customer.token })
    await subscribe(fresh, { token: customer.token })
    store.push.markGone(stale.id)

    const order = await placeOrder(store.http, store.catalog, customer)
    const [received] = await store.push.waitForMessages((m) => m.label === "linus-fresh", 1)
    assert.match(payloadOf(received).title, new RegExp(`#${order.displayId}`))
    await eventually(
      "the gone subscription removed",
      async () => (await count("push_subscription", `"customer_id" = $1`, [customer.id])) === 1
    )
    const [gone] = await eventually("the 410 delivery recorded", () =>
      db
        .query(
          `SELECT "status", "last_status_code" FROM "push_delivery" WHERE "subscription_id" NOT IN (SELECT "id" FROM "push_subscription") AND "last_status_code" = 410`
        )
        .then((rows: Array<{ status: string }>) => (rows.length ? rows : undefined))
    )
    assert.equal(gone.status, "gone")
  })

  it("a guest proves their order with its cart id and gets the shipping update", async () => {
    const order = await placeOrder(store.http, store.catalog, { email: "guest@teststore.dev" })
    const device = store.push.createDevice("guest-phone")
    const refused = await subscribe(device, {}, { cart_id: "cart_01NOTACOMPLETEDCART" })
    assert.equal(refused.status, 400)
    assert.equal((refused.body as unknown as { field: string }).field, "cart_id")
    assert.equal((await subscribe(device, {}, { cart_id: order.cartId })).status, 201)

    await shipOrder(store.http, store.admin, order.id)
    const [shipped] = await store.push.waitForMessages((m) => m.label === "guest-phone" && payloadOf(m).title.includes("shipped"), 1)
    assert.match(payloadOf(shipped).title, new RegExp(`#${order.displayId}`))
  })

  it("no_notification on the event means nothing is sent", async () => {
    const customer = await registerCustomer(store.http, "quiet@teststore.dev", "Quinn")
    const device = store.push.createDevice("quiet-phone")
    await subscribe(device, { token: customer.token })
    const order = await placeOrder(store.http, store.catalog, customer)
    await store.push.waitForMessages((m) => m.label === "quiet-phone", 1) // the confirmation
    await shipOrder(store.http, store.admin, order.id, { noNotification: true })
    await settleEvents()
    assert.equal(store.push.messagesFor(device.id).length, 1)
    assert.equal(await count("push_message", `"event_name" = 'order.shipment_created' AND "resource_id" = $1`, [order.id]), 0)
  })

  it("an event delivered twice (a bus retry, a double emit) sends nothing new", async () => {
    const before = store.push.messages.length
    const messagesBefore = await count("push_message")
    const [{ id, fulfillment_id }] = await db.query(
      `SELECT o."id", f."id" AS fulfillment_id FROM "order" o JOIN "fulfillment" f ON f."order_id" = o."id" WHERE f."shipped_at" IS NOT NULL AND o."no_notification" IS NOT TRUE ORDER BY o."created_at" LIMIT 1`
    )
    const notifications = store.app.container.resolve<{ handleEvent(e: string, d: unknown): Promise<void> }>("pushNotificationService")
    await notifications.handleEvent("order.shipment_created", { id, fulfillment_id, no_notification: false })
    await notifications.handleEvent("order.shipment_created", { id, fulfillment_id, no_notification: false })
    assert.equal(await count("push_message"), messagesBefore)
    assert.equal(store.push.messages.length, before)
  })

  it("an admin sends a test notification to their own devices", async () => {
    const body = await store.http.expect<{ message: { delivered_count: number; target_count: number; status: string } }>(
      200,
      "POST",
      "/admin/push/test",
      { apiToken: store.admin.apiToken }
    )
    assert.equal(body.message.target_count, 1)
    assert.equal(body.message.delivered_count, 1)
    assert.equal(body.message.status, "done")
    await store.push.waitForMessages((m) => m.label === "admin-desk" && payloadOf(m).title === "Test notification", 1)
  })
})
