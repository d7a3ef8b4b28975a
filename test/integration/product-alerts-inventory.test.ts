/**
 * Back in stock on a store that runs Medusa's inventory module (multi-location stock:
 * `@medusajs/inventory` and `@medusajs/stock-location`), where the variant's own
 * `inventory_quantity` is not kept: stock is a location's level, less what orders reserved, in a
 * location of one of the product's sales channels. Asking, restocking through the admin's
 * inventory API, an order cancelled giving its reservation back, and the reconcile round.
 */
import assert from "node:assert/strict"
import { after, before, describe, it } from "node:test"
import type { EntityManager } from "typeorm"
import { useTestClock } from "../support/clock"
import { startTestStore, TestStore } from "../support/environment"
import { eventually } from "../support/eventually"
import { placeOrder } from "../support/order-flow"
import { createProduct } from "../support/seed"
import type { Device, ReceivedMessage } from "../support/push-service"

interface Payload {
  title: string
  url: string
}
const payloadOf = (m: ReceivedMessage): Payload => m.payload as Payload

interface AlertSender {
  reconcileDue(): Promise<void>
}

describe("back in stock with Medusa's inventory module (multi-location stock)", () => {
  let store: TestStore
  let db: EntityManager
  let variantId: string
  let itemId: string
  let warehouse: string
  /** A location of no sales channel the product is in: stock there cannot be bought. */
  let backroom: string

  const admin = () => ({ apiToken: store.admin.apiToken })
  const ask = (device: Device, variant = variantId) =>
    store.http.request<{ alert?: { id: string }; field?: string; message?: string }>("POST", "/store/push/alerts", {
      body: { subscription: device.subscription, variant_id: variant, kind: "back_in_stock" },
    })
  const setLevel = (location: string, stocked: number) =>
    store.http.expect(200, "POST", `/admin/inventory-items/${itemId}/location-levels/${location}`, {
      ...admin(),
      body: { stocked_quantity: stocked },
    })
  const told = (device: Device) => store.push.messagesFor(device.id).filter((m) => /Cotton Scarf/.test(payloadOf(m).title))
  const T0 = new Date("2026-11-30T12:00:00Z")
  let minutes = 0
  /** The reconcile round, as the poller runs it once its period (15 minutes) has passed. */
  const reconcile = async (): Promise<void> => {
    minutes += 20
    useTestClock(store).freeze(new Date(T0.getTime() + minutes * 60_000))
    await store.app.container.resolve<AlertSender>("pushProductAlertSenderService").reconcileDue()
  }
  const openAlerts = async (): Promise<number> =>
    (await db.query(`SELECT count(*)::int AS n FROM "push_variant_alert" WHERE "message_id" IS NULL`))[0].n

  before(async () => {
    store = await startTestStore("product_alerts_inventory", { inventoryModule: true, pluginOptions: { retry_poll_ms: 3_600_000 } })
    db = store.app.container.resolve<EntityManager>("manager")
    useTestClock(store).freeze(T0)
    const product = await createProduct(store.http, store.admin, {
      title: "Cotton Scarf",
      handle: "cotton-scarf",
      variants: [{ title: "Grey", eur: 1900, stock: 0 }],
    })
    variantId = product.variantIds.Grey
    const { store: medusaStore } = await store.http.expect<{ store: { default_sales_channel_id: string } }>(
      200,
      "GET",
      "/admin/store",
      admin()
    )
    const location = async (name: string): Promise<string> =>
      (await store.http.expect<{ stock_location: { id: string } }>(200, "POST", "/admin/stock-locations", { ...admin(), body: { name } }))
        .stock_location.id
    warehouse = await location("Warehouse")
    backroom = await location("Backroom")
    await store.http.expect(200, "POST", `/admin/sales-channels/${medusaStore.default_sales_channel_id}/stock-locations`, {
      ...admin(),
      body: { location_id: warehouse },
    })
    // Medusa made the variant's inventory item with the product (stock-managed variant).
    const [link] = await db.query(`SELECT "inventory_item_id" FROM "product_variant_inventory_item" WHERE "variant_id" = $1`, [variantId])
    itemId = link.inventory_item_id
    for (const locationId of [warehouse, backroom]) {
      await store.http.expect(200, "POST", `/admin/inventory-items/${itemId}/location-levels`, {
        ...admin(),
        body: { location_id: locationId, stocked_quantity: 0 },
      })
    }
  })

  after(async () => {
    await store?.stop()
  })

  it("asking is refused for a variant the module has in stock, and taken for one it has not", async () => {
    const [row] = await db.query(`SELECT "inventory_quantity", "manage_inventory" FROM "product_variant" WHERE "id" = $1`, [variantId])
    assert.equal(row.manage_inventory, true)
    await setLevel(warehouse, 3)
    const early = store.push.createDevice("early")
    const refused = await ask(early)
    assert.equal(refused.status, 409, JSON.stringify(refused.body))
    assert.equal(refused.body.field, "variant_id")
    await setLevel(warehouse, 0)
    assert.equal((await ask(early)).status, 201)
  })

  it("stock in a location of no sales channel of the product tells nobody; a restock in the warehouse does, once", async () => {
    const watcher = store.push.createDevice("watcher")
    assert.equal((await ask(watcher)).status, 201)
    await setLevel(backroom, 50)
    await reconcile()
    assert.equal(told(watcher).length, 0, "the backroom serves no sales channel")

    await setLevel(warehouse, 4) // the admin's inventory page: inventory-level.updated
    const received = await store.push.waitForMessages((m) => m.deviceId === watcher.id, 1)
    assert.equal(payloadOf(received[0]).title, "Back in stock: Cotton Scarf")
    assert.equal(payloadOf(received[0]).url, "https://shop.teststore.dev/products/cotton-scarf")
    await store.push.waitForMessages((m) => m.label === "early", 1)
    const [row] = await db.query(`SELECT "inventory_quantity" FROM "product_variant" WHERE "id" = $1`, [variantId])
    assert.equal(row.inventory_quantity, 0, "the variant's own count never moved: the level told")
    await eventually("every alert used up", async () => (await openAlerts()) === 0)
    await setLevel(warehouse, 0)
    await setLevel(warehouse, 7)
    await reconcile()
    assert.equal(told(watcher).length, 1, "used up: told once")
  })
  it("an order cancelled gives its reservation back: the variant is back in stock and its watcher is told", async () => {
    await setLevel(warehouse, 2)
    // An order takes both (the module reserves them): nothing left to buy.
    const order = await placeOrder(store.http, { ...store.catalog, variantId }, { email: "scarf-buyer@teststore.dev" })
    const waiting = store.push.createDevice("waiting-for-a-scarf")
    const asked = await ask(waiting)
    assert.equal(asked.status, 201, JSON.stringify(asked.body))

    await store.http.expect(200, "POST", `/admin/orders/${order.id}/cancel`, admin()) // reservation-item.deleted
    const [message] = await store.push.waitForMessages((m) => m.deviceId === waiting.id, 1)
    assert.equal(payloadOf(message).title, "Back in stock: Cotton Scarf")
  })
})
