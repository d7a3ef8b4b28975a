/**
 * Revenue attribution (issue 15, item 5), against the real store through the verifying push
 * inbox, the engine's clock moved instead of waiting: a click followed by an order within
 * `attribution_window_hours` credits the order's total to the clicked message (and to its event's
 * and broadcast's figures over a period); a click outside the window, or no click, credits
 * nothing; the last click wins; a redelivered `order.placed` credits nothing twice; a guest's
 * device credits the order of the cart it registered, never another order of the same e-mail.
 */
import assert from "node:assert/strict"
import { after, before, describe, it } from "node:test"
import type { EntityManager } from "typeorm"
import { utcDay } from "../../src/core/attribution/figures"
import type PushAttributionService from "../../src/services/push-attribution"
import type { AttributionFigures } from "../../src/services/push-stats"
import { useTestClock, type TestClock } from "../support/clock"
import { startTestStore, TestStore } from "../support/environment"
import { eventually } from "../support/eventually"
import { completeCart, placeOrder, registerCustomer, shipOrder, type Customer, type PlacedOrder } from "../support/order-flow"
import type { Device, ReceivedMessage } from "../support/push-service"

const HOUR = 3_600_000

interface Payload {
  title: string
  url: string
  data: { message_id: string; delivery_id: string; click_token: string }
}
const payloadOf = (m: ReceivedMessage): Payload => m.payload as Payload

interface Attribution {
  order_id: string
  message_id: string
  total: string
  currency_code: string
}

interface MessageFigures {
  id: string
  clicked_count: number
  delivered_count: number
  click_rate: number | null
  orders: number
  revenue: Array<{ currency_code: string; amount: number }>
}

describe("revenue attribution: the last click within the window earns the order", () => {
  let store: TestStore
  let db: EntityManager
  let clock: TestClock
  const admin = () => ({ apiToken: store.admin.apiToken })
  const attribution = () => store.app.container.resolve<PushAttributionService>("pushAttributionService")

  before(async () => {
    store = await startTestStore("attribution", { pluginOptions: { held_categories: [], frequency_caps: {} } })
    db = store.app.container.resolve<EntityManager>("manager")
    clock = useTestClock(store)
  })

  after(async () => {
    clock?.reset()
    await store?.stop()
  })

  const shopper = async (name: string): Promise<{ customer: Customer; device: Device }> => {
    const customer = await registerCustomer(store.http, `${name}@teststore.dev`)
    const device = store.push.createDevice(`${name}-phone`)
    await store.http.expect(201, "POST", "/store/push/subscriptions", {
      token: customer.token,
      body: { subscription: device.subscription, categories: ["order_updates", "promotions"] },
    })
    return { customer, device }
  }

  /** Sends a broadcast and waits until `device` shows it; answers what the notification carries. */
  const broadcastTo = async (device: Device, title: string): Promise<Payload> => {
    await store.http.expect(202, "POST", "/admin/push/broadcasts", {
      ...admin(),
      body: { title, body: "Only this week", category: "promotions", url: "/sale" },
    })
    const [received] = await store.push.waitForMessages((m) => m.deviceId === device.id && payloadOf(m).title === title, 1)
    return payloadOf(received)
  }

  /** The service worker reports the click, as it does when the reader opens the notification. */
  const click = (payload: Payload) =>
    store.http.expect(204, "POST", "/store/push/clicks", {
      body: { delivery_id: payload.data.delivery_id, click_token: payload.data.click_token },
    })

  const attributionOf = async (orderId: string): Promise<Attribution | undefined> =>
    (await db.query(`SELECT * FROM "push_attribution" WHERE "order_id" = $1`, [orderId]))[0]

  /** The order's own confirmation reached the customer's device: `order.placed` has been handled. */
  const placedHandled = (device: Device, order: PlacedOrder) =>
    store.push.waitForMessages((m) => m.deviceId === device.id && payloadOf(m).url.includes(order.id), 1)

  const orderTotal = async (orderId: string): Promise<{ total: number; currency_code: string }> =>
    (await store.http.expect<{ order: { total: number; currency_code: string } }>(200, "GET", `/admin/orders/${orderId}`, admin())).order

  const messageFigures = async (id: string): Promise<MessageFigures> =>
    (await store.http.expect<{ message: MessageFigures }>(200, "GET", `/admin/push/messages/${id}`, admin())).message

  const periodFigures = async (from: Date): Promise<AttributionFigures> =>
    (
      await store.http.expect<{ stats: { attribution: AttributionFigures } }>(
        200,
        "GET",
        `/admin/push/stats?from=${utcDay(from)}&to=${utcDay(clock.now())}`,
        admin()
      )
    ).stats.attribution

  it("a click followed by an order within the window shows the order's total as that message's revenue", async () => {
    const sentAt = clock.now()
    const { customer, device } = await shopper("within")
    const sale = await broadcastTo(device, "Spring sale")
    await click(sale)
    clock.advance(71 * HOUR)
    const order = await placeOrder(store.http, store.catalog, { token: customer.token, email: customer.email })
    const credited = await eventually("the order credited", () => attributionOf(order.id))
    const { total, currency_code } = await orderTotal(order.id)
    assert.ok(total > 0)
    assert.equal(credited.message_id, sale.data.message_id)
    assert.equal(Number(credited.total), total)
    assert.equal(credited.currency_code, currency_code)

    const message = await messageFigures(sale.data.message_id)
    assert.equal(message.clicked_count, 1)
    assert.equal(message.click_rate, 1 / message.delivered_count)
    assert.equal(message.orders, 1)
    assert.deepEqual(message.revenue, [{ currency_code, amount: total }])
    const listed = await store.http.expect<{ messages: MessageFigures[] }>(
      200,
      "GET",
      "/admin/push/messages?event_name=web_push.broadcast",
      admin()
    )
    assert.deepEqual(listed.messages.find((m) => m.id === sale.data.message_id)?.revenue, [{ currency_code, amount: total }])

    const figures = await periodFigures(sentAt)
    const broadcasts = figures.by_event.find((e) => e.event_name === "web_push.broadcast")
    assert.ok(broadcasts, JSON.stringify(figures.by_event))
    assert.equal(broadcasts.orders, 1)
    assert.deepEqual(broadcasts.revenue, [{ currency_code, amount: total }])
    assert.equal(broadcasts.clicks, 1)
    const row = figures.broadcasts.find((b) => b.id === sale.data.message_id)
    assert.deepEqual(row && { title: row.title, orders: row.orders, revenue: row.revenue, clicks: row.clicks }, {
      title: "Spring sale",
      orders: 1,
      revenue: [{ currency_code, amount: total }],
      clicks: 1,
    })
    assert.equal(figures.orders, 1)
    assert.deepEqual(figures.revenue, [{ currency_code, amount: total }])
    assert.deepEqual(figures.daily.find((d) => d.day === utcDay(clock.now()))?.revenue, [{ currency_code, amount: total }])
    assert.equal(figures.daily.length, Math.round((Date.parse(figures.to) - Date.parse(figures.from)) / 86_400_000) + 1)

    // The event bus delivers order.placed again (a Redis retry, a double emit), twice at once: nothing more is credited.
    await Promise.all([attribution().handleOrderPlaced({ id: order.id }), attribution().handleOrderPlaced({ id: order.id })])
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM "push_attribution" WHERE "order_id" = $1`, [order.id])
    assert.equal(n, 1)
    assert.equal((await messageFigures(sale.data.message_id)).orders, 1)
    assert.equal((await periodFigures(sentAt)).orders, 1)
  })

  it("a click outside the window, or no click at all, credits nothing", async () => {
    const late = await shopper("late")
    await click(await broadcastTo(late.device, "Summer sale"))
    clock.advance(73 * HOUR)
    const lateOrder = await placeOrder(store.http, store.catalog, { token: late.customer.token, email: late.customer.email })

    const idle = await shopper("idle")
    await broadcastTo(idle.device, "Autumn sale")
    const idleOrder = await placeOrder(store.http, store.catalog, { token: idle.customer.token, email: idle.customer.email })

    await placedHandled(late.device, lateOrder)
    await placedHandled(idle.device, idleOrder)
    // Handled once more, awaited here: still nothing.
    assert.equal(await attribution().attributeOrder(lateOrder.id), null)
    assert.equal(await attribution().attributeOrder(idleOrder.id), null)
    assert.equal(await attributionOf(lateOrder.id), undefined)
    assert.equal(await attributionOf(idleOrder.id), undefined)
  })

  it("the last click before the order wins; a click after it changes nothing", async () => {
    const { customer, device } = await shopper("twice")
    const first = await broadcastTo(device, "Winter sale")
    const second = await broadcastTo(device, "Clearance")
    await click(first)
    clock.advance(HOUR)
    await click(second)
    clock.advance(HOUR)
    const order = await placeOrder(store.http, store.catalog, { token: customer.token, email: customer.email })
    const credited = await eventually("the order credited", () => attributionOf(order.id))
    assert.equal(credited.message_id, second.data.message_id)
    assert.equal((await messageFigures(first.data.message_id)).orders, 0)
    assert.equal((await messageFigures(second.data.message_id)).orders, 1)

    const third = await broadcastTo(device, "Last chance")
    clock.advance(HOUR)
    await click(third)
    assert.equal(await attribution().attributeOrder(order.id), null)
    assert.equal((await attributionOf(order.id))?.message_id, second.data.message_id)
  })

  /** A guest's order, and its phone (subscribed from the confirmation page) that clicked the order's shipment notification. */
  const guestPhoneThatClicked = async (email: string, label: string) => {
    const order = await placeOrder(store.http, store.catalog, { email })
    const device = store.push.createDevice(label)
    await store.http.expect(201, "POST", "/store/push/subscriptions", {
      body: { subscription: device.subscription, cart_id: order.cartId },
    })
    await shipOrder(store.http, store.admin, order.id)
    const [shipped] = await store.push.waitForMessages((m) => m.deviceId === device.id && /shipped/.test(payloadOf(m).title), 1)
    await click(payloadOf(shipped))
    return { order, device, shipped: payloadOf(shipped) }
  }

  /** A guest's cart with an item that `device` registers (`watchCart`), then checked out by `who` (signed in with a token, or a guest). */
  const orderFromRegisteredCart = async (device: Device, who: { token?: string; email: string }): Promise<PlacedOrder> => {
    const { cart } = await store.http.expect<{ cart: { id: string } }>(200, "POST", "/store/carts", {
      body: { region_id: store.catalog.regionId },
    })
    await store.http.expect(200, "POST", `/store/carts/${cart.id}/line-items`, {
      body: { variant_id: store.catalog.variantId, quantity: 1 },
    })
    await store.http.expect(202, "POST", "/store/push/carts", {
      body: { endpoint: device.endpoint, auth: device.keys.auth, cart_id: cart.id },
    })
    await eventually(
      "the cart watched",
      async () => (await db.query(`SELECT 1 FROM "push_cart_watch" WHERE "cart_id" = $1`, [cart.id])).length > 0
    )
    return completeCart(store.http, store.catalog, who, cart.id)
  }

  it("a guest's device credits the order of the cart it registered, never another order of the same e-mail", async () => {
    const email = "guest-buyer@teststore.dev"
    const { order: firstOrder, device, shipped } = await guestPhoneThatClicked(email, "guest-phone")
    clock.advance(HOUR)

    // Medusa gives both guest orders the same customer row: it owns no device, so this order is not credited...
    const secondOrder = await placeOrder(store.http, store.catalog, { email })
    assert.equal(secondOrder.customerId, firstOrder.customerId)
    assert.equal(await attribution().attributeOrder(secondOrder.id), null)

    // ...but the order of a cart the device registered through the storefront helper is.
    const thirdOrder = await orderFromRegisteredCart(device, { email })
    const credited = await eventually("the registered cart's order credited", () => attributionOf(thirdOrder.id))
    assert.equal(credited.message_id, shipped.data.message_id)
    assert.equal(Number(credited.total), (await orderTotal(thirdOrder.id)).total)
  })

  it("a device that registered a cart earns nothing once the order is another registered account's", async () => {
    const { device } = await guestPhoneThatClicked("cart-holder@teststore.dev", "cart-holder-phone")
    clock.advance(HOUR)
    // The phone registered a guest's cart, which a customer (with no device of theirs) then checked
    // out signed in: the cart became the account's, its reminders stopped going to the phone, and
    // so does the credit.
    const customer = await registerCustomer(store.http, "account-buyer@teststore.dev")
    const order = await orderFromRegisteredCart(device, { token: customer.token, email: customer.email })
    assert.equal(order.customerId, customer.id)
    assert.equal(await attribution().attributeOrder(order.id), null)
    assert.equal(await attributionOf(order.id), undefined)
  })

  it("a cart registered while cart reminders are switched off still credits its order", async () => {
    await store.http.expect(200, "POST", "/admin/push/automations/abandoned_cart", { ...admin(), body: { enabled: false } })
    try {
      const email = "reminders-off@teststore.dev"
      const { device, shipped } = await guestPhoneThatClicked(email, "reminders-off-phone")
      clock.advance(HOUR)
      const order = await orderFromRegisteredCart(device, { email })
      const credited = await eventually("the order credited", () => attributionOf(order.id))
      assert.equal(credited.message_id, shipped.data.message_id)
    } finally {
      await store.http.expect(200, "DELETE", "/admin/push/automations/abandoned_cart", admin())
    }
  })

  it("a click still earns the order after the browser renewed its subscription", async () => {
    const { customer, device } = await shopper("renewing")
    const promo = await broadcastTo(device, "Renewal sale")
    await click(promo)
    clock.advance(HOUR)
    // The browser rotates its subscription (pushsubscriptionchange): the old device row is replaced.
    const renewed = store.push.createDevice("renewing-phone-2")
    await store.http.expect(201, "POST", "/store/push/subscriptions/renew", {
      token: customer.token,
      body: { previous: { endpoint: device.endpoint, auth: device.keys.auth }, subscription: renewed.subscription },
    })
    clock.advance(HOUR)
    const order = await placeOrder(store.http, store.catalog, { token: customer.token, email: customer.email })
    const credited = await eventually("the order credited", () => attributionOf(order.id))
    assert.equal(credited.message_id, promo.data.message_id)
  })
})
