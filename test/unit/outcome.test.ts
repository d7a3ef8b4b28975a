import { test } from "node:test"
import assert from "node:assert/strict"
import { WebPushError } from "web-push"
import { EndpointForbiddenError, PayloadTooLargeError } from "../../src/core/errors/plugin-errors"
import { classifyError, classifyResponse, type DeliveryOutcome } from "../../src/core/transport/outcome"
import { backoffDelayMs } from "../../src/core/delivery/backoff"

const NOW = Date.parse("2024-05-01T12:00:00Z")

const responses: Array<[number, Record<string, string | string[] | undefined>, string, DeliveryOutcome]> = [
  [200, {}, "", { kind: "delivered" }],
  [201, { location: "https://fcm.googleapis.com/x" }, "", { kind: "delivered" }],
  [202, {}, "", { kind: "delivered" }],
  [404, {}, "not found", { kind: "gone", reason: "subscription_gone: HTTP 404" }],
  [410, {}, "", { kind: "gone", reason: "subscription_gone: HTTP 410" }],
  [429, {}, "", { kind: "retry", reason: "rate_limited: HTTP 429" }],
  [429, { "retry-after": "120" }, "", { kind: "retry", reason: "rate_limited: HTTP 429", retryAfterMs: 120_000 }],
  [429, { "Retry-After": ["30", "60"] }, "", { kind: "retry", reason: "rate_limited: HTTP 429", retryAfterMs: 30_000 }],
  [
    503,
    { "retry-after": "Wed, 01 May 2024 12:05:00 GMT" },
    "",
    { kind: "retry", reason: "push_service_error: HTTP 503", retryAfterMs: 300_000 },
  ],
  [503, { "retry-after": "Wed, 01 May 2024 11:00:00 GMT" }, "", { kind: "retry", reason: "push_service_error: HTTP 503", retryAfterMs: 0 }],
  [502, { "retry-after": "soon" }, "", { kind: "retry", reason: "push_service_error: HTTP 502" }],
  [500, { "retry-after": "-5" }, "", { kind: "retry", reason: "push_service_error: HTTP 500" }],
  [413, {}, "too big", { kind: "rejected", reason: "payload_too_large" }],
  [401, {}, "", { kind: "rejected", reason: "vapid_rejected: HTTP 401" }],
  [403, {}, '{"reason":"BadJwtToken"}', { kind: "rejected", reason: 'vapid_rejected: HTTP 403 {"reason":"BadJwtToken"}' }],
  [400, {}, "invalid\n  header", { kind: "rejected", reason: "bad_request: HTTP 400 invalid header" }],
  [406, {}, "", { kind: "rejected", reason: "push_rejected: HTTP 406" }],
  [301, {}, "", { kind: "rejected", reason: "push_rejected: HTTP 301" }],
]
for (const [status, headers, body, expected] of responses) {
  test(`classifyResponse ${status} ${JSON.stringify(headers)}`, () => {
    assert.deepEqual(classifyResponse(status, headers, body, NOW), expected)
  })
}

test("reasons mask URLs and truncate bodies to 200 characters", () => {
  const endpoint = "https://fcm.googleapis.com/fcm/send/SECRET_TOKEN"
  const out = classifyResponse(400, {}, `bad subscription ${endpoint} ${"x".repeat(500)}`, NOW)
  assert.equal(out.kind, "rejected")
  assert.ok(out.kind === "rejected")
  assert.doesNotMatch(out.reason, /SECRET_TOKEN/)
  assert.match(out.reason, /\[url\]/)
  assert.ok(out.reason.length <= "bad_request: HTTP 400 ".length + 201, String(out.reason.length))
})

test("classifyError maps web-push WebPushError through classifyResponse, without the endpoint", () => {
  const endpoint = "https://updates.push.services.mozilla.com/wpush/v2/SECRET"
  const gone = new WebPushError("Received unexpected response code", 410, {}, "", endpoint)
  assert.deepEqual(classifyError(gone), { kind: "gone", reason: "subscription_gone: HTTP 410" })
  const limited = new WebPushError("Received unexpected response code", 429, { "retry-after": "7" }, "", endpoint)
  assert.deepEqual(classifyError(limited), { kind: "retry", reason: "rate_limited: HTTP 429", retryAfterMs: 7000 })
  const forbidden = new WebPushError("x", 403, {}, `refused for ${endpoint}`, endpoint)
  const out = classifyError(forbidden)
  assert.equal(out.kind, "rejected")
  assert.doesNotMatch(JSON.stringify(out), /SECRET/)
})

const errors: Array<[string, unknown, DeliveryOutcome]> = [
  ["ETIMEDOUT", Object.assign(new Error("t"), { code: "ETIMEDOUT" }), { kind: "retry", reason: "timeout: ETIMEDOUT" }],
  ["web-push socket timeout", new Error("Socket timeout"), { kind: "retry", reason: "timeout" }],
  ["AbortSignal timeout", Object.assign(new Error("aborted"), { name: "TimeoutError" }), { kind: "retry", reason: "timeout" }],
  ["ECONNRESET", Object.assign(new Error("r"), { code: "ECONNRESET" }), { kind: "retry", reason: "network_error: ECONNRESET" }],
  ["ECONNREFUSED", Object.assign(new Error("r"), { code: "ECONNREFUSED" }), { kind: "retry", reason: "network_error: ECONNREFUSED" }],
  ["ENOTFOUND", Object.assign(new Error("r"), { code: "ENOTFOUND" }), { kind: "retry", reason: "network_error: ENOTFOUND" }],
  ["EAI_AGAIN", Object.assign(new Error("r"), { code: "EAI_AGAIN" }), { kind: "retry", reason: "network_error: EAI_AGAIN" }],
  [
    "code in cause",
    new Error("fetch failed", { cause: Object.assign(new Error("x"), { code: "ECONNRESET" }) }),
    { kind: "retry", reason: "network_error: ECONNRESET" },
  ],
  [
    "endpoint forbidden",
    new EndpointForbiddenError("private_address", "no"),
    { kind: "rejected", reason: "endpoint_forbidden: private_address" },
  ],
  ["payload too large", new PayloadTooLargeError(5000, 3072), { kind: "rejected", reason: "payload_too_large" }],
  ["plain error", new Error("boom"), { kind: "rejected", reason: "unexpected_error" }],
  ["string", "boom", { kind: "rejected", reason: "unexpected_error" }],
  ["null", null, { kind: "rejected", reason: "unexpected_error" }],
  [
    "unknown code, named in the reason",
    Object.assign(new Error("x"), { code: "ERR_SOMETHING" }),
    { kind: "rejected", reason: "unexpected_error: ERR_SOMETHING" },
  ],
  [
    "code that is not a plain code",
    Object.assign(new Error("x"), { code: "https://push.example/secret" }),
    { kind: "rejected", reason: "unexpected_error" },
  ],
]
for (const [name, err, expected] of errors) {
  test(`classifyError ${name}`, () => {
    assert.deepEqual(classifyError(err), expected)
  })
}

test("backoffDelayMs grows exponentially with full jitter and a cap", () => {
  const top = (): number => 0.999999
  const table: Array<[number, number]> = [
    [1, 10_000],
    [2, 20_000],
    [3, 40_000],
    [10, 3_600_000],
    [1000, 3_600_000],
  ]
  for (const [attempt, cap] of table) {
    const d = backoffDelayMs(attempt, { random: top })
    assert.ok(d <= cap && d >= cap * 0.999, `attempt ${attempt}: ${d}`)
    assert.equal(backoffDelayMs(attempt, { random: () => 0 }), 0)
  }
  assert.equal(backoffDelayMs(3, { baseMs: 1000, maxMs: 3000, random: () => 0.5 }), 1500)
  assert.equal(backoffDelayMs(0, { baseMs: 1000, random: () => 0.5 }), 500)
  assert.equal(backoffDelayMs(Number.NaN, { baseMs: 1000, random: () => 0.5 }), 500)
})

test("backoffDelayMs stays within bounds with real randomness", () => {
  for (let i = 0; i < 1000; i++) {
    const d = backoffDelayMs(4, { baseMs: 100, maxMs: 10_000 })
    assert.ok(Number.isInteger(d) && d >= 0 && d <= 800)
  }
})

test("backoffDelayMs: a longer Retry-After wins", () => {
  assert.equal(backoffDelayMs(1, { random: () => 0.5, retryAfterMs: 60_000 }), 60_000)
  assert.equal(backoffDelayMs(1, { random: () => 0.5, retryAfterMs: 1_000 }), 5_000)
})
