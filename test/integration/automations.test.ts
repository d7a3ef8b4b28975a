/**
 * The admin's Automations (issue 15, item 7), against the real store: each automation follows
 * the plugin options until an admin changes it; a change holds at once (it is read where the
 * automation acts), is refused with 400 naming the field when wrong, and is undone by a reset.
 */
import assert from "node:assert/strict"
import { after, before, describe, it } from "node:test"
import type { EntityManager } from "typeorm"
import { runDueWork, useTestClock, type TestClock } from "../support/clock"
import { startTestStore, TestStore } from "../support/environment"
import { eventually } from "../support/eventually"
import { registerCustomer } from "../support/order-flow"
import { createProduct } from "../support/seed"
import type { ReceivedMessage } from "../support/push-service"

interface Automation {
  key: string
  enabled: boolean
  delays_minutes: number[]
  changed_by_admin: boolean
  waiting: number | null
  last_30_days: { messages: number; delivered: number }
}

interface AlertSender {
  check(variantId: string, what: { stock: boolean; prices: boolean }): Promise<void>
}

const MINUTE = 60_000
const titleOf = (m: ReceivedMessage): string => (m.payload as { title: string }).title

describe("automations: the admin switches them and sets the cart reminders' delays", () => {
  let store: TestStore
  let db: EntityManager
  let clock: TestClock
  const T0 = new Date("2026-11-30T12:00:00Z")
  const admin = () => ({ apiToken: store.admin.apiToken })
  const list = async (): Promise<Record<string, Automation>> => {
    const { automations } = await store.http.expect<{ automations: Automation[] }>(200, "GET", "/admin/push/automations", admin())
    return Object.fromEntries(automations.map((a) => [a.key, a]))
  }
  const change = (key: string, body: Record<string, unknown>) =>
    store.http.request<{ automation?: Automation; field?: string }>("POST", `/admin/push/automations/${key}`, { ...admin(), body })

  before(async () => {
    store = await startTestStore("automations", { pluginOptions: { abandoned_cart: { delays_minutes: [60] }, held_categories: [] } })
    db = store.app.container.resolve<EntityManager>("manager")
    clock = useTestClock(store)
    clock.freeze(T0)
  })

  after(async () => {
    await store?.stop()
  })

  it("lists each automation as the options set it, and refuses a wrong change naming the field", async () => {
    const all = await list()
    assert.deepEqual(Object.keys(all), ["abandoned_cart", "back_in_stock", "price_drop", "welcome"])
    assert.deepEqual([all.abandoned_cart.enabled, all.abandoned_cart.delays_minutes], [true, [60]])
    assert.equal(all.welcome.enabled, false)
    assert.ok(Object.values(all).every((a) => !a.changed_by_admin))
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ["abandoned_cart", { delays_minutes: [60, 30] }, "delays_minutes.1"],
      ["abandoned_cart", { delays_minutes: [60, 120, 180, 240] }, "delays_minutes"],
      ["abandoned_cart", { delays_minutes: [0] }, "delays_minutes.0"],
      ["abandoned_cart", { enabled: "yes" }, "enabled"],
      ["welcome", { delays_minutes: [5] }, "delays_minutes"],
      ["welcome", {}, "body"],
    ]
    for (const [key, body, field] of cases) {
      const res = await change(key, body)
      assert.equal(res.status, 400, JSON.stringify(res.body))
      assert.equal(res.body.field, field)
    }
    assert.equal((await change("newsletter", { enabled: true })).status, 404)
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM "push_automation_setting"`)
    assert.equal(n, 0)
  })

  it("the welcome switched on by the admin greets a new device; reset, it follows the option (off) again", async () => {
    const on = await change("welcome", { enabled: true })
    assert.equal(on.status, 200)
    assert.deepEqual([on.body.automation?.enabled, on.body.automation?.changed_by_admin], [true, true])
    const customer = await registerCustomer(store.http, "greeted@teststore.dev")
    const device = store.push.createDevice("greeted")
    await store.http.expect(201, "POST", "/store/push/subscriptions", {
      token: customer.token,
      body: { subscription: device.subscription },
    })
    await store.push.waitForMessages((m) => m.deviceId === device.id && titleOf(m) === "Notifications are on", 1)

    const reset = await store.http.expect<{ automation: Automation }>(200, "DELETE", "/admin/push/automations/welcome", admin())
    assert.deepEqual([reset.automation.enabled, reset.automation.changed_by_admin], [false, false])
    const later = await registerCustomer(store.http, "ungreeted@teststore.dev")
    const quiet = store.push.createDevice("ungreeted")
    await store.http.expect(201, "POST", "/store/push/subscriptions", { token: later.token, body: { subscription: quiet.subscription } })
    await eventually("staged events handled", async () => (await db.query(`SELECT 1 FROM "staged_job"`)).length === 0)
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM "push_message" WHERE "event_name" = 'web_push.welcome'`)
    assert.equal(n, 1)
  })

  it("back in stock switched off refuses new alerts and keeps open ones waiting; on again, they are told", async () => {
    const product = await createProduct(store.http, store.admin, {
      title: "Mittens",
      variants: [{ title: "One size", eur: 1900, stock: 0 }],
    })
    const variantId = product.variantIds["One size"]
    const early = store.push.createDevice("early-watcher")
    await store.http.expect(201, "POST", "/store/push/alerts", {
      body: { subscription: early.subscription, variant_id: variantId, kind: "back_in_stock" },
    })
    assert.equal((await change("back_in_stock", { enabled: false })).status, 200)
    const late = store.push.createDevice("late-watcher")
    const refused = await store.http.request("POST", "/store/push/alerts", {
      body: { subscription: late.subscription, variant_id: variantId, kind: "back_in_stock" },
    })
    assert.equal(refused.status, 404)
    assert.equal((await list()).back_in_stock.waiting, 1)

    await store.http.expect(200, "POST", `/admin/products/${product.id}/variants/${variantId}`, {
      ...admin(),
      body: { inventory_quantity: 4 },
    })
    const sender = store.app.container.resolve<AlertSender>("pushProductAlertSenderService")
    await sender.check(variantId, { stock: true, prices: false })
    assert.equal(store.push.messagesFor(early.id).length, 0, "off: nobody is told, the alert waits")

    assert.equal((await change("back_in_stock", { enabled: null })).status, 200)
    await sender.check(variantId, { stock: true, prices: false })
    await store.push.waitForMessages((m) => m.deviceId === early.id && titleOf(m) === "Back in stock: Mittens", 1)
    assert.equal((await list()).back_in_stock.waiting, 0)
  })

  it("the cart reminders' delays set by the admin schedule the next cart", async () => {
    const res = await change("abandoned_cart", { delays_minutes: [15, 90] })
    assert.deepEqual(res.body.automation?.delays_minutes, [15, 90])
    const customer = await registerCustomer(store.http, "shopper@teststore.dev")
    const device = store.push.createDevice("shopper")
    await store.http.expect(201, "POST", "/store/push/subscriptions", {
      token: customer.token,
      body: { subscription: device.subscription },
    })
    const { cart } = await store.http.expect<{ cart: { id: string } }>(200, "POST", "/store/carts", {
      token: customer.token,
      body: { region_id: store.catalog.regionId },
    })
    await store.http.expect(200, "POST", `/store/carts/${cart.id}/line-items`, {
      token: customer.token,
      body: { variant_id: store.catalog.variantId, quantity: 1 },
    })
    const row = await eventually("the cart watched", async () => {
      const [watch] = await db.query(`SELECT * FROM "push_cart_watch" WHERE "cart_id" = $1 AND "next_reminder_at" IS NOT NULL`, [cart.id])
      return watch
    })
    assert.equal(new Date(row.next_reminder_at).getTime(), T0.getTime() + 15 * MINUTE)
    clock.freeze(new Date(T0.getTime() + 16 * MINUTE))
    await runDueWork(store)
    await store.push.waitForMessages((m) => m.deviceId === device.id && /cart/i.test(titleOf(m)), 1)
    assert.equal((await list()).abandoned_cart.last_30_days.messages, 1)
  })
})
