import { test } from "node:test"
import assert from "node:assert/strict"
import {
  alertsFrom,
  CHAT_MESSAGES,
  planAlert,
  resolveAdminAlerts,
  summaryText,
  summaryWording,
  type WindowCount,
} from "../../src/core/catalogue/alert-floods"
import { PluginOptionsError } from "../../src/core/errors/plugin-errors"

const policy = { limit: 3, windowMs: 10 * 60_000 }
const start = new Date("2026-03-01T12:03:00Z")
const window = (count: number, totals: Record<string, number> = {}): WindowCount => ({ windowStart: start, count, totals })

test("the first `limit` alerts of a window go on their own; past it, into the window's summary, sent when it ends", () => {
  for (const count of [1, 2, 3]) assert.deepEqual(planAlert("order.placed", window(count), policy), { kind: "single" })
  const fourth = planAlert("order.placed", window(4), policy)
  assert.deepEqual(fourth, {
    kind: "summary",
    idempotencyKey: "order.placed.summary|2026-03-01T12:03:00.000Z",
    sendAt: new Date("2026-03-01T12:13:00Z"),
  })
  assert.deepEqual(planAlert("order.placed", window(400), policy), fourth, "one summary per window, however many alerts")
  assert.notDeepEqual(planAlert("contact_message.created", window(4), policy), fourth, "each event has its own")
})

test("a summary of new orders adds up the takings per currency; other events only count", () => {
  const orders = summaryText(summaryWording("order.placed"), window(37, { eur: 421_000, usd: 1_999 }), policy.windowMs, "en")
  assert.deepEqual(orders, { title: "37 new orders", body: "€4,210.00 + $19.99 in the last 10 minutes." })
  const failed = summaryText(summaryWording("order.payment_capture_failed"), window(6, { eur: 100 }), policy.windowMs, "en")
  assert.deepEqual(failed, { title: "6 failed payment captures", body: "All in the last 10 minutes: open the admin to see them." })
  assert.equal(summaryWording("stock.sync_failed").url, "/a/web-push")
  assert.equal(summaryWording("inbound.chat", { noun: CHAT_MESSAGES, url: "https://app.crisp.chat/" }).noun.en, "new chat messages")
})

test("summaries in the languages the plugin ships; English for the others", () => {
  const orders = summaryWording("order.placed")
  const cases: Array<[string, WindowCount, string, string]> = [
    ["fr", window(37, { eur: 421_000 }), "37 nouvelles commandes", "4 210,00 € au cours des 10 dernières minutes."],
    ["de-AT", window(2, { eur: 1_000 }), "2 neue Bestellungen", "€ 10,00 in den letzten 10 Minuten."],
    ["es", window(4), "4 pedidos nuevos", "Todos en los últimos 10 minutos: ábrelos en el admin."],
    ["ja", window(4), "4 new orders", "All in the last 10 minutes: open the admin to see them."],
  ]
  for (const [locale, w, title, body] of cases) {
    const text = summaryText(orders, w, policy.windowMs, locale)
    assert.equal(text.title, title, locale)
    assert.equal(text.body.replace(/\u202f|\u00a0/g, " "), body, locale)
  }
  assert.equal(
    summaryText(summaryWording("x", { noun: alertsFrom("ops"), url: "/" }), window(9), 60_000, "de").title,
    "9 Meldungen von ops"
  )
})

test("admin_alerts: defaults, per-event limits, false for never, and the older contact options", () => {
  const defaults = resolveAdminAlerts(undefined, undefined, undefined)
  assert.deepEqual(defaults.policyFor("order.placed"), { limit: 5, windowMs: 600_000 })
  assert.deepEqual(defaults.policyFor("contact_message.created"), { limit: 3, windowMs: 600_000 })
  const set = resolveAdminAlerts(
    { limit: 10, window_minutes: 5, events: { "inbound.chat": false, "order.placed": { limit: 50 } } },
    2,
    undefined
  )
  assert.equal(set.policyFor("inbound.chat"), null)
  assert.deepEqual(set.policyFor("order.placed"), { limit: 50, windowMs: 300_000 })
  assert.deepEqual(set.policyFor("order.return_requested"), { limit: 10, windowMs: 300_000 })
  assert.deepEqual(set.policyFor("contact_message.created"), { limit: 2, windowMs: 300_000 })
})

for (const [path, value] of [
  ["admin_alerts", 5],
  ["admin_alerts.limit", { limit: 0 }],
  ["admin_alerts.window_minutes", { window_minutes: 1e9 }],
  ["admin_alerts.per_event", { per_event: {} }],
  ["admin_alerts.events.order.placed", { events: { "order.placed": true } }],
  ["admin_alerts.events.order.placed.max", { events: { "order.placed": { max: 1 } } }],
] as const) {
  test(`admin_alerts: a bad ${path} is reported by name`, () => {
    assert.throws(
      () => resolveAdminAlerts(value, undefined, undefined),
      (err: unknown) => err instanceof PluginOptionsError && err.field === path
    )
  })
}
