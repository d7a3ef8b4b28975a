/**
 * No admin alert storms: a flash sale of 200 orders in one window gives each admin the limit's
 * single alerts and one summary with the count and the takings, sent when the window ends.
 */
import assert from "node:assert/strict"
import { after, before, describe, it } from "node:test"
import type { EntityManager } from "typeorm"
import { formatMoney } from "../../src/core/templates/money"
import { forEachConcurrent } from "../../src/core/concurrency/for-each-concurrent"
import { runDueWork, useTestClock } from "../support/clock"
import { startTestStore, TestStore } from "../support/environment"
import { eventually } from "../support/eventually"
import { placeOrder } from "../support/order-flow"
import type { Device, ReceivedMessage } from "../support/push-service"
import { adminBearer, createAdmin } from "../support/seed"

const ORDERS = 200
const LIMIT = 5

type Payload = { title: string; body: string; url: string }
const payloadOf = (m: ReceivedMessage): Payload => m.payload as Payload

describe("admin alert floods", () => {
  let store: TestStore
  let db: EntityManager
  let devices: Device[]

  before(async () => {
    store = await startTestStore("admin_alert_floods", { pluginOptions: { admin_alerts: { limit: LIMIT, window_minutes: 10 } } })
    db = store.app.container.resolve<EntityManager>("manager")
    const second = await createAdmin(store.app.container, "night-shift@teststore.dev")
    devices = []
    // The night shift reads French.
    for (const [auth, locale] of [
      [{ apiToken: store.admin.apiToken }, "en"],
      [{ token: await adminBearer(store.http, second.email) }, "fr"],
    ] as const) {
      const device = store.push.createDevice(`admin-${locale}`)
      await store.http.expect(201, "POST", "/admin/push/subscriptions", { ...auth, body: { subscription: device.subscription, locale } })
      devices.push(device)
    }
  })

  after(async () => {
    await store?.stop()
  })

  it(`${ORDERS} orders in a burst: ${LIMIT} alerts and one summary with the count and the totals per admin`, async (t) => {
    const clock = useTestClock(store)
    clock.freeze()
    t.after(() => clock.reset())
    const orders: string[] = []
    await forEachConcurrent(
      Array.from({ length: ORDERS }, (_, i) => i),
      4,
      async (i) => {
        orders.push((await placeOrder(store.http, store.catalog, { email: `buyer${i}@teststore.dev` })).id)
      }
    )
    const { order } = await store.http.expect<{ order: { total: number; currency_code: string } }>(
      200,
      "GET",
      `/admin/orders/${orders[0]}`,
      {
        apiToken: store.admin.apiToken,
      }
    )

    const counted = async (): Promise<{ singles: number; folded: number }> =>
      (
        await db.query(
          `SELECT count(*) FILTER (WHERE "summary_id" IS NULL)::int AS singles, count(*) FILTER (WHERE "summary_id" IS NOT NULL)::int AS folded
           FROM "push_message" WHERE "event_name" = 'order.placed' AND "audience" = 'admin'`
        )
      )[0]
    await eventually(
      "every order counted: the limit sent, the rest folded into the summary",
      async () => {
        const c = await counted()
        return c.singles === LIMIT && c.folded === ORDERS - LIMIT
      },
      120_000
    )
    const newOrder = (d: Device) => store.push.messagesFor(d.id).filter((m) => /^(New order|Nouvelle commande) /.test(payloadOf(m).title))
    await eventually("each admin has the single alerts", () => devices.every((d) => newOrder(d).length === LIMIT))

    const summaries = (d: Device) =>
      store.push.messagesFor(d.id).filter((m) => / (new orders|nouvelles commandes)$/.test(payloadOf(m).title))
    await runDueWork(store)
    assert.ok(
      devices.every((d) => summaries(d).length === 0),
      "the summary waits for the window to end"
    )

    clock.advance(10 * 60_000 + 1_000)
    await runDueWork(store)
    await eventually("each admin gets the summary", () => devices.every((d) => summaries(d).length === 1))
    const expected = {
      en: {
        title: `${ORDERS} new orders`,
        body: `${formatMoney(order.total * ORDERS, order.currency_code, "en")} in the last 10 minutes.`,
      },
      fr: {
        title: `${ORDERS} nouvelles commandes`,
        body: `${formatMoney(order.total * ORDERS, order.currency_code, "fr")} au cours des 10 dernières minutes.`,
      },
    }
    for (const [device, locale] of [
      [devices[0], "en"],
      [devices[1], "fr"],
    ] as const) {
      const summary = payloadOf(summaries(device)[0])
      assert.equal(summary.title, expected[locale].title)
      assert.equal(summary.body, expected[locale].body)
      assert.equal(summary.url, "https://admin.teststore.dev/a/orders")
      assert.equal(newOrder(device).length, LIMIT, "no single alert past the limit")
    }

    // The next window starts afresh: a new order alerts at once.
    await placeOrder(store.http, store.catalog, { email: "after-the-rush@teststore.dev" })
    await eventually("a new window alerts again", () => devices.every((d) => newOrder(d).length === LIMIT + 1))
  })
})
