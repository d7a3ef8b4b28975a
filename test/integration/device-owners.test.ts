import assert from "node:assert/strict"
import { after, before, describe, it } from "node:test"
import type { EntityManager } from "typeorm"
import { WebPushGuestOrders1764489600000 } from "../../src/migrations/1764489600000-web-push-guest-orders"
import { placeOrder, registerCustomer, shipOrder } from "../support/order-flow"
import { useTestClock } from "../support/clock"
import { startTestStore, TestStore } from "../support/environment"
import { eventually } from "../support/eventually"
import type { Device, ReceivedMessage } from "../support/push-service"
import { adminBearer, createAdmin } from "../support/seed"

interface Payload {
  title: string
  url: string
}
interface SubscriptionBody {
  subscription: { id: string; customer_id: string | null; order_id: string | null; guest_expires_at: string | null; created_at: string }
}
interface ErrorBody {
  message: string
  field?: string
}

const payloadOf = (m: ReceivedMessage): Payload => m.payload as Payload
const DAY_MS = 86_400_000

/**
 * Who a device belongs to, and so what it receives: a guest's device belongs to the one order it
 * proved (for `guest_subscription_days`), never to the customer row Medusa shares between guest
 * orders; an order of a registered account is claimed by signing in; a removed admin gets
 * nothing; a renewal that conflicts changes nothing; a device the push service said is gone (410)
 * is still renewed by its browser's proof, keeping its owner, for 30 days.
 */
describe("device owners: guest devices per order, removed admins, atomic renew", () => {
  let store: TestStore
  let db: EntityManager

  const subscribe = (device: Device, auth: { token?: string }, extra: Record<string, unknown> = {}) =>
    store.http.request<SubscriptionBody & ErrorBody>("POST", "/store/push/subscriptions", {
      ...auth,
      body: { subscription: device.subscription, ...extra },
    })

  const rowsOf = (
    device: Device
  ): Promise<Array<{ id: string; customer_id: string | null; user_id: string | null; order_id: string | null; auth: string }>> =>
    db.query(`SELECT "id", "customer_id", "user_id", "order_id", "auth" FROM "push_subscription" WHERE "endpoint" = $1`, [device.endpoint])

  /** The devices (by endpoint) a message about this event and resource was addressed to, across every send of it. */
  const addressed = async (event: string, resourceId: string): Promise<string[]> => {
    const rows: Array<{ endpoint: string }> = await db.query(
      `SELECT s."endpoint" FROM "push_delivery" d
       JOIN "push_message" m ON m."id" = d."message_id" JOIN "push_subscription" s ON s."id" = d."subscription_id"
       WHERE m."event_name" = $1 AND m."resource_id" = $2`,
      [event, resourceId]
    )
    return rows.map((r) => r.endpoint).sort()
  }

  const eventuallyRemoved = (device: Device) =>
    eventually(`${device.endpoint} removed as gone`, async () => (await rowsOf(device)).length === 0 || undefined)

  const shipped = (device: Device, orderId: string) =>
    store.push.waitForMessages(
      (m) => m.deviceId === device.id && /shipped/.test(payloadOf(m).title) && payloadOf(m).url.includes(orderId),
      1
    )

  before(async () => {
    store = await startTestStore("device_owners")
    db = store.app.container.resolve<EntityManager>("manager")
  })

  after(async () => {
    await store?.stop()
  })

  it("the public order lookup gives a stranger a registered customer's cart_id: subscribing with it is refused, and they get nothing", async () => {
    const customer = await registerCustomer(store.http, "registered-victim@teststore.dev", "Vera")
    const laptop = store.push.createDevice("vera-laptop")
    assert.equal((await subscribe(laptop, { token: customer.token })).status, 201)
    const first = await placeOrder(store.http, store.catalog, customer)

    // What Medusa shows anyone who knows the e-mail and the (sequential) order number.
    const { order } = await store.http.expect<{ order: { id: string; cart_id: string } }>(
      200,
      "GET",
      `/store/orders?display_id=${first.displayId}&email=${encodeURIComponent(customer.email)}`
    )
    assert.equal(order.cart_id, first.cartId, "the lookup discloses the cart id")

    const stranger = store.push.createDevice("stranger")
    const refused = await subscribe(stranger, {}, { cart_id: order.cart_id })
    assert.equal(refused.status, 401, JSON.stringify(refused.body))
    assert.match(refused.body.message, /sign in/i)
    assert.match(refused.body.message, /cart_id/)
    assert.deepEqual(await rowsOf(stranger), [], "nothing stored")

    const next = await placeOrder(store.http, store.catalog, customer)
    await shipOrder(store.http, store.admin, next.id)
    await shipped(laptop, next.id)
    assert.deepEqual(await addressed("order.shipment_created", next.id), [laptop.endpoint])
    assert.deepEqual(store.push.messagesFor(stranger.id), [])
  })

  it("a guest's device gets its own order's shipment, also after a renewal; another guest order with the same e-mail gets nothing of it, nor it of them", async () => {
    const email = "shared-guest@teststore.dev"
    const mine = await placeOrder(store.http, store.catalog, { email })
    const first = store.push.createDevice("guest-a-old")
    const created = await subscribe(first, {}, { cart_id: mine.cartId })
    assert.equal(created.status, 201, JSON.stringify(created.body))
    assert.equal(created.body.subscription.order_id, mine.id)
    assert.equal(created.body.subscription.customer_id, null, "a guest device belongs to the order, not to the shared customer row")

    // The browser replaces its subscription: the new one keeps the order and its expiry.
    const victim = store.push.createDevice("guest-a")
    const renewed = await store.http.expect<SubscriptionBody>(201, "POST", "/store/push/subscriptions/renew", {
      body: { previous: { endpoint: first.endpoint, auth: first.keys.auth }, subscription: victim.subscription },
    })
    assert.equal(renewed.subscription.order_id, mine.id)
    assert.equal(renewed.subscription.guest_expires_at, created.body.subscription.guest_expires_at)
    assert.deepEqual(await rowsOf(first), [])

    // Someone else checks out as a guest with the same e-mail: Medusa gives both orders one customer.
    const theirs = await placeOrder(store.http, store.catalog, { email })
    assert.equal(theirs.customerId, mine.customerId)
    const attacker = store.push.createDevice("guest-b")
    assert.equal((await subscribe(attacker, {}, { cart_id: theirs.cartId })).status, 201)

    await shipOrder(store.http, store.admin, mine.id)
    await shipOrder(store.http, store.admin, theirs.id)
    await shipped(victim, mine.id)
    await shipped(attacker, theirs.id)
    assert.deepEqual(await addressed("order.shipment_created", mine.id), [victim.endpoint])
    assert.deepEqual(await addressed("order.shipment_created", theirs.id), [attacker.endpoint])
    assert.ok(store.push.messagesFor(victim.id).every((m) => payloadOf(m).url.includes(mine.id)))
    assert.ok(store.push.messagesFor(attacker.id).every((m) => payloadOf(m).url.includes(theirs.id)))
  })

  it("a guest's device stops guest_subscription_days (30) after the order, by the engine's clock", async () => {
    const order = await placeOrder(store.http, store.catalog, { email: "expiring-guest@teststore.dev" })
    const device = store.push.createDevice("guest-expiring")
    const created = await subscribe(device, {}, { cart_id: order.cartId })
    assert.equal(created.status, 201, JSON.stringify(created.body))
    const [{ created_at }] = await db.query(`SELECT "created_at" FROM "order" WHERE "id" = $1`, [order.id])
    const placedAt = new Date(created_at).getTime()
    assert.equal(new Date(created.body.subscription.guest_expires_at as string).getTime(), placedAt + 30 * DAY_MS)

    // Shipped without the event's notification; the test hands the event over itself, at a chosen time.
    const { fulfillmentId } = await shipOrder(store.http, store.admin, order.id, { noNotification: true })
    const clock = useTestClock(store)
    const notifications = store.app.container.resolve<{ handleEvent(e: string, d: unknown): Promise<void> }>("pushNotificationService")
    const event = { id: order.id, fulfillment_id: fulfillmentId, no_notification: false }
    try {
      clock.freeze(new Date(placedAt + 30 * DAY_MS + 60_000))
      await notifications.handleEvent("order.shipment_created", event)
      // (The order confirmation may reach it: the order event can be handled after the subscription.)
      assert.deepEqual(
        store.push.messagesFor(device.id).filter((m) => /shipped/.test(payloadOf(m).title)),
        []
      )
      assert.deepEqual(await addressed("order.shipment_created", order.id), [])

      // A minute before the end, the same event reaches it (so the refusal above was the expiry).
      clock.freeze(new Date(placedAt + 30 * DAY_MS - 60_000))
      await notifications.handleEvent("order.shipment_created", event)
      await shipped(device, order.id)
    } finally {
      clock.reset()
    }
  })

  it("guest devices neither count against nor evict a customer's own devices, nor the guest's first ones", async () => {
    const customer = await registerCustomer(store.http, "many-guests@teststore.dev", "Mona")
    const laptop = store.push.createDevice("mona-laptop")
    assert.equal((await subscribe(laptop, { token: customer.token })).status, 201)
    const victimEmail = "evicted-guest@teststore.dev"
    const victimOrder = await placeOrder(store.http, store.catalog, { email: victimEmail })
    const victim = store.push.createDevice("evicted-guest")
    assert.equal((await subscribe(victim, {}, { cart_id: victimOrder.cartId })).status, 201)

    // Guest orders placed with the customer's e-mail, and with the victim guest's.
    const withCustomerEmail = await placeOrder(store.http, store.catalog, { email: customer.email })
    assert.notEqual(withCustomerEmail.customerId, customer.id, "Medusa keeps guest orders off the account")
    const withVictimEmail = await placeOrder(store.http, store.catalog, { email: victimEmail })
    assert.equal(withVictimEmail.customerId, victimOrder.customerId)
    // Whoever reads the order lookup holds a cart_id: past the cap the order refuses more devices
    // (409 naming cart_id) rather than pushing out the ones it has; the victim's own order too.
    for (const order of [withCustomerEmail, withVictimEmail, victimOrder]) {
      const already = order === victimOrder ? 1 : 0
      for (let i = already; i < 11; i++) {
        const res = await subscribe(store.push.createDevice(`flood-${order.id}-${i}`), {}, { cart_id: order.cartId })
        if (i < 10) assert.equal(res.status, 201, JSON.stringify(res.body))
        else {
          assert.equal(res.status, 409, JSON.stringify(res.body))
          assert.equal(res.body.field, "cart_id")
        }
      }
      const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM "push_subscription" WHERE "order_id" = $1`, [order.id])
      assert.equal(n, 10, "guest devices are capped per order (max_devices_per_owner)")
    }
    assert.equal((await rowsOf(laptop)).length, 1, "the customer's device stays")
    assert.equal((await rowsOf(victim)).length, 1, "the victim guest's device stays")

    const listed = await store.http.expect<{ subscriptions: Array<{ id: string }>; count: number }>(
      200,
      "GET",
      "/store/push/subscriptions",
      {
        token: customer.token,
      }
    )
    assert.equal(listed.count, 1, "guest devices are not the customer's")
    assert.deepEqual(
      listed.subscriptions.map((s) => s.id),
      [(await rowsOf(laptop))[0].id]
    )
  })

  it("a deleted admin gets no alerts, loses their devices, and can neither renew nor register one", async () => {
    const users = store.app.container.resolve<{ delete(id: string): Promise<void> }>("userService")
    const subscriptions = store.app.container.resolve<{ countAudience(spec: unknown): Promise<number> }>("pushSubscriptionService")
    const desk = store.push.createDevice("staying-admin")
    await store.http.expect(201, "POST", "/admin/push/subscriptions", {
      apiToken: store.admin.apiToken,
      body: { subscription: desk.subscription },
    })
    const leaver = await createAdmin(store.app.container, "leaver@teststore.dev")
    const leaverToken = await adminBearer(store.http, leaver.email)
    const leaverLaptop = store.push.createDevice("leaver-laptop")
    await store.http.expect(201, "POST", "/admin/push/subscriptions", {
      token: leaverToken,
      body: { subscription: leaverLaptop.subscription },
    })
    const second = await createAdmin(store.app.container, "second-leaver@teststore.dev")
    const secondPhone = store.push.createDevice("second-leaver-phone")
    await store.http.expect(201, "POST", "/admin/push/subscriptions", {
      token: await adminBearer(store.http, second.email),
      body: { subscription: secondPhone.subscription },
    })
    const contactAlerts = { kind: "admin", category: "contact_message.created" }
    assert.equal(await subscriptions.countAudience(contactAlerts), 3)

    await users.delete(leaver.id)
    await users.delete(second.id)
    assert.equal(await subscriptions.countAudience(contactAlerts), 1, "the admin audience count skips removed admins")

    // Their bearer token still verifies, but a removed admin registers nothing.
    const late = store.push.createDevice("leaver-late")
    const refused = await store.http.request("POST", "/admin/push/subscriptions", {
      token: leaverToken,
      body: { subscription: late.subscription },
    })
    assert.equal(refused.status, 401)
    assert.deepEqual(await rowsOf(late), [])

    // The service worker of a removed admin's browser renews: refused, and the device is removed.
    const renewed = store.push.createDevice("second-leaver-renewed")
    const renewal = await store.http.request<ErrorBody>("POST", "/store/push/subscriptions/renew", {
      body: { previous: { endpoint: secondPhone.endpoint, auth: secondPhone.keys.auth }, subscription: renewed.subscription },
    })
    assert.equal(renewal.status, 404, JSON.stringify(renewal.body))
    assert.deepEqual(await rowsOf(secondPhone), [])
    assert.deepEqual(await rowsOf(renewed), [])

    const { contact_message } = await store.http.expect<{ contact_message: { id: string } }>(201, "POST", "/store/contact-messages", {
      body: { name: "Ida Leaving", email: "ida@example.org", message: "Is the blue hoodie back in stock?" },
    })
    await store.push.waitForMessages((m) => m.deviceId === desk.id && /Ida Leaving/.test(payloadOf(m).title), 1)
    assert.deepEqual(await addressed("contact_message.created", contact_message.id), [desk.endpoint])
    // (Alerts about earlier orders may have reached it while its admin still existed.)
    assert.deepEqual(
      store.push.messagesFor(leaverLaptop.id).filter((m) => /Ida Leaving/.test(payloadOf(m).title)),
      []
    )
    assert.deepEqual(await rowsOf(leaverLaptop), [], "the send removed the removed admin's device")
  })

  it("a device the push service said is gone (410) is renewed by its browser: the new one keeps its order, choices and time zone, once", async () => {
    const order = await placeOrder(store.http, store.catalog, { email: "gone-guest@teststore.dev" })
    const old = store.push.createDevice("gone-guest-old")
    const created = await subscribe(
      old,
      {},
      { cart_id: order.cartId, categories: ["order_updates"], time_zone: "Europe/Vienna", locale: "de" }
    )
    assert.equal(created.status, 201, JSON.stringify(created.body))
    // The push service dropped the subscription; the store's next send meets the 410 and removes the device.
    store.push.markGone(old.id)
    await shipOrder(store.http, store.admin, order.id)
    await eventuallyRemoved(old)
    // A click the reader made before on that device (its deliveries stay in the log after the device goes).
    // (An UPDATE through typeorm's query answers [rows, count].)
    const [[clicked]]: [Array<{ id: string }>, number] = await db.query(
      `UPDATE "push_delivery" SET "clicked_at" = now() WHERE "id" = (SELECT "id" FROM "push_delivery" WHERE "subscription_id" = $1 LIMIT 1) RETURNING "id"`,
      [created.body.subscription.id]
    )
    assert.ok(clicked, "the gone device's delivery is in the log")
    const clickedId = clicked.id
    const kept: Array<Record<string, unknown>> = await db.query(`SELECT * FROM "push_subscription_gone"`)
    assert.equal(kept.length, 1)
    assert.ok(
      !JSON.stringify(kept).includes(old.endpoint) && !JSON.stringify(kept).includes(old.keys.auth),
      "only hashes of the proof are kept"
    )

    // Hours later the browser reconnects and its worker renews: a wrong auth secret proves nothing (and takes nothing).
    const renewedDevice = store.push.createDevice("gone-guest-new")
    const renew = (auth: string) =>
      store.http.request<SubscriptionBody & ErrorBody>("POST", "/store/push/subscriptions/renew", {
        body: { previous: { endpoint: old.endpoint, auth }, subscription: renewedDevice.subscription },
      })
    assert.equal((await renew(store.push.createDevice("someone-else").keys.auth)).status, 404)
    // A renewal onto an endpoint another owner holds fails (409) and keeps the record for the next one.
    const held = store.push.createDevice("held-by-a-customer")
    const holder = await registerCustomer(store.http, "gone-endpoint-holder@teststore.dev")
    assert.equal((await subscribe(held, { token: holder.token })).status, 201)
    const clash = await store.http.request<ErrorBody>("POST", "/store/push/subscriptions/renew", {
      body: {
        previous: { endpoint: old.endpoint, auth: old.keys.auth },
        subscription: { ...held.subscription, keys: renewedDevice.subscription.keys },
      },
    })
    assert.equal(clash.status, 409, JSON.stringify(clash.body))
    assert.equal((await db.query(`SELECT 1 FROM "push_subscription_gone"`)).length, 1)
    const renewed = await renew(old.keys.auth)
    assert.equal(renewed.status, 201, JSON.stringify(renewed.body))
    assert.equal(renewed.body.subscription.order_id, order.id)
    assert.equal(renewed.body.subscription.guest_expires_at, created.body.subscription.guest_expires_at)
    const [row] = await db.query(`SELECT "categories", "locale", "time_zone" FROM "push_subscription" WHERE "endpoint" = $1`, [
      renewedDevice.endpoint,
    ])
    assert.deepEqual(row, { categories: ["order_updates"], locale: "de", time_zone: "Europe/Vienna" })
    // Its history too: subscribed since the first subscription, and its clicks (revenue attribution).
    assert.equal(renewed.body.subscription.created_at, created.body.subscription.created_at)
    const [moved] = await db.query(`SELECT "subscription_id" FROM "push_delivery" WHERE "id" = $1`, [clickedId])
    assert.equal(moved.subscription_id, renewed.body.subscription.id)
    // It served one renewal.
    assert.equal((await renew(old.keys.auth)).status, 404)
    assert.deepEqual(await db.query(`SELECT 1 FROM "push_subscription_gone"`), [])
  })

  it("what a gone device left serves its renewal for 30 days, and a visitor's device leaves nothing", async () => {
    const customer = await registerCustomer(store.http, "gone-customer@teststore.dev")
    const phone = store.push.createDevice("gone-customer-phone")
    assert.equal((await subscribe(phone, { token: customer.token })).status, 201)
    store.push.markGone(phone.id)
    await placeOrder(store.http, store.catalog, customer)
    await eventuallyRemoved(phone)
    assert.equal((await db.query(`SELECT 1 FROM "push_subscription_gone"`)).length, 1)
    const clock = useTestClock(store)
    try {
      clock.advance(31 * DAY_MS)
      const late = await store.http.request<ErrorBody>("POST", "/store/push/subscriptions/renew", {
        body: { previous: { endpoint: phone.endpoint, auth: phone.keys.auth }, subscription: store.push.createDevice("late").subscription },
      })
      assert.equal(late.status, 404)
    } finally {
      clock.reset()
    }
    await db.query(`DELETE FROM "push_subscription_gone"`)

    // A visitor's device (no owner: all it had were its requests, gone with it) leaves nothing.
    const tablet = store.push.createDevice("gone-visitor")
    const [visitor] = await db.query(
      `INSERT INTO "push_subscription" ("id", "endpoint", "p256dh", "auth") VALUES ('pushsub_01GONEVISITOR', $1, $2, $3) RETURNING "id"`,
      [tablet.endpoint, tablet.keys.p256dh, tablet.keys.auth]
    )
    await store.app.container
      .resolve<{ removeGone(id: string, endpoint: string): Promise<void> }>("pushSubscriptionService")
      .removeGone(visitor.id, tablet.endpoint)
    assert.deepEqual(await rowsOf(tablet), [])
    assert.deepEqual(await db.query(`SELECT 1 FROM "push_subscription_gone"`), [])
  })

  it("the migration binds a device of a customer without an account to their latest order before it, for 30 days", async () => {
    const email = "legacy-guest@teststore.dev"
    const older = await placeOrder(store.http, store.catalog, { email })
    const latest = await placeOrder(store.http, store.catalog, { email })
    const account = await registerCustomer(store.http, "legacy-account@teststore.dev", "Lea")
    const [{ created_at: latestAt }] = await db.query(`SELECT "created_at" FROM "order" WHERE "id" = $1`, [latest.id])
    const placedAt = new Date(latestAt).getTime()
    // Devices as the old code stored them: a guest's bound to the shared guest customer row.
    const legacy = async (label: string, customerId: string, createdAt: number): Promise<Device> => {
      const device = store.push.createDevice(label)
      await db.query(
        `INSERT INTO "push_subscription" ("id", "endpoint", "p256dh", "auth", "customer_id", "categories", "created_at")
         VALUES ($1, $2, $3, $4, $5, ARRAY['order_updates'], $6)`,
        [
          `pushsub_legacy_${label.replace(/\W/g, "_")}`,
          device.endpoint,
          device.keys.p256dh,
          device.keys.auth,
          customerId,
          new Date(createdAt),
        ]
      )
      return device
    }
    const guestDevice = await legacy("legacy-guest", latest.customerId, placedAt + 60_000)
    const beforeAnyOrder = await legacy("legacy-orphan", latest.customerId, placedAt - 365 * DAY_MS)
    const accountDevice = await legacy("legacy-account", account.id, placedAt + 60_000)
    assert.equal(older.customerId, latest.customerId)

    const runner = db.connection.createQueryRunner()
    try {
      await new WebPushGuestOrders1764489600000().up(runner)
    } finally {
      await runner.release()
    }
    const [bound] = await db.query(`SELECT "customer_id", "order_id", "guest_expires_at" FROM "push_subscription" WHERE "endpoint" = $1`, [
      guestDevice.endpoint,
    ])
    assert.equal(bound.customer_id, null)
    assert.equal(bound.order_id, latest.id)
    assert.equal(new Date(bound.guest_expires_at).getTime(), placedAt + 30 * DAY_MS)
    assert.deepEqual(await rowsOf(beforeAnyOrder), [], "a guest device with no order before it is removed")
    assert.equal((await rowsOf(accountDevice))[0].customer_id, account.id, "an account's device is untouched")
  })

  it("a renewal onto an endpoint another owner holds answers 409 and keeps the old device, which still receives", async () => {
    const owner = await registerCustomer(store.http, "renewing@teststore.dev", "Rena")
    const device = store.push.createDevice("rena-phone")
    assert.equal((await subscribe(device, { token: owner.token })).status, 201)
    const holder = await registerCustomer(store.http, "holder@teststore.dev", "Hal")
    const held = store.push.createDevice("hal-phone")
    assert.equal((await subscribe(held, { token: holder.token })).status, 201)
    const [before] = await rowsOf(device)

    const conflict = await store.http.request<ErrorBody>("POST", "/store/push/subscriptions/renew", {
      body: {
        previous: { endpoint: device.endpoint, auth: device.keys.auth },
        // The other owner's endpoint, without its auth secret.
        subscription: { ...held.subscription, keys: device.keys },
      },
    })
    assert.equal(conflict.status, 409, JSON.stringify(conflict.body))
    assert.equal(conflict.body.field, "subscription.endpoint")
    assert.deepEqual(await rowsOf(device), [before], "the old device is kept as it was")
    const [heldRow] = await rowsOf(held)
    assert.equal(heldRow.customer_id, holder.id)
    assert.equal(heldRow.auth, held.keys.auth)

    const order = await placeOrder(store.http, store.catalog, owner)
    const [confirmation] = await store.push.waitForMessages((m) => m.deviceId === device.id, 1)
    assert.match(payloadOf(confirmation).title, new RegExp(`#${order.displayId}\\b`))
  })
})
