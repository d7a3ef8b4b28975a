import assert from "node:assert/strict"
import { after, before, describe, it } from "node:test"
import type { EntityManager } from "typeorm"
import { runDueWork, useTestClock, type TestClock } from "../support/clock"
import { startTestStore, TestStore } from "../support/environment"
import { eventually } from "../support/eventually"
import { completeCart, placeOrder, registerCustomer, type Customer } from "../support/order-flow"
import type { Device, ReceivedMessage } from "../support/push-service"

interface Payload {
  title: string
  body: string
  url: string
  image?: string
  data: { message_id: string }
}
const payloadOf = (m: ReceivedMessage): Payload => m.payload as Payload

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const THUMBNAIL = "https://shop.teststore.dev/images/hoodie.jpg"

describe("abandoned-cart reminders", () => {
  let store: TestStore
  let clock: TestClock
  /** Today at 12:00 UTC (inside every device's delivery window in UTC): whatever the wall clock says. */
  const T0 = new Date(new Date().toISOString().slice(0, 10) + "T12:00:00Z")
  const at = (ms: number): Date => new Date(T0.getTime() + ms)
  const db = (): EntityManager => store.app.container.resolve<EntityManager>("manager")

  const customerDevice = async (email: string, extra: Record<string, unknown> = {}): Promise<{ customer: Customer; device: Device }> => {
    const customer = await registerCustomer(store.http, email)
    const device = store.push.createDevice(email)
    await store.http.expect(201, "POST", "/store/push/subscriptions", {
      token: customer.token,
      body: { subscription: device.subscription, ...extra },
    })
    return { customer, device }
  }

  /** A guest's device: subscribed for an earlier guest order (proven by its completed cart). */
  const guestDevice = async (label: string): Promise<Device> => {
    const order = await placeOrder(store.http, store.catalog, { email: `${label}@teststore.dev` })
    const device = store.push.createDevice(label)
    await store.http.expect(201, "POST", "/store/push/subscriptions", {
      body: { subscription: device.subscription, cart_id: order.cartId },
    })
    return device
  }

  /** A cart with one hoodie in it, the customer's when `token` is given. */
  const cartWithItem = async (token?: string): Promise<{ cartId: string; lineId: string }> => {
    const auth = token ? { token } : {}
    const { cart } = await store.http.expect<{ cart: { id: string } }>(200, "POST", "/store/carts", {
      ...auth,
      body: { region_id: store.catalog.regionId },
    })
    const added = await store.http.expect<{ cart: { items: Array<{ id: string }> } }>(200, "POST", `/store/carts/${cart.id}/line-items`, {
      ...auth,
      body: { variant_id: store.catalog.variantId, quantity: 2 },
    })
    return { cartId: cart.id, lineId: added.cart.items[0].id }
  }

  const watchOf = async (cartId: string) => {
    const [row] = await db().query(`SELECT * FROM "push_cart_watch" WHERE "cart_id" = $1`, [cartId])
    return row
  }

  /** Waits until the cart's events are handled and its next step is due at `due`. */
  const scheduled = (cartId: string, due: Date) =>
    eventually(`cart ${cartId} scheduled for ${due.toISOString()}`, async () => {
      const row = await watchOf(cartId)
      return row?.next_reminder_at && new Date(row.next_reminder_at).getTime() === due.getTime() ? row : undefined
    })

  const eventsHandled = () =>
    eventually("staged events handled", async () => {
      const [row] = await db().query(`SELECT count(*)::int AS n FROM "staged_job"`)
      return row.n === 0
    })

  const reminders = (device: Device) => store.push.messagesFor(device.id).filter((m) => /cart/i.test(payloadOf(m).title))
  const reminderMessages = (cartId: string) =>
    db().query(`SELECT * FROM "push_message" WHERE "event_name" = 'cart.abandoned' AND "resource_id" = $1 ORDER BY "created_at"`, [cartId])

  /** The poller's rounds at the time the clock shows, a few of them, awaited. */
  const dueRounds = async (n = 3): Promise<void> => {
    for (let i = 0; i < n; i++) await runDueWork(store)
  }

  before(async () => {
    store = await startTestStore("abandoned_carts", {
      pluginOptions: { retry_poll_ms: 200, abandoned_cart: { delays_minutes: [60, 1440] } },
    })
    clock = useTestClock(store)
    clock.freeze(T0)
    const [variant] = await db().query(`SELECT "product_id" FROM "product_variant" WHERE "id" = $1`, [store.catalog.variantId])
    await store.http.expect(200, "POST", `/admin/products/${variant.product_id}`, {
      apiToken: store.admin.apiToken,
      body: { thumbnail: THUMBNAIL },
    })
  })

  after(async () => {
    await store?.stop()
  })

  it("a cart left for the delays gets exactly one reminder per step, with its items, picture and a link back", async () => {
    clock.freeze(T0)
    const { customer, device } = await customerDevice("left-cart@teststore.dev")
    const { cartId } = await cartWithItem(customer.token)
    await scheduled(cartId, at(HOUR))

    clock.freeze(at(HOUR - MINUTE))
    await dueRounds()
    assert.equal(reminders(device).length, 0, "nothing before the first delay")

    clock.freeze(at(HOUR + MINUTE))
    const [first] = await store.push.waitForMessages((m) => m.deviceId === device.id && /cart/i.test(payloadOf(m).title), 1)
    assert.equal(payloadOf(first).title, "Your cart (2) is waiting")
    assert.equal(payloadOf(first).body, "Still thinking about Medusa Hoodie? Your cart is saved for you.")
    assert.equal(payloadOf(first).url, "https://shop.teststore.dev/cart")
    assert.equal(payloadOf(first).image, THUMBNAIL)
    await dueRounds()
    await scheduled(cartId, at(24 * HOUR))
    assert.equal(reminders(device).length, 1, "the first step once")
    // A crash after the send and before the row moved on: the step is taken again, its message is not sent twice.
    await db().query(`UPDATE "push_cart_watch" SET "steps_sent" = 0, "next_reminder_at" = $2 WHERE "cart_id" = $1`, [cartId, at(HOUR)])
    await dueRounds()
    await scheduled(cartId, at(24 * HOUR))
    assert.equal(reminders(device).length, 1, "still once")

    clock.freeze(at(24 * HOUR + MINUTE))
    await store.push.waitForMessages((m) => m.deviceId === device.id && /cart/i.test(payloadOf(m).title), 2)
    // The round that sent the second step records it just after the push arrives: moving the clock
    // on before that lets a round close the (by then stale) cart first, and the step is never counted.
    await eventually("the second step recorded", async () => (await watchOf(cartId))?.steps_sent === 2)
    clock.freeze(at(72 * HOUR))
    await dueRounds()
    assert.equal(reminders(device).length, 2, "two steps, two reminders")
    assert.equal((await reminderMessages(cartId)).length, 2)
    const row = await watchOf(cartId)
    assert.equal(row.steps_sent, 2)
    assert.equal(row.next_reminder_at, null)
    assert.ok(row.closed_at, "closed a day after its last step: it keeps no device alive")
  })

  it("a customer who subscribes after filling the cart is reminded of it; one who switches reminders on later too", async () => {
    clock.freeze(T0)
    const customer = await registerCustomer(store.http, "late-subscriber@teststore.dev")
    const { cartId } = await cartWithItem(customer.token)
    await eventsHandled()
    assert.equal(await watchOf(cartId), undefined, "no device yet: nothing watched")
    clock.freeze(at(10 * MINUTE))
    const device = store.push.createDevice("late-subscriber")
    await store.http.expect(201, "POST", "/store/push/subscriptions", {
      token: customer.token,
      body: { subscription: device.subscription },
    })
    await scheduled(cartId, at(10 * MINUTE + HOUR))
    clock.freeze(at(10 * MINUTE + HOUR + MINUTE))
    await store.push.waitForMessages((m) => m.deviceId === device.id && /cart/i.test(payloadOf(m).title), 1)

    // A second customer subscribes without cart reminders, fills a cart, then switches them on.
    clock.freeze(T0)
    const { customer: other, device: otherDevice } = await customerDevice("switches-on@teststore.dev", { categories: ["order_updates"] })
    const { cartId: otherCart } = await cartWithItem(other.token)
    await eventsHandled()
    assert.equal(await watchOf(otherCart), undefined, "cart reminders off: nothing watched")
    await store.http.expect(200, "POST", "/store/push/preferences", {
      body: { endpoint: otherDevice.endpoint, auth: otherDevice.keys.auth, categories: ["order_updates", "cart_reminders"] },
    })
    await scheduled(otherCart, at(HOUR))
  })

  it("activity on the cart counts the steps not yet sent from the change", async () => {
    clock.freeze(T0)
    const { customer, device } = await customerDevice("busy-cart@teststore.dev")
    const { cartId } = await cartWithItem(customer.token)
    await scheduled(cartId, at(HOUR))
    clock.freeze(at(30 * MINUTE))
    await store.http.expect(200, "POST", `/store/carts/${cartId}/line-items`, {
      token: customer.token,
      body: { variant_id: store.catalog.variantId, quantity: 1 },
    })
    await scheduled(cartId, at(90 * MINUTE))
    clock.freeze(at(HOUR + MINUTE))
    await dueRounds()
    assert.equal(reminders(device).length, 0, "the first step moved with the change")
    clock.freeze(at(90 * MINUTE + MINUTE))
    const [first] = await store.push.waitForMessages((m) => m.deviceId === device.id && /cart/i.test(payloadOf(m).title), 1)
    assert.equal(payloadOf(first).title, "Your cart (3) is waiting")
  })

  it("a completed cart gets no reminder", async () => {
    clock.freeze(T0)
    const { customer, device } = await customerDevice("bought@teststore.dev")
    const order = await placeOrder(store.http, store.catalog, { token: customer.token, email: customer.email })
    await eventsHandled()
    clock.freeze(at(25 * HOUR))
    await dueRounds()
    assert.equal(reminders(device).length, 0)
    assert.equal((await reminderMessages(order.cartId)).length, 0)
    const row = await watchOf(order.cartId)
    assert.ok(!row || row.closed_at !== null, "the watch, if any, is closed")
  })

  it("an emptied cart gets no reminder", async () => {
    clock.freeze(T0)
    const { customer, device } = await customerDevice("emptied@teststore.dev")
    const { cartId, lineId } = await cartWithItem(customer.token)
    await scheduled(cartId, at(HOUR))
    await store.http.expect(200, "DELETE", `/store/carts/${cartId}/line-items/${lineId}`, { token: customer.token })
    clock.freeze(at(25 * HOUR))
    await eventsHandled()
    await dueRounds()
    assert.equal(reminders(device).length, 0)
    assert.equal((await reminderMessages(cartId)).length, 0)
    const idle = await watchOf(cartId)
    // The removal's event may be handled before or after the clock moved: the watch counts from its handling.
    const emptiedAt = new Date(idle.activity_at).getTime()
    assert.equal(idle.closed_at, null, "waits for items...")
    assert.equal(
      new Date(idle.next_reminder_at).getTime(),
      emptiedAt + 48 * HOUR + 1,
      "...until a day after its last step (24 h) would have fallen due"
    )

    const later = emptiedAt + 49 * HOUR
    clock.freeze(new Date(later))
    await dueRounds()
    assert.ok((await watchOf(cartId)).closed_at, "left empty past its expiry: closed")

    // The shopper comes back to the same cart: the watch opens again and counts from the new item.
    await store.http.expect(200, "POST", `/store/carts/${cartId}/line-items`, {
      token: customer.token,
      body: { variant_id: store.catalog.variantId, quantity: 1 },
    })
    const reopened = await scheduled(cartId, new Date(later + HOUR))
    assert.equal(reopened.closed_at, null)
    clock.freeze(new Date(later + HOUR + MINUTE))
    await store.push.waitForMessages((m) => m.deviceId === device.id && /cart/i.test(payloadOf(m).title), 1)
  })

  it("a guest device that registered a cart gets its reminder", async () => {
    clock.freeze(T0)
    const device = await guestDevice("guest-cart")
    const { cartId } = await cartWithItem()
    await store.http.expect(202, "POST", "/store/push/carts", {
      body: { endpoint: device.endpoint, auth: device.keys.auth, cart_id: cartId },
    })
    await scheduled(cartId, at(HOUR))
    clock.freeze(at(HOUR + MINUTE))
    const [reminder] = await store.push.waitForMessages((m) => m.deviceId === device.id && /cart/i.test(payloadOf(m).title), 1)
    assert.equal(payloadOf(reminder).url, "https://shop.teststore.dev/cart")
  })

  it("a stranger holding a guest's cart id cannot take its reminders away", async () => {
    clock.freeze(T0)
    const shopper = await guestDevice("first-holder")
    const stranger = await guestDevice("stranger")
    const { cartId } = await cartWithItem()
    for (const device of [shopper, stranger]) {
      await store.http.expect(202, "POST", "/store/push/carts", {
        body: { endpoint: device.endpoint, auth: device.keys.auth, cart_id: cartId },
      })
    }
    await scheduled(cartId, at(HOUR))
    clock.freeze(at(HOUR + MINUTE))
    await store.push.waitForMessages((m) => m.deviceId === shopper.id && /cart/i.test(payloadOf(m).title), 1)
    await dueRounds()
    assert.equal(reminders(stranger).length, 0, "the second device to register the cart gets nothing")
  })

  it("a device that does not prove itself cannot register a cart; registering tells nothing about a cart", async () => {
    clock.freeze(T0)
    const device = await guestDevice("prover")
    const { cartId } = await cartWithItem()
    const refused = await store.http.request<{ field?: string }>("POST", "/store/push/carts", {
      body: { endpoint: device.endpoint, auth: store.push.createDevice("other").keys.auth, cart_id: cartId },
    })
    assert.equal(refused.status, 404, "an auth secret that is not the device's")
    for (const [body, field] of [
      [{ endpoint: device.endpoint, cart_id: cartId }, "auth"],
      [{ endpoint: device.endpoint, auth: device.keys.auth, cart_id: "order_1" }, "cart_id"],
      [{ endpoint: device.endpoint, auth: device.keys.auth, cart_id: cartId, customer_id: "cus_1" }, "customer_id"],
    ] as const) {
      const bad = await store.http.request<{ field?: string }>("POST", "/store/push/carts", { body })
      assert.equal(bad.status, 400, field)
      assert.equal(bad.body.field, field)
    }
    await eventsHandled()
    assert.equal(await watchOf(cartId), undefined, "nothing stored")

    // Someone else's carts: a registered customer's, a completed one, one that does not exist.
    const { customer } = await customerDevice("owner@teststore.dev")
    const { cartId: theirs } = await cartWithItem(customer.token)
    const done = await placeOrder(store.http, store.catalog, { email: "done@teststore.dev" })
    const answers = []
    for (const id of [theirs, done.cartId, "cart_01NOSUCHCART000000000000"]) {
      const res = await store.http.request("POST", "/store/push/carts", {
        body: { endpoint: device.endpoint, auth: device.keys.auth, cart_id: id },
      })
      answers.push({ status: res.status, body: { ...(res.body as object), cart_id: "x" } })
    }
    assert.deepEqual(answers, Array(3).fill({ status: 202, body: { cart_id: "x" } }), "the same answer for every cart")
    const [{ n }] = await db().query(
      `SELECT count(*)::int AS n FROM "push_cart_watch" w JOIN "push_subscription" s ON s."id" = w."subscription_id" WHERE s."endpoint" = $1`,
      [device.endpoint]
    )
    assert.equal(n, 0, "the device registered none of them")

    // An admin's device takes no cart either, with the same answer.
    const adminDevice = store.push.createDevice("admin-cart")
    await store.http.expect(201, "POST", "/admin/push/subscriptions", {
      apiToken: store.admin.apiToken,
      body: { subscription: adminDevice.subscription },
    })
    await store.http.expect(202, "POST", "/store/push/carts", {
      body: { endpoint: adminDevice.endpoint, auth: adminDevice.keys.auth, cart_id: cartId },
    })
    assert.equal(await watchOf(cartId), undefined, "nothing stored for an admin's device")
  })

  it("outside the reader's delivery window the reminder waits for its opening", async () => {
    clock.freeze(T0) // 21:00 in Tokyo: the window (09:00-21:00) has just closed
    const { customer, device } = await customerDevice("tokyo-cart@teststore.dev", { time_zone: "Asia/Tokyo" })
    const { cartId } = await cartWithItem(customer.token)
    await scheduled(cartId, at(HOUR))
    clock.freeze(at(HOUR + MINUTE))
    await dueRounds()
    const [message] = await reminderMessages(cartId)
    assert.ok(message, "the reminder is recorded")
    const [held] = await db().query(`SELECT * FROM "push_delivery" WHERE "message_id" = $1`, [message.id])
    assert.equal(held.status, "scheduled")
    assert.equal(new Date(held.next_attempt_at).toISOString(), at(12 * HOUR).toISOString(), "09:00 in Tokyo")
    assert.equal(reminders(device).length, 0, "nothing sent at night")
    clock.freeze(at(12 * HOUR + 5000))
    await store.push.waitForMessages((m) => m.deviceId === device.id && /cart/i.test(payloadOf(m).title), 1)
  })

  it("a reminder held for the night is not sent once the cart is bought in the meantime", async () => {
    clock.freeze(T0) // 21:00 in Tokyo
    const { customer, device } = await customerDevice("night-buyer@teststore.dev", { time_zone: "Asia/Tokyo" })
    const { cartId } = await cartWithItem(customer.token)
    await scheduled(cartId, at(HOUR))
    clock.freeze(at(HOUR + MINUTE))
    await dueRounds()
    const [message] = await reminderMessages(cartId)
    const [held] = await db().query(`SELECT * FROM "push_delivery" WHERE "message_id" = $1`, [message.id])
    assert.equal(held.status, "scheduled", "held until 09:00 in Tokyo")
    await completeCart(store.http, store.catalog, { token: customer.token, email: customer.email }, cartId)
    clock.freeze(at(12 * HOUR + 5000))
    const skipped = await eventually("the held reminder skipped", async () => {
      await runDueWork(store)
      const [row] = await db().query(`SELECT "status", "last_error" FROM "push_delivery" WHERE "id" = $1`, [held.id])
      return row.status === "skipped" ? row : undefined
    })
    assert.equal(skipped.last_error, "cart_done")
    assert.equal(reminders(device).length, 0, "nobody is reminded of a cart they bought")
  })

  it("a reader who switched cart reminders off gets none", async () => {
    clock.freeze(T0)
    const { customer, device } = await customerDevice("no-carts@teststore.dev")
    const { cartId } = await cartWithItem(customer.token)
    await scheduled(cartId, at(HOUR))
    await store.http.expect(200, "POST", "/store/push/preferences", {
      body: { endpoint: device.endpoint, auth: device.keys.auth, categories: ["order_updates"] },
    })
    clock.freeze(at(25 * HOUR))
    await dueRounds()
    assert.equal(reminders(device).length, 0)
    assert.equal((await reminderMessages(cartId)).length, 0, "no reader, no message")
    assert.equal((await watchOf(cartId)).steps_sent, 2, "the steps passed")
  })

  it("the schedule survives a restart of the store", async () => {
    clock.freeze(T0)
    const { customer, device } = await customerDevice("restart-cart@teststore.dev")
    const { cartId } = await cartWithItem(customer.token)
    await scheduled(cartId, at(HOUR))
    await store.restart()
    clock = useTestClock(store)
    clock.freeze(at(HOUR + MINUTE))
    await store.push.waitForMessages((m) => m.deviceId === device.id && /cart/i.test(payloadOf(m).title), 1)
    await dueRounds()
    assert.equal(reminders(device).length, 1, "once")
  })
})
