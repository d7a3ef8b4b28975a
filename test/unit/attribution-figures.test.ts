import { test } from "node:test"
import assert from "node:assert/strict"
import { createECDH } from "node:crypto"
import {
  clickRate,
  DEFAULT_PERIOD_DAYS,
  PeriodError,
  resolvePeriod,
  revenueSeries,
  sumByCurrency,
  utcDay,
} from "../../src/core/attribution/figures"
import { PluginOptionsError } from "../../src/core/errors/plugin-errors"
import { resolveOptions } from "../../src/core/options/plugin-options"

// Instants given with their offset: the results never depend on the machine's time zone.
const LATE_EVENING_UTC = new Date("2025-03-10T23:30:00Z")
const EARLY_MORNING_TOKYO = new Date("2025-03-11T08:30:00+09:00") // 2025-03-10 23:30 UTC

test("the default period is the last 30 UTC days, today (by the given clock, in UTC) included", () => {
  for (const now of [LATE_EVENING_UTC, EARLY_MORNING_TOKYO]) {
    const period = resolvePeriod(undefined, undefined, now)
    assert.equal(period.to, "2025-03-10")
    assert.equal(period.from, "2025-02-09")
    assert.equal(period.start.toISOString(), "2025-02-09T00:00:00.000Z")
    assert.equal(period.end.toISOString(), "2025-03-11T00:00:00.000Z")
    assert.equal(revenueSeries(period, []).length, DEFAULT_PERIOD_DAYS)
  }
})

test("a named period covers both days; from alone ends today, to alone starts 29 days before", () => {
  const period = resolvePeriod("2024-02-28", "2024-03-01", LATE_EVENING_UTC)
  assert.deepEqual(
    revenueSeries(period, []).map((d) => d.day),
    ["2024-02-28", "2024-02-29", "2024-03-01"]
  )
  assert.equal(resolvePeriod("2025-03-01", undefined, LATE_EVENING_UTC).to, "2025-03-10")
  assert.equal(resolvePeriod(undefined, "2025-01-30", LATE_EVENING_UTC).from, "2025-01-01")
})

const refused: Array<[string | undefined, string | undefined, "from" | "to", RegExp]> = [
  ["2025-13-01", undefined, "from", /from must be a date/],
  ["2025-02-30", undefined, "from", /from must be a date/],
  [undefined, "yesterday", "to", /to must be a date/],
  [undefined, "2025-03-10T00:00:00Z", "to", /to must be a date/],
  ["2025-03-02", "2025-03-01", "from", /not be after to/],
  ["2024-01-01", "2025-03-01", "from", /at most 366 days/],
]
for (const [from, to, field, message] of refused) {
  test(`period from=${from} to=${to} is refused naming ${field}`, () => {
    assert.throws(
      () => resolvePeriod(from, to, LATE_EVENING_UTC),
      (err: unknown) => err instanceof PeriodError && err.field === field && message.test(err.message)
    )
  })
}

test("click rate: clicks per delivered, null before any delivery", () => {
  assert.equal(clickRate(0, 0), null)
  assert.equal(clickRate(3, 0), null)
  assert.equal(clickRate(1, 4), 0.25)
})

test("revenue series: every day in order, amounts per currency added up (bigint strings too), days without revenue empty", () => {
  const period = resolvePeriod("2025-03-01", "2025-03-03", LATE_EVENING_UTC)
  const series = revenueSeries(period, [
    { day: "2025-03-03", currency_code: "usd", amount: 500 },
    { day: "2025-03-01", currency_code: "eur", amount: 8900 },
    { day: "2025-03-03", currency_code: "eur", amount: "1200" as unknown as number },
    { day: "2025-03-03", currency_code: "eur", amount: 300 },
  ])
  assert.deepEqual(series, [
    { day: "2025-03-01", revenue: [{ currency_code: "eur", amount: 8900 }] },
    { day: "2025-03-02", revenue: [] },
    {
      day: "2025-03-03",
      revenue: [
        { currency_code: "eur", amount: 1500 },
        { currency_code: "usd", amount: 500 },
      ],
    },
  ])
  assert.deepEqual(sumByCurrency(series.flatMap((d) => d.revenue)), [
    { currency_code: "eur", amount: 10400 },
    { currency_code: "usd", amount: 500 },
  ])
  assert.equal(utcDay(EARLY_MORNING_TOKYO), "2025-03-10")
})

function vapidOptions(extra: Record<string, unknown>): Record<string, unknown> {
  const ecdh = createECDH("prime256v1")
  ecdh.generateKeys()
  const priv = ecdh.getPrivateKey()
  return {
    vapid_public_key: ecdh.getPublicKey("base64url"),
    vapid_private_key: Buffer.concat([Buffer.alloc(32 - priv.length), priv]).toString("base64url"),
    vapid_subject: "mailto:ops@teststore.dev",
    ...extra,
  }
}

test("attribution_window_hours: 72 by default, 0 turns attribution off, whole hours up to 90 days", () => {
  const DEV = { NODE_ENV: "development" }
  assert.equal(resolveOptions(vapidOptions({}), DEV).attributionWindowHours, 72)
  assert.equal(resolveOptions(vapidOptions({ attribution_window_hours: 0 }), DEV).attributionWindowHours, 0)
  assert.equal(resolveOptions(vapidOptions({ attribution_window_hours: 2160 }), DEV).attributionWindowHours, 2160)
  for (const bad of [-1, 1.5, 2161, "72", null, Number.NaN]) {
    assert.throws(
      () => resolveOptions(vapidOptions({ attribution_window_hours: bad }), DEV),
      (err: unknown) =>
        err instanceof PluginOptionsError &&
        err.field === "attribution_window_hours" &&
        /from 0 \(attribution off\) to 2160/.test(err.message),
      String(bad)
    )
  }
})
