import { test } from "node:test"
import assert from "node:assert/strict"
import { randomBytes } from "node:crypto"
import { parseWebhookSecret, signStandardWebhook, verifyStandardWebhook } from "../../src/core/inbound/standard-webhooks"
import type { RequestHeaders } from "../../src/core/inbound/types"

// The official test vector of the Standard Webhooks libraries ("sign function works").
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
const MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
const TIMESTAMP = 1614265330
const PAYLOAD = '{"test": 2432232314}'
const EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
const KNOWN_INVALID = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="

const key = parseWebhookSecret(SECRET)
const NOW = TIMESTAMP * 1000
const body = Buffer.from(PAYLOAD, "utf8")
const headers = (over: Record<string, string | string[] | undefined> = {}): RequestHeaders => ({
  "webhook-id": MSG_ID,
  "webhook-timestamp": String(TIMESTAMP),
  "webhook-signature": EXPECTED,
  "content-type": "application/json",
  ...over,
})

test("the official test vector: the signature of the spec's message", () => {
  assert.equal(key.length, 24)
  assert.equal(signStandardWebhook(key, MSG_ID, TIMESTAMP, PAYLOAD), EXPECTED)
  assert.equal(signStandardWebhook(key, MSG_ID, TIMESTAMP, body), EXPECTED)
})

test("the official test vector verifies at its own time, with webhook-id as the delivery id", () => {
  assert.deepEqual(verifyStandardWebhook(headers(), body, key, NOW), { ok: true, deliveryId: MSG_ID })
})

const otherKey = parseWebhookSecret(`whsec_${randomBytes(32).toString("base64")}`)
const rotatedIn = signStandardWebhook(otherKey, MSG_ID, TIMESTAMP, PAYLOAD)

// [case, headers, body, now, result: true for accepted, else the reason]
const cases: Array<[string, RequestHeaders, Buffer, number, true | string]> = [
  ["accepted 300 s late", headers(), body, NOW + 300_000, true],
  ["accepted 300 s early", headers(), body, NOW - 300_000, true],
  ["refused a moment past 300 s late", headers(), body, NOW + 300_001, "timestamp_too_old"],
  ["refused a day late", headers(), body, NOW + 86_400_000, "timestamp_too_old"],
  ["refused a moment past 300 s early", headers(), body, NOW - 300_001, "timestamp_in_future"],
  ["a tampered body", headers(), Buffer.from('{"test": 2432232315}'), NOW, "bad_signature"],
  ["the body re-serialised (no space)", headers(), Buffer.from('{"test":2432232314}'), NOW, "bad_signature"],
  ["the libraries' known-invalid signature", headers({ "webhook-signature": KNOWN_INVALID }), body, NOW, "bad_signature"],
  ["signed under another key", headers({ "webhook-signature": rotatedIn }), body, NOW, "bad_signature"],
  ["another message id", headers({ "webhook-id": "msg_other" }), body, NOW, "bad_signature"],
  ["a timestamp one second off", headers({ "webhook-timestamp": String(TIMESTAMP + 1) }), body, NOW, "bad_signature"],
  ["rotation: the new key's signature, then ours", headers({ "webhook-signature": `${rotatedIn} ${EXPECTED}` }), body, NOW, true],
  ["rotation: ours, then the new key's", headers({ "webhook-signature": `${EXPECTED} ${rotatedIn}` }), body, NOW, true],
  ["a v1a (ed25519) entry is skipped", headers({ "webhook-signature": `v1a,${EXPECTED.slice(3)} ${EXPECTED}` }), body, NOW, true],
  ["only a v1a entry, even with our bytes", headers({ "webhook-signature": `v1a,${EXPECTED.slice(3)}` }), body, NOW, "bad_signature"],
  ["a v2 entry is skipped", headers({ "webhook-signature": `v2,${EXPECTED.slice(3)}` }), body, NOW, "bad_signature"],
  ["an entry without a version", headers({ "webhook-signature": EXPECTED.slice(3) }), body, NOW, "bad_signature"],
  ["an entry without padding", headers({ "webhook-signature": EXPECTED.replace(/=$/, "") }), body, NOW, "bad_signature"],
  ["a truncated signature", headers({ "webhook-signature": EXPECTED.slice(0, 20) }), body, NOW, "bad_signature"],
  ["extra spaces between entries", headers({ "webhook-signature": `  ${KNOWN_INVALID}   ${EXPECTED} ` }), body, NOW, true],
  ["header given as an array", headers({ "webhook-signature": [KNOWN_INVALID, EXPECTED] }), body, NOW, true],
  ["repeated lines joined by Node with ', '", headers({ "webhook-signature": `${KNOWN_INVALID}, ${EXPECTED}` }), body, NOW, true],
  ["id given as an array of one", headers({ "webhook-id": [MSG_ID] }), body, NOW, true],
  ["timestamp given as an array of one", headers({ "webhook-timestamp": [String(TIMESTAMP)] }), body, NOW, true],
  ["timestamp repeated", headers({ "webhook-timestamp": [String(TIMESTAMP), String(TIMESTAMP)] }), body, NOW, "bad_timestamp"],
  [
    "header names in another case",
    { "Webhook-Id": MSG_ID, "Webhook-Timestamp": String(TIMESTAMP), "Webhook-Signature": EXPECTED },
    body,
    NOW,
    true,
  ],
  ["no signature", headers({ "webhook-signature": undefined }), body, NOW, "missing_signature"],
  ["an empty signature", headers({ "webhook-signature": "" }), body, NOW, "missing_signature"],
  ["an empty array of signatures", headers({ "webhook-signature": [] }), body, NOW, "missing_signature"],
  ["no id", headers({ "webhook-id": undefined }), body, NOW, "missing_id"],
  ["no timestamp", headers({ "webhook-timestamp": undefined }), body, NOW, "missing_timestamp"],
  ["an id with a space", headers({ "webhook-id": "msg 1" }), body, NOW, "bad_id"],
  ["an id over 200 characters", headers({ "webhook-id": "m".repeat(201) }), body, NOW, "bad_id"],
  ["a timestamp in milliseconds", headers({ "webhook-timestamp": String(NOW) }), body, NOW, "bad_timestamp"],
  ["a fractional timestamp", headers({ "webhook-timestamp": `${TIMESTAMP}.5` }), body, NOW, "bad_timestamp"],
  ["a negative timestamp", headers({ "webhook-timestamp": `-${TIMESTAMP}` }), body, NOW, "bad_timestamp"],
  ["an ISO date", headers({ "webhook-timestamp": "2021-02-25T15:02:10Z" }), body, NOW, "bad_timestamp"],
  ["a timestamp with a space", headers({ "webhook-timestamp": ` ${TIMESTAMP}` }), body, NOW, "bad_timestamp"],
]
for (const [name, given, raw, now, expected] of cases) {
  test(`verifyStandardWebhook: ${name}`, () => {
    const result = verifyStandardWebhook(given, raw, key, now)
    assert.deepEqual(result, expected === true ? { ok: true, deliveryId: MSG_ID } : { ok: false, reason: expected })
  })
}

test("verifyStandardWebhook: the tolerance is a parameter", () => {
  assert.deepEqual(verifyStandardWebhook(headers(), body, key, NOW + 61_000, 60), { ok: false, reason: "timestamp_too_old" })
  assert.deepEqual(verifyStandardWebhook(headers(), body, key, NOW + 3_600_000, 3600), { ok: true, deliveryId: MSG_ID })
})

test("a fresh message signed and verified with a generated secret, the body as UTF-8 bytes", () => {
  const secret = `whsec_${randomBytes(32).toString("base64")}`
  const k = parseWebhookSecret(secret)
  const raw = Buffer.from(JSON.stringify({ title: "Stock low: Käse ☕", body: "Only 3 left" }), "utf8")
  const now = 1_760_000_000_123
  const ts = Math.floor(now / 1000)
  const signed = { "webhook-id": "msg_2x", "webhook-timestamp": String(ts), "webhook-signature": signStandardWebhook(k, "msg_2x", ts, raw) }
  assert.deepEqual(verifyStandardWebhook(signed, raw, k, now), { ok: true, deliveryId: "msg_2x" })
  assert.equal(signStandardWebhook(k, "msg_2x", ts, raw), signStandardWebhook(k, "msg_2x", ts, raw.toString("utf8")))
})

test("parseWebhookSecret: 24 to 64 bytes, with or without padding", () => {
  for (const n of [24, 25, 32, 63, 64]) {
    const bytes = randomBytes(n)
    assert.deepEqual(parseWebhookSecret(`whsec_${bytes.toString("base64")}`), bytes, `${n} bytes`)
    assert.deepEqual(parseWebhookSecret(`whsec_${bytes.toString("base64").replace(/=+$/, "")}`), bytes, `${n} bytes, unpadded`)
  }
})

// [case, secret, what the message names]
const badSecrets: Array<[string, string, RegExp]> = [
  ["empty", "", /starts with "whsec_"/],
  ["the prefix alone", "whsec_", /nothing after/],
  ["no prefix", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", /starts with "whsec_"/],
  ["another prefix", "whsk_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", /starts with "whsec_"/],
  ["base64url characters", `whsec_${"-_".repeat(16)}`, /not base64/],
  ["a space inside", "whsec_MfKQ9r8GKYqr TwjUPD8ILPZIo2LaLaSw", /not base64/],
  ["a trailing newline", `${SECRET}\n`, /not base64/],
  ["padding on a wrong length", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS=", /not base64/],
  ["a non-canonical last character", `whsec_${randomBytes(25).toString("base64").replace(/.==$/, "B==")}`, /last character/],
  ["23 bytes", `whsec_${randomBytes(23).toString("base64")}`, /holds 23 bytes/],
  ["65 bytes", `whsec_${randomBytes(65).toString("base64")}`, /holds 65 bytes/],
]
for (const [name, secret, message] of badSecrets) {
  test(`parseWebhookSecret refuses ${name}`, () => {
    assert.throws(
      () => parseWebhookSecret(secret),
      (error: Error) => {
        assert.match(error.message, message)
        if (secret.length > 12) assert.ok(!error.message.includes(secret.slice(6, 18)), "the message does not quote the secret")
        return true
      }
    )
  })
}

test("verifyStandardWebhook: an empty key verifies nothing, even a signature made with it", () => {
  const empty = Buffer.alloc(0)
  const given = headers({ "webhook-signature": signStandardWebhook(empty, MSG_ID, TIMESTAMP, body) })
  assert.deepEqual(verifyStandardWebhook(given, body, empty, NOW), { ok: false, reason: "bad_signature" })
})
