import assert from "node:assert/strict"
import { after, before, describe, it } from "node:test"
import type { EntityManager } from "typeorm"
import { useTestClock } from "../support/clock"
import { startTestStore, TestStore } from "../support/environment"
import { eventually } from "../support/eventually"
import { placeOrder, registerCustomer, type Customer } from "../support/order-flow"
import type { Device, ReceivedMessage } from "../support/push-service"

interface Payload {
  title: string
  body: string
  url: string
  data: { message_id: string }
}
const payloadOf = (m: ReceivedMessage): Payload => m.payload as Payload

/**
 * The welcome notification (`welcome: { enabled: true }`): a signed-in customer's device that is
 * new to the store gets one, at once (even at night), in its language; a re-subscribe, a renewal,
 * a redelivered event and a guest's device get none. (Off by default: see segments.test.ts.)
 */
describe("welcome notification", () => {
  let store: TestStore
  let db: EntityManager

  const subscribe = (customer: Customer | null, device: Device, extra: Record<string, unknown> = {}) =>
    store.http.expect<{ subscription: { id: string } }>(201, "POST", "/store/push/subscriptions", {
      token: customer?.token,
      body: { subscription: device.subscription, ...extra },
    })

  /** Every staged event handled (a welcome is queued as an event). */
  const eventsHandled = () =>
    eventually("staged events handled", async () => {
      const [row] = await db.query(`SELECT count(*)::int AS n FROM "staged_job"`)
      return row.n === 0
    })

  const welcomes = async (subscriptionId?: string) =>
    db.query(
      `SELECT * FROM "push_message" WHERE "event_name" = 'web_push.welcome' AND ($1::text IS NULL OR "target_subscription_id" = $1)`,
      [subscriptionId ?? null]
    )

  before(async () => {
    store = await startTestStore("welcome", { pluginOptions: { welcome: { enabled: true }, retry_poll_ms: 200 } })
    db = store.app.container.resolve<EntityManager>("manager")
    // 03:00 UTC: a promotion would wait for the window; the welcome answers the reader's own action and goes.
    useTestClock(store).freeze(new Date("2026-11-30T03:00:00Z"))
  })

  after(async () => {
    await store?.stop()
  })

  it("a customer's new device gets one welcome, at once, for that device only", async () => {
    const customer = await registerCustomer(store.http, "welcome@teststore.dev", "Grace")
    const older = store.push.createDevice("older")
    const { subscription: first } = await subscribe(customer, older)
    const [firstWelcome] = await store.push.waitForMessages((m) => m.deviceId === older.id, 1)
    assert.equal(payloadOf(firstWelcome).title, "Notifications are on")

    const device = store.push.createDevice("welcome", {})
    const { subscription } = await subscribe(customer, device, { time_zone: "UTC" })
    const [message] = await store.push.waitForMessages((m) => m.deviceId === device.id, 1)
    assert.equal(payloadOf(message).title, "Notifications are on")
    assert.match(payloadOf(message).body, /^Thanks Grace! /)
    const [row] = await welcomes(subscription.id)
    assert.equal(row.audience, "device")
    assert.equal(row.category, "welcome")
    assert.equal(row.target_count, 1, "the new device only, not the customer's other one")
    assert.equal(store.push.messagesFor(older.id).length, 1, "the older device got its own welcome only")
    assert.notEqual(first.id, subscription.id)
  })

  it("once per device: subscribing again, a redelivered event and a renewal send no second welcome", async () => {
    const customer = await registerCustomer(store.http, "once@teststore.dev")
    const device = store.push.createDevice("once")
    const { subscription } = await subscribe(customer, device)
    await store.push.waitForMessages((m) => m.deviceId === device.id, 1)
    await subscribe(customer, device, { categories: ["order_updates", "promotions"] }) // the storefront syncing
    await store.app.container
      .resolve<{ emit(event: string, data: unknown): Promise<unknown> }>("eventBusService")
      .emit("web_push.welcome", { id: subscription.id }) // a redelivered event
    await eventsHandled() // handled while the device is still there (a renewal would replace it)
    const renewed = store.push.createDevice("once-renewed")
    const [{ created_at: firstSubscribed }] = await db.query(`SELECT "created_at" FROM "push_subscription" WHERE "id" = $1`, [
      subscription.id,
    ])
    await store.http.expect(201, "POST", "/store/push/subscriptions/renew", {
      token: customer.token,
      body: { previous: { endpoint: device.endpoint, auth: device.keys.auth }, subscription: renewed.subscription },
    })
    await eventsHandled()
    await eventually("every welcome message settled", async () => {
      const open = await db.query(`SELECT 1 FROM "push_message" WHERE "event_name" = 'web_push.welcome' AND "status" <> 'done'`)
      return open.length === 0
    })
    assert.equal((await welcomes(subscription.id)).length, 1)
    assert.equal(store.push.messagesFor(device.id).length, 1)
    assert.equal(store.push.messagesFor(renewed.id).length, 0, "a renewal is no first subscription")
    const [renewedRow] = await db.query(`SELECT "created_at" FROM "push_subscription" WHERE "endpoint" = $1`, [renewed.endpoint])
    assert.equal(new Date(renewedRow.created_at).getTime(), new Date(firstSubscribed).getTime(), "subscribed since the first subscription")
  })

  it("in the device's language", async () => {
    const customer = await registerCustomer(store.http, "bienvenue@teststore.dev", "Amélie")
    const device = store.push.createDevice("bienvenue")
    await subscribe(customer, device, { locale: "fr-CA" })
    const [message] = await store.push.waitForMessages((m) => m.deviceId === device.id, 1)
    assert.equal(payloadOf(message).title, "Notifications activées")
    assert.match(payloadOf(message).body, /^Merci Amélie ! /)
  })

  it("a guest's device, which asked for its order's news only, gets no welcome", async () => {
    const order = await placeOrder(store.http, store.catalog, { email: "guest-welcome@teststore.dev" })
    const device = store.push.createDevice("guest")
    const { subscription } = await subscribe(null, device, { cart_id: order.cartId })
    await eventsHandled()
    assert.equal((await welcomes(subscription.id)).length, 0)
    // (Its order's own notifications may reach it: only a welcome would be wrong.)
    assert.equal(store.push.messagesFor(device.id).filter((m) => payloadOf(m).title === "Notifications are on").length, 0)
  })
})
