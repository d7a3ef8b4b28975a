import { test } from "node:test"
import assert from "node:assert/strict"
import { classifyError, classifyResponse, type DeliveryOutcome } from "../../src/core/transport/outcome"
import type { PushResult } from "../../src/core/transport/push-transport"
import {
  BATCH_SQL,
  DELIVERY,
  DELIVERY_SQL,
  FAILED_DELIVERY_STATUSES,
  FINISHED_DELIVERY_STATUSES,
  isOpenDeliveryStatus,
  MESSAGE_SQL,
  OPEN_DELIVERY_STATUSES,
  sqlList,
} from "../../src/core/delivery/statuses"
import { PAUSED_REASON, pausedRecord, recordFor, skippedRecord } from "../../src/core/delivery/transitions"
import {
  capFor,
  capSkipReason,
  deviceEffect,
  deviceUpdates,
  isRetired,
  retireCutoff,
  type DeviceEffect,
} from "../../src/core/delivery/device-rules"

const NOW = new Date("2024-05-01T12:00:00Z")
const HOUR = 3_600_000
const policy = { maxAttempts: 3, retryBaseMs: 10_000 }
const delivery = (attempts = 0, pausedBefore = false) => ({ id: "pushdel_1", attempts, paused_before: pausedBefore })
const http = (status: number, headers: Record<string, string> = {}, body = ""): PushResult => ({
  outcome: classifyResponse(status, headers, body, NOW.getTime()),
  statusCode: status,
})
const thrown = (code: string): PushResult => ({ outcome: classifyError(Object.assign(new Error("x"), { code })) })

test("statuses: the open ones are exactly the four the poller and the due index list, the closed ones are not open", () => {
  assert.deepEqual([...OPEN_DELIVERY_STATUSES].sort(), ["pending", "retrying", "scheduled", "sending"])
  for (const status of Object.values(DELIVERY)) {
    const open = (OPEN_DELIVERY_STATUSES as readonly string[]).includes(status)
    assert.equal(isOpenDeliveryStatus(status), open, status)
    if (open) assert.ok(!(FINISHED_DELIVERY_STATUSES as readonly string[]).includes(status), status)
  }
  assert.deepEqual([...FAILED_DELIVERY_STATUSES], ["rejected", "failed"])
  assert.equal(isOpenDeliveryStatus("skipped"), false)
})

test("statuses as SQL: quoted literals and IN lists, nothing that is not a status word", () => {
  assert.equal(DELIVERY_SQL.sending, "'sending'")
  assert.equal(DELIVERY_SQL.open, "'pending', 'sending', 'retrying', 'scheduled'")
  assert.equal(DELIVERY_SQL.failedOnes, "'rejected', 'failed'")
  assert.equal(MESSAGE_SQL.done, "'done'")
  assert.equal(BATCH_SQL.running, "'running'")
  assert.throws(() => sqlList(["x'; DROP TABLE push_delivery; --"]), /not a status/)
})

// recordFor: outcome -> the delivery row's update.
const transitions: Array<[string, PushResult, number, { status: string; error: string | null; code: number | null; retry: boolean }]> = [
  ["201 delivered", http(201), 0, { status: "delivered", error: null, code: 201, retry: false }],
  ["410 gone", http(410), 0, { status: "gone", error: "subscription_gone: HTTP 410", code: 410, retry: false }],
  ["413 rejected", http(413), 0, { status: "rejected", error: "payload_too_large", code: 413, retry: false }],
  ["503 first attempt: retry", http(503), 0, { status: "retrying", error: "push_service_error: HTTP 503", code: 503, retry: true }],
  ["503 on the last attempt: failed", http(503), 2, { status: "failed", error: "push_service_error: HTTP 503", code: 503, retry: false }],
  ["timeout: retry", thrown("ETIMEDOUT"), 1, { status: "retrying", error: "timeout", code: null, retry: true }],
]
for (const [name, result, attempts, want] of transitions) {
  test(`recordFor: ${name}`, () => {
    const record = recordFor(delivery(attempts), result, policy, NOW, () => 0.5)
    assert.equal(record.deliveryId, "pushdel_1")
    assert.equal(record.status, want.status)
    assert.equal(record.statusCode, want.code)
    assert.equal(record.error?.startsWith(want.error ?? "") ?? null, want.error === null ? null : true, String(record.error))
    assert.equal(record.nextAttemptAt !== null, want.retry)
    assert.equal(record.at, NOW)
    assert.equal(record.counted, undefined)
  })
}

test("recordFor: the backoff doubles per attempt with jitter, and a longer Retry-After wins", () => {
  const at = (attempts: number, result: PushResult, random = () => 0.5) =>
    (recordFor(delivery(attempts), result, { maxAttempts: 10, retryBaseMs: 10_000 }, NOW, random).nextAttemptAt?.getTime() ?? 0) -
    NOW.getTime()
  assert.equal(at(0, http(503)), 5_000)
  assert.equal(at(1, http(503)), 10_000)
  assert.equal(at(2, http(503)), 20_000)
  assert.equal(at(0, http(429, { "retry-after": "120" })), 120_000)
})

test("pausedRecord: the first pause is not counted; a later one is, and ends failed at max_attempts", () => {
  const until = new Date(NOW.getTime() + 600_000)
  const first = pausedRecord(delivery(2, false), until, policy, NOW)
  assert.deepEqual(
    { status: first.status, next: first.nextAttemptAt, counted: first.counted, error: first.error },
    { status: "retrying", next: until, counted: false, error: PAUSED_REASON }
  )
  const again = pausedRecord(delivery(1, true), until, policy, NOW, http(500))
  assert.deepEqual(
    { status: again.status, counted: again.counted, code: again.statusCode, error: again.error },
    { status: "retrying", counted: true, code: 500, error: "push_service_paused: push_service_error: HTTP 500" }
  )
  const last = pausedRecord(delivery(2, true), until, policy, NOW)
  assert.deepEqual({ status: last.status, next: last.nextAttemptAt }, { status: "failed", next: null })
})

test("skippedRecord: skipped with the reason, no retry", () => {
  assert.deepEqual(skippedRecord({ id: "pushdel_2" }, "frequency_cap: at most 3 promotions per week", NOW), {
    deliveryId: "pushdel_2",
    status: "skipped",
    statusCode: null,
    error: "frequency_cap: at most 3 promotions per week",
    nextAttemptAt: null,
    at: NOW,
  })
})

// The retire rule: only failures that point at the device, enough of them, the first old enough.
const effects: Array<[string, DeliveryOutcome, DeviceEffect]> = [
  ["delivered", http(201).outcome, "success"],
  ["404", http(404).outcome, "remove"],
  ["400 for this subscription", http(400).outcome, "fault"],
  ["403 (the push service refusing our key)", http(403).outcome, "none"],
  ["503", http(503).outcome, "none"],
  ["429", http(429).outcome, "none"],
  ["network error", thrown("ECONNRESET").outcome, "none"],
]
for (const [name, outcome, want] of effects) {
  test(`deviceEffect: ${name} -> ${want}`, () => assert.equal(deviceEffect(outcome), want))
}

test("isRetired: retire_after_failures in a row, the first at least retire_failing_after_hours old", () => {
  const rule = { retireAfterFailures: 3, retireFailingAfterHours: 72 }
  const ago = (hours: number) => new Date(NOW.getTime() - hours * HOUR)
  assert.equal(retireCutoff(rule, NOW).getTime(), ago(72).getTime())
  assert.equal(isRetired({ consecutiveFailures: 3, firstFailureAt: ago(72) }, rule, NOW), true)
  assert.equal(isRetired({ consecutiveFailures: 9, firstFailureAt: ago(100) }, rule, NOW), true)
  assert.equal(isRetired({ consecutiveFailures: 2, firstFailureAt: ago(100) }, rule, NOW), false)
  assert.equal(isRetired({ consecutiveFailures: 3, firstFailureAt: ago(71) }, rule, NOW), false)
  assert.equal(isRetired({ consecutiveFailures: 3, firstFailureAt: null }, rule, NOW), false)
})

test("frequency caps: per category, none for an uncapped one; skipped once the cap is reached", () => {
  const caps = { promotions: 3, announcements: 1 }
  assert.equal(capFor("promotions", caps), 3)
  assert.equal(capFor("order_updates", caps), undefined)
  assert.equal(capFor(null, caps), undefined)
  assert.equal(capFor("toString", caps), undefined)
  assert.equal(capSkipReason("promotions", 3, 2), undefined)
  assert.equal(capSkipReason("promotions", 3, 3), "frequency_cap: at most 3 promotions per week")
  assert.equal(capSkipReason("announcements", 1, 5), "frequency_cap: at most 1 announcements per week")
})

test("deviceUpdates: one update per device; several faults count once; success and fault together", () => {
  assert.deepEqual(deviceUpdates(["a", "b", "a"], ["b", "c", "c"]), [
    { subscriptionId: "a", success: true, fault: false },
    { subscriptionId: "b", success: true, fault: true },
    { subscriptionId: "c", success: false, fault: true },
  ])
  assert.deepEqual(deviceUpdates([], []), [])
})
