/**
 * Back in stock and price drops (issue 15, item 2), against the real store and the verifying push
 * inbox: devices ask on a product page (a visitor's browser registers itself by asking), the admin
 * API restocks or reprices the variant, and each watcher gets one push: the alert is used up. A
 * price rise tells nobody; a sale price list (no store event) is found by the reconcile round.
 */
import assert from "node:assert/strict"
import { after, before, describe, it } from "node:test"
import type { EntityManager } from "typeorm"
import { advanceClock, useTestClock } from "../support/clock"
import { startTestStore, TestStore } from "../support/environment"
import { placeOrder, registerCustomer } from "../support/order-flow"
import { createProduct } from "../support/seed"
import type { Device, ReceivedMessage } from "../support/push-service"

interface Payload {
  title: string
  body: string
  url: string
  image?: string
  data: { message_id: string }
}
const payloadOf = (m: ReceivedMessage): Payload => m.payload as Payload

interface AlertSender {
  reconcileDue(): Promise<void>
  check(variantId: string, what: { stock: boolean; prices: boolean }): Promise<void>
}

describe("product alerts: back in stock and price drops", () => {
  let store: TestStore
  let db: EntityManager
  let productId: string
  /** Out of stock, stock managed. */
  let soldOut: string
  /** In stock, watched for its price. */
  let priced: string

  const admin = () => ({ apiToken: store.admin.apiToken })
  const proof = (d: Device) => ({ endpoint: d.endpoint, auth: d.keys.auth })
  const ask = (body: Record<string, unknown>) =>
    store.http.request<{ alert?: { id: string }; field?: string; message?: string }>("POST", "/store/push/alerts", { body })
  const count = async (sql: string, params: unknown[] = []): Promise<number> => {
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM ${sql}`, params)
    return n
  }
  const updateVariant = (variantId: string, body: Record<string, unknown>) =>
    store.http.expect(200, "POST", `/admin/products/${productId}/variants/${variantId}`, { ...admin(), body })
  const sender = () => store.app.container.resolve<AlertSender>("pushProductAlertSenderService")
  const messagesOf = (event: string) => count(`"push_message" WHERE "event_name" = $1`, [event])

  before(async () => {
    // The background due-work round (and the reconcile beside it) stays out of the way: each test runs the checks it means, when it means them.
    store = await startTestStore("product_alerts", { pluginOptions: { link_allowlist: ["img.teststore.dev"], retry_poll_ms: 3_600_000 } })
    db = store.app.container.resolve<EntityManager>("manager")
    useTestClock(store).freeze(new Date("2026-11-30T12:00:00Z"))
    const product = await createProduct(store.http, store.admin, {
      title: "Wool Beanie",
      handle: "wool-beanie",
      thumbnail: "https://img.teststore.dev/beanie.jpg",
      variants: [
        { title: "Red", eur: 2500, stock: 0 },
        { title: "Blue", eur: 4200, stock: 8 },
      ],
    })
    productId = product.id
    soldOut = product.variantIds.Red
    priced = product.variantIds.Blue
  })

  after(async () => {
    await store?.stop()
  })

  it("refuses bad requests naming the field, and stores nothing", async () => {
    const device = store.push.createDevice("refused")
    const cases: Array<[string, Record<string, unknown>, number]> = [
      ["kind", { subscription: device.subscription, variant_id: soldOut, kind: "restock" }, 400],
      ["variant_id", { subscription: device.subscription, variant_id: "variant_nope", kind: "back_in_stock" }, 400],
      ["variant_id", { subscription: device.subscription, variant_id: "'; DROP TABLE x", kind: "back_in_stock" }, 400],
      ["variant_id", { subscription: device.subscription, variant_id: priced, kind: "back_in_stock" }, 409],
      ["region_id", { subscription: device.subscription, variant_id: priced, kind: "price_drop" }, 400],
      ["region_id", { subscription: device.subscription, variant_id: priced, kind: "price_drop", region_id: "reg_nope" }, 400],
      [
        "region_id",
        { subscription: device.subscription, variant_id: soldOut, kind: "back_in_stock", region_id: store.catalog.regionId },
        400,
      ],
      ["endpoint", { subscription: device.subscription, endpoint: device.endpoint, variant_id: soldOut, kind: "back_in_stock" }, 400],
      ["colour", { subscription: device.subscription, variant_id: soldOut, kind: "back_in_stock", colour: "red" }, 400],
    ]
    for (const [field, body, status] of cases) {
      const res = await ask(body)
      assert.equal(res.status, status, `${field}: ${JSON.stringify(res.body)}`)
      assert.equal(res.body.field, field, JSON.stringify(res.body))
    }
    // A device the store does not know cannot ask by endpoint and auth alone.
    const unknown = await ask({ ...proof(device), variant_id: soldOut, kind: "back_in_stock" })
    assert.equal(unknown.status, 404)
    // Form-encoded bodies are refused like on every state-changing route.
    const form = await store.http.request("POST", "/store/push/alerts", {
      rawBody: "variant_id=x",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    })
    assert.equal(form.status, 415)
    assert.equal(await count(`"push_variant_alert"`), 0)
    assert.equal(await count(`"push_subscription" WHERE "endpoint" = $1`, [device.endpoint]), 0)
  })

  it("a restock through the admin API tells each watcher once, with the product's link and picture", async () => {
    // A visitor's browser registers itself by asking; a signed-in customer's device by proof; a third asks then cancels.
    const visitor = store.push.createDevice("visitor")
    const first = await ask({ subscription: visitor.subscription, locale: "fr-FR", variant_id: soldOut, kind: "back_in_stock" })
    assert.equal(first.status, 201, JSON.stringify(first.body))
    const customer = await registerCustomer(store.http, "watcher@teststore.dev")
    const phone = store.push.createDevice("customer-phone")
    await store.http.expect(201, "POST", "/store/push/subscriptions", { token: customer.token, body: { subscription: phone.subscription } })
    assert.equal((await ask({ ...proof(phone), variant_id: soldOut, kind: "back_in_stock" })).status, 201)
    // Asking twice keeps one alert.
    assert.equal((await ask({ ...proof(phone), variant_id: soldOut, kind: "back_in_stock" })).status, 201)
    const quitter = store.push.createDevice("quitter")
    const quit = await ask({ subscription: quitter.subscription, variant_id: soldOut, kind: "back_in_stock" })
    const listed = await store.http.expect<{ alerts: Array<{ id: string; kind: string }> }>(200, "POST", "/store/push/alerts/list", {
      body: proof(quitter),
    })
    assert.deepEqual(
      listed.alerts.map((a) => a.id),
      [quit.body.alert!.id]
    )
    // Another device cannot cancel it; its own can.
    await store.http.expect(404, "DELETE", `/store/push/alerts/${quit.body.alert!.id}`, { body: proof(phone) })
    await store.http.expect(200, "DELETE", `/store/push/alerts/${quit.body.alert!.id}`, { body: proof(quitter) })

    const counts = await store.http.expect<{ variants: Array<{ variant_id: string; back_in_stock: number }> }>(
      200,
      "GET",
      `/admin/push/product-alerts?product_id=${productId}`,
      admin()
    )
    assert.deepEqual(counts.variants, [{ variant_id: soldOut, back_in_stock: 2, price_drop: 0 }])

    await updateVariant(soldOut, { inventory_quantity: 5 })
    const received = await store.push.waitForMessages((m) => payloadOf(m).title.includes("Wool Beanie"), 2)
    const byLabel = new Map(received.map((m) => [m.label, payloadOf(m)]))
    assert.equal(byLabel.get("customer-phone")?.title, "Back in stock: Wool Beanie")
    assert.equal(byLabel.get("customer-phone")?.body, "Red is available again. Get yours before it sells out.")
    assert.equal(byLabel.get("visitor")?.title, "Retour en stock : Wool Beanie")
    for (const payload of byLabel.values()) {
      assert.equal(payload.url, "https://shop.teststore.dev/products/wool-beanie")
      assert.equal(payload.image, "https://img.teststore.dev/beanie.jpg")
    }
    assert.equal(store.push.messagesFor(quitter.id).length, 0)

    // Used up: another stock change tells nobody again.
    await updateVariant(soldOut, { inventory_quantity: 0 })
    await updateVariant(soldOut, { inventory_quantity: 9 })
    // What the event's handler does, awaited here: nothing is left to tell.
    await sender().check(soldOut, { stock: true, prices: true })
    assert.equal(await messagesOf("product_variant.back_in_stock"), 1)
    assert.equal(store.push.messages.filter((m) => payloadOf(m).title.includes("Wool Beanie")).length, 2)
    assert.equal(await count(`"push_variant_alert" WHERE "message_id" IS NULL`), 0)
  })

  it("a price cut below the price a device saw tells it; a rise does not", async () => {
    const buyer = store.push.createDevice("price-watcher")
    const asked = await ask({ subscription: buyer.subscription, variant_id: priced, kind: "price_drop", region_id: store.catalog.regionId })
    assert.equal(asked.status, 201, JSON.stringify(asked.body))
    await updateVariant(priced, { prices: [{ currency_code: "eur", amount: 4500 }] })
    await sender().check(priced, { stock: false, prices: true })
    assert.equal(await messagesOf("product_variant.price_drop"), 0)
    await updateVariant(priced, { prices: [{ currency_code: "eur", amount: 3900 }] })
    const [push] = await store.push.waitForMessages((m) => m.label === "price-watcher", 1)
    assert.equal(payloadOf(push).title, "Price drop: Wool Beanie")
    assert.equal(payloadOf(push).body, "Now €39.00 (was €42.00).")
    assert.equal(await messagesOf("product_variant.price_drop"), 1)
  })

  it("a sale price list, which no store event reports, is found by the reconcile round", async () => {
    const watcher = store.push.createDevice("sale-watcher")
    await ask({ subscription: watcher.subscription, variant_id: priced, kind: "price_drop", region_id: store.catalog.regionId })
    await store.http.expect(200, "POST", "/admin/price-lists", {
      ...admin(),
      body: {
        name: "Winter sale",
        description: "Everything warm",
        type: "sale",
        status: "active",
        prices: [{ variant_id: priced, currency_code: "eur", amount: 3000 }],
      },
    })
    const reconciler = sender()
    advanceClock(store, 16 * 60_000)
    await reconciler.reconcileDue()
    const [push] = await store.push.waitForMessages((m) => m.label === "sale-watcher", 1)
    assert.equal(payloadOf(push).body, "Now €30.00 (was €39.00).")
    // The round is claimed: another right away does nothing (and finds nothing left to tell).
    await reconciler.reconcileDue()
    assert.equal(store.push.messagesFor(watcher.id).length, 1)
  })

  it("a deleted variant's open alerts go at its next check", async () => {
    const product = await createProduct(store.http, store.admin, {
      title: "Discontinued Scarf",
      variants: [{ title: "One size", eur: 1500, stock: 0 }],
    })
    const gone = product.variantIds["One size"]
    const device = store.push.createDevice("scarf-watcher")
    assert.equal((await ask({ subscription: device.subscription, variant_id: gone, kind: "back_in_stock" })).status, 201)
    await store.http.expect(200, "DELETE", `/admin/products/${product.id}/variants/${gone}`, admin())
    await sender().check(gone, { stock: true, prices: true })
    assert.equal(await count(`"push_variant_alert" WHERE "variant_id" = $1`, [gone]), 0)
    assert.equal(store.push.messagesFor(device.id).length, 0)
  })

  it("a guest's device past its order's time keeps its alert, and gets it as a visitor's device", async () => {
    const product = await createProduct(store.http, store.admin, { title: "Wool Socks", variants: [{ title: "Grey", eur: 900, stock: 0 }] })
    const socks = product.variantIds.Grey
    const order = await placeOrder(store.http, store.catalog, { email: "guest-watcher@teststore.dev" })
    const device = store.push.createDevice("guest-watcher")
    await store.http.expect(201, "POST", "/store/push/subscriptions", {
      body: { subscription: device.subscription, cart_id: order.cartId },
    })
    assert.equal((await ask({ ...proof(device), variant_id: socks, kind: "back_in_stock" })).status, 201)
    // 31 days later (by the engine's clock) the device no longer belongs to its order.
    useTestClock(store).freeze(new Date(Date.now() + 31 * 86_400_000))
    await store.http.expect(200, "POST", `/admin/products/${product.id}/variants/${socks}`, { ...admin(), body: { inventory_quantity: 2 } })
    await sender().check(socks, { stock: true, prices: false })
    assert.equal(store.push.messagesFor(device.id).length, 0)
    assert.equal(await count(`"push_variant_alert" WHERE "variant_id" = $1 AND "message_id" IS NULL`, [socks]), 1, "not used up")
    await sender().reconcileDue()
    const [row] = await db.query(`SELECT "order_id", "guest_expires_at" FROM "push_subscription" WHERE "endpoint" = $1`, [device.endpoint])
    assert.deepEqual(row, { order_id: null, guest_expires_at: null }, "a visitor's device now")
    await store.push.waitForMessages((m) => m.deviceId === device.id && payloadOf(m).title === "Back in stock: Wool Socks", 1)
  })

  it("a renewed subscription keeps its alerts; a visitor's device gets no broadcast", async () => {
    await updateVariant(soldOut, { inventory_quantity: 0 })
    const old = store.push.createDevice("renewing")
    assert.equal((await ask({ subscription: old.subscription, variant_id: soldOut, kind: "back_in_stock" })).status, 201)
    const renewed = store.push.createDevice("renewed")
    await store.http.expect(201, "POST", "/store/push/subscriptions/renew", {
      body: { previous: proof(old), subscription: renewed.subscription },
    })
    const listed = await store.http.expect<{ alerts: unknown[] }>(200, "POST", "/store/push/alerts/list", { body: proof(renewed) })
    assert.equal(listed.alerts.length, 1)
    const reach = await store.http.expect<{ recipient_count: number }>(200, "POST", "/admin/push/broadcasts", {
      ...admin(),
      body: { title: "Sale", body: "Everything", category: "promotions", dry_run: true },
    })
    assert.equal(reach.recipient_count, 0)
  })

  it("a visitor's device with nothing open for 30 days is removed; one still waiting stays", async () => {
    const told = (await db.query(`SELECT "subscription_id" FROM "push_variant_alert" WHERE "message_id" IS NOT NULL`)).map(
      (r: { subscription_id: string }) => r.subscription_id
    )
    const [waiting] = await db.query(`SELECT "subscription_id" FROM "push_variant_alert" WHERE "message_id" IS NULL LIMIT 1`)
    assert.ok(told.length > 0 && waiting)
    // Far beyond every alert told so far (by the engine's clock).
    useTestClock(store).freeze(new Date(Date.now() + 120 * 86_400_000))
    await sender().reconcileDue()
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM "push_subscription" WHERE "id" = ANY($1) AND "customer_id" IS NULL AND "order_id" IS NULL`,
      [told]
    )
    assert.equal(n, 0, "the visitors' devices that were told and asked nothing since are gone")
    assert.equal(await count(`"push_subscription" WHERE "id" = $1`, [waiting.subscription_id]), 1, "a device still waiting stays")
    assert.ok((await count(`"push_subscription" WHERE "customer_id" IS NOT NULL`)) > 0, "customers' devices are never removed here")

    // Past product_alerts.expire_days (180) since it asked, a waiting alert lapses, and its visitor's device goes with it.
    const [{ visitor }] = await db.query(
      `SELECT (s."customer_id" IS NULL AND s."order_id" IS NULL) AS visitor FROM "push_subscription" s WHERE s."id" = $1`,
      [waiting.subscription_id]
    )
    useTestClock(store).freeze(new Date(Date.now() + 181 * 86_400_000))
    await sender().reconcileDue()
    assert.equal(await count(`"push_variant_alert" WHERE "message_id" IS NULL`), 0, "every open alert lapsed")
    assert.equal(await count(`"push_subscription" WHERE "id" = $1`, [waiting.subscription_id]), visitor ? 0 : 1)
  })
})
