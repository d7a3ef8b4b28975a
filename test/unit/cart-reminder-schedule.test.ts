import { test } from "node:test"
import assert from "node:assert/strict"
import { dueStep, nextReminderAt, planWatch, reminderKey, watchExpiresAt } from "../../src/core/carts/cart-reminder-schedule"
import { resolveAbandonedCart } from "../../src/core/options/abandoned-cart-options"
import { PluginOptionsError } from "../../src/core/errors/plugin-errors"

const T0 = new Date("2026-11-30T12:00:00Z")
const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000)
const DELAYS = [60, 1440, 4320]

test("each step is due its delay after the last activity; none after the last step", () => {
  assert.deepEqual(nextReminderAt(T0, 0, DELAYS), at(60))
  assert.deepEqual(nextReminderAt(T0, 1, DELAYS), at(1440))
  assert.deepEqual(nextReminderAt(T0, 2, DELAYS), at(4320))
  assert.equal(nextReminderAt(T0, 3, DELAYS), null)
})

const due: Array<[string, number, number, number | null]> = [
  // [case, steps sent, minutes since activity, step due]
  ["nothing before the first delay", 0, 59, null],
  ["the first step at its delay", 0, 60, 1],
  ["the second step once the first was sent", 1, 1440, 2],
  ["not the second before its delay", 1, 1439, null],
  ["several due at once (the store was down): only the latest", 0, 5000, 3],
  ["a sent step is never due again", 3, 99_999, null],
]
for (const [name, sent, minutes, expected] of due) {
  test(`dueStep: ${name}`, () => {
    assert.equal(dueStep(T0, sent, DELAYS, at(minutes)), expected)
  })
}

/** A day after the last step, and a millisecond: when a watch with no activity since T0 closes. */
const EXPIRES = new Date(at(DELAYS[DELAYS.length - 1] + 1440).getTime() + 1)

test("planWatch: a done cart closes, an empty one idles until it expires, else send or wait", () => {
  const watch = { activityAt: T0, stepsSent: 0 }
  assert.deepEqual(watchExpiresAt(T0, DELAYS), EXPIRES)
  assert.deepEqual(planWatch({ closed: true, itemCount: 2 }, watch, DELAYS, at(60)), { kind: "close" })
  assert.deepEqual(planWatch({ closed: false, itemCount: 0 }, watch, DELAYS, at(60)), { kind: "idle", at: EXPIRES })
  assert.deepEqual(planWatch({ closed: false, itemCount: 2 }, watch, DELAYS, at(30)), { kind: "wait", at: at(60) })
  assert.deepEqual(planWatch({ closed: false, itemCount: 2 }, watch, DELAYS, at(61)), { kind: "send", step: 1, next: at(1440) })
  assert.deepEqual(planWatch({ closed: false, itemCount: 2 }, { activityAt: T0, stepsSent: 2 }, DELAYS, at(4320)), {
    kind: "send",
    step: 3,
    next: EXPIRES,
  })
  assert.deepEqual(planWatch({ closed: false, itemCount: 2 }, { activityAt: T0, stepsSent: 3 }, DELAYS, at(4400)), {
    kind: "wait",
    at: EXPIRES,
  })
})

test("a cart whose last step fell due more than a day ago is closed, never reminded (reminders were off, an outage)", () => {
  const last = DELAYS[DELAYS.length - 1]
  const fresh = { activityAt: T0, stepsSent: 0 }
  assert.deepEqual(planWatch({ closed: false, itemCount: 2 }, fresh, DELAYS, at(last + 1440)), { kind: "send", step: 3, next: EXPIRES })
  assert.deepEqual(planWatch({ closed: false, itemCount: 2 }, fresh, DELAYS, at(last + 1441)), { kind: "close" })
  assert.deepEqual(planWatch({ closed: false, itemCount: 2 }, { activityAt: T0, stepsSent: 3 }, DELAYS, at(9999)), { kind: "close" })
})

test("a watch whose steps were all sent, or whose cart sat empty, closes when it expires (it keeps no device alive)", () => {
  assert.deepEqual(planWatch({ closed: false, itemCount: 2 }, { activityAt: T0, stepsSent: 3 }, DELAYS, EXPIRES), { kind: "close" })
  assert.deepEqual(planWatch({ closed: false, itemCount: 0 }, { activityAt: T0, stepsSent: 0 }, DELAYS, EXPIRES), { kind: "close" })
  const justBefore = new Date(EXPIRES.getTime() - 1)
  assert.deepEqual(planWatch({ closed: false, itemCount: 0 }, { activityAt: T0, stepsSent: 0 }, DELAYS, justBefore), {
    kind: "idle",
    at: EXPIRES,
  })
})

test("activity resets the schedule of the steps not yet sent", () => {
  const later = at(100) // a change after the first reminder
  assert.equal(dueStep(later, 1, DELAYS, at(1440)), null, "the second step counts from the change")
  assert.deepEqual(nextReminderAt(later, 1, DELAYS), at(100 + 1440))
})

test("one idempotency key per cart and step", () => {
  assert.equal(reminderKey("cart_1", 1), "cart_1:step-1")
  assert.notEqual(reminderKey("cart_1", 1), reminderKey("cart_1", 2))
})

test("abandoned_cart: defaults, and errors naming the setting", () => {
  assert.deepEqual(resolveAbandonedCart(undefined), { enabled: true, delaysMinutes: [60] })
  assert.deepEqual(resolveAbandonedCart({ delays_minutes: [30, 1440] }), { enabled: true, delaysMinutes: [30, 1440] })
  assert.deepEqual(resolveAbandonedCart({ enabled: false }), { enabled: false, delaysMinutes: [60] })
  const bad: Array<[unknown, string]> = [
    ["yes", "abandoned_cart"],
    [{ delay: [60] }, "abandoned_cart.delay"],
    [{ enabled: "no" }, "abandoned_cart.enabled"],
    [{ delays_minutes: [] }, "abandoned_cart.delays_minutes"],
    [{ delays_minutes: [60, 120, 180, 240] }, "abandoned_cart.delays_minutes"],
    [{ delays_minutes: 60 }, "abandoned_cart.delays_minutes"],
    [{ delays_minutes: [120, 60] }, "abandoned_cart.delays_minutes.1"],
    [{ delays_minutes: [60, 60] }, "abandoned_cart.delays_minutes.1"],
    [{ delays_minutes: [0] }, "abandoned_cart.delays_minutes.0"],
    [{ delays_minutes: [1.5] }, "abandoned_cart.delays_minutes.0"],
    [{ delays_minutes: [43_201] }, "abandoned_cart.delays_minutes.0"],
  ]
  for (const [value, field] of bad) {
    assert.throws(
      () => resolveAbandonedCart(value),
      (e: unknown) => e instanceof PluginOptionsError && e.field === field && e.message.includes(field),
      field
    )
  }
})
