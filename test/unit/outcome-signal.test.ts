import { test } from "node:test"
import assert from "node:assert/strict"
import { EndpointForbiddenError, PayloadTooLargeError } from "../../src/core/errors/plugin-errors"
import { classifyError, classifyResponse, type DeliveryOutcome } from "../../src/core/transport/outcome"
import {
  endpointOrigin,
  outcomeForDevice,
  pauseDurationMs,
  pauseRule,
  reasonLabel,
  shouldPause,
  signalOf,
  type OutcomeSignal,
} from "../../src/core/delivery/outcome-signal"

const NOW = Date.parse("2024-05-01T12:00:00Z")
const http = (status: number, body = ""): DeliveryOutcome => classifyResponse(status, {}, body, NOW)
const thrown = (code: string): DeliveryOutcome => classifyError(Object.assign(new Error("x"), { code }))

// Which outcomes point at the device (the retire rule) and which at the push service (the pause).
const cases: Array<[string, DeliveryOutcome, OutcomeSignal]> = [
  ["201 delivered", http(201), "delivered"],
  ["404 gone", http(404), "gone"],
  ["410 gone", http(410), "gone"],
  ["400 for this subscription (BadDeviceToken)", http(400, '{"reason":"BadDeviceToken"}'), "device"],
  ["401 VAPID rejected", http(401), "push_service"],
  ["403 VAPID rejected (Apple refusing the subject)", http(403, '{"reason":"BadJwtToken"}'), "push_service"],
  ["500", http(500), "push_service"],
  ["503", http(503), "push_service"],
  ["timeout", thrown("ETIMEDOUT"), "push_service"],
  ["socket timeout", classifyError(new Error("Socket timeout")), "push_service"],
  ["connection refused", thrown("ECONNREFUSED"), "push_service"],
  ["DNS failure", thrown("ENOTFOUND"), "push_service"],
  ["TLS: certificate expired (a CA problem)", thrown("CERT_HAS_EXPIRED"), "push_service"],
  ["429 rate limited", http(429), "neutral"],
  ["413 payload too large", http(413), "neutral"],
  ["406 other 4xx", http(406), "neutral"],
  [
    "endpoint refused by the policy",
    classifyError(new EndpointForbiddenError("private_address", "resolves to a private address")),
    "neutral",
  ],
  ["payload over the limit", classifyError(new PayloadTooLargeError(5000, 4096)), "neutral"],
  ["frequency cap", { kind: "rejected", reason: "frequency_cap: at most 2 promotions per week" }, "neutral"],
  ["paused push service", { kind: "retry", reason: "push_service_paused" }, "neutral"],
  ["redirect refused", { kind: "rejected", reason: "redirect_refused" }, "neutral"],
  ["message missing", { kind: "rejected", reason: "message_missing" }, "neutral"],
]
for (const [name, outcome, expected] of cases) {
  test(`signalOf: ${name} -> ${expected}`, () => {
    assert.equal(signalOf(outcome), expected)
  })
}

test("reasonLabel takes the stable label before the first colon", () => {
  assert.equal(reasonLabel('vapid_rejected: HTTP 403 {"a":"b: c"}'), "vapid_rejected")
  assert.equal(reasonLabel("timeout"), "timeout")
})

test("shouldPause: at least minOutcomes, and 80% of them push-service failures", () => {
  const rule = pauseRule(10, 60_000)
  assert.equal(shouldPause({ total: 9, faults: 9 }, rule), false, "too few to tell")
  assert.equal(shouldPause({ total: 10, faults: 8 }, rule), true)
  assert.equal(shouldPause({ total: 10, faults: 7 }, rule), false)
  assert.equal(shouldPause({ total: 50, faults: 40 }, rule), true)
})

test("shouldPause: 400s from nearly every device in a run pause too (a store-side fault)", () => {
  const rule = pauseRule(10, 60_000)
  assert.equal(shouldPause({ total: 10, faults: 0, badRequests: 8 }, rule), true)
  assert.equal(shouldPause({ total: 10, faults: 0, badRequests: 7 }, rule), false)
  assert.equal(shouldPause({ total: 9, faults: 0, badRequests: 9 }, rule), false, "too few to tell")
})

test("outcomeForDevice: a VAPID rejection of a device that succeeded before is a counted retry, else final", () => {
  for (const status of [401, 403]) {
    const rejected = http(status, '{"reason":"BadJwtToken"}')
    assert.equal(rejected.kind, "rejected")
    const proven = outcomeForDevice(rejected, true)
    assert.equal(proven.kind, "retry")
    assert.equal(signalOf(proven), "push_service", "still a push-service fault for the pause")
    assert.deepEqual(outcomeForDevice(rejected, false), rejected, "a device that never succeeded: final, as before")
  }
  for (const other of [http(400), http(413), http(404), http(500), http(201)]) {
    assert.deepEqual(outcomeForDevice(other, true), other)
  }
})

test("pauseDurationMs doubles after each failed probe, up to 8 times the first", () => {
  const rule = pauseRule(10, 60_000)
  assert.deepEqual(
    [0, 1, 2, 3, 4, 10, 1000].map((n) => pauseDurationMs(n, rule)),
    [60_000, 120_000, 240_000, 480_000, 480_000, 480_000, 480_000]
  )
})

test("endpointOrigin keeps the origin only (never the capability path)", () => {
  assert.equal(endpointOrigin("https://fcm.googleapis.com/fcm/send/SECRET"), "https://fcm.googleapis.com")
  assert.equal(endpointOrigin("https://localhost:8443/push/abc"), "https://localhost:8443")
  assert.equal(endpointOrigin("not a url"), null)
})
