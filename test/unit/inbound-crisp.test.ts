import { test } from "node:test"
import assert from "node:assert/strict"
import { createHmac } from "node:crypto"
import { parseCrisp, signCrisp, verifyCrisp } from "../../src/core/inbound/crisp"
import type { InboundAlert, RequestHeaders } from "../../src/core/inbound/types"

// The `message:send` example of Crisp's Web Hooks quickstart (docs.crisp.chat/guides/web-hooks/quickstart).
const SAMPLE = {
  website_id: "42286ab3-b29a-4fde-8538-da0ae501d825",
  event: "message:send",
  data: {
    website_id: "42286ab3-b29a-4fde-8538-da0ae501d825",
    session_id: "session_36ba3566-9651-4790-afc8-ffedbccc317f",
    type: "text",
    content: "Hey :)",
    from: "user",
    origin: "chat",
    stamped: true,
    timestamp: 1506985696616,
    fingerprint: 150698569649423,
    user: { nickname: "visitor493603", user_id: "session_36ba3566-9651-4790-afc8-ffedbccc317f" },
  },
  timestamp: 1506985696616,
}
const SECRET = "crisp_plugin_secret_7f3a"
const NOW_MS = 1_506_985_696_616
const raw = Buffer.from(JSON.stringify(SAMPLE), "utf8")

const sampleAlert: InboundAlert = {
  externalId: "crisp:session_36ba3566-9651-4790-afc8-ffedbccc317f:150698569649423",
  title: null,
  name: "visitor493603",
  text: "Hey :)",
  url: "https://app.crisp.chat/website/42286ab3-b29a-4fde-8538-da0ae501d825/inbox/session_36ba3566-9651-4790-afc8-ffedbccc317f/",
  kind: null,
}

test("signCrisp: lowercase hex HMAC-SHA256 of `[timestamp;body]` under the secret as text", () => {
  // Computed independently: printf '%s' '[1506985696616;{"a":1}]' | openssl dgst -sha256 -hmac 'crisp_plugin_secret_7f3a'
  const expected = "6e6c1bf688b79bf3acdb5732cee6ecb89ebf1444153aabe44796f4ed7d5b53a9"
  assert.equal(signCrisp(SECRET, 1506985696616, '{"a":1}'), expected)
  assert.equal(signCrisp(SECRET, "1506985696616", Buffer.from('{"a":1}')), expected)
})

const signedAt = (timestamp: string, over: Record<string, string | string[] | undefined> = {}): RequestHeaders => ({
  "content-type": "application/json",
  "x-crisp-hook-origin": "plugin",
  "x-crisp-request-timestamp": timestamp,
  "x-crisp-signature": signCrisp(SECRET, timestamp, raw),
  ...over,
})
const MS = String(NOW_MS)
const SEC = String(Math.floor(NOW_MS / 1000))

// [case, headers, body, now, accepted or the reason]
const verifications: Array<[string, RequestHeaders, Buffer, number, true | string]> = [
  ["the quickstart sample, timestamp in ms", signedAt(MS), raw, NOW_MS, true],
  ["timestamp in seconds", signedAt(SEC), raw, NOW_MS, true],
  ["ms, 300 s late", signedAt(MS), raw, NOW_MS + 300_000, true],
  ["ms, just past 300 s late", signedAt(MS), raw, NOW_MS + 300_001, "timestamp_too_old"],
  ["ms, just past 300 s early", signedAt(MS), raw, NOW_MS - 300_001, "timestamp_in_future"],
  ["seconds, an hour late", signedAt(SEC), raw, NOW_MS + 3_600_000, "timestamp_too_old"],
  ["seconds, an hour early", signedAt(SEC), raw, NOW_MS - 3_600_000, "timestamp_in_future"],
  ["uppercase hex", signedAt(MS, { "x-crisp-signature": signCrisp(SECRET, MS, raw).toUpperCase() }), raw, NOW_MS, true],
  ["a tampered body", signedAt(MS), Buffer.from(JSON.stringify({ ...SAMPLE, event: "message:sent" })), NOW_MS, "bad_signature"],
  ["the body re-serialised with spaces", signedAt(MS), Buffer.from(JSON.stringify(SAMPLE, null, 1)), NOW_MS, "bad_signature"],
  ["another secret", signedAt(MS, { "x-crisp-signature": signCrisp("other", MS, raw) }), raw, NOW_MS, "bad_signature"],
  [
    "signed without the brackets",
    signedAt(MS, { "x-crisp-signature": createHmac("sha256", SECRET).update(`${MS};${raw}`).digest("hex") }),
    raw,
    NOW_MS,
    "bad_signature",
  ],
  ["the timestamp changed", signedAt(MS, { "x-crisp-request-timestamp": String(NOW_MS + 1) }), raw, NOW_MS, "bad_signature"],
  [
    "a base64 signature",
    signedAt(MS, { "x-crisp-signature": Buffer.from(signCrisp(SECRET, MS, raw), "hex").toString("base64") }),
    raw,
    NOW_MS,
    "bad_signature",
  ],
  ["sha256= in front", signedAt(MS, { "x-crisp-signature": `sha256=${signCrisp(SECRET, MS, raw)}` }), raw, NOW_MS, "bad_signature"],
  ["no signature (a website hook)", signedAt(MS, { "x-crisp-signature": undefined }), raw, NOW_MS, "missing_signature"],
  ["no timestamp", signedAt(MS, { "x-crisp-request-timestamp": undefined }), raw, NOW_MS, "missing_timestamp"],
  ["a timestamp that is no integer", signedAt("1506985696.616"), raw, NOW_MS, "bad_timestamp"],
  ["the signature as an array of one", signedAt(MS, { "x-crisp-signature": [signCrisp(SECRET, MS, raw)] }), raw, NOW_MS, true],
]
for (const [name, given, body, now, expected] of verifications) {
  test(`verifyCrisp: ${name}`, () => {
    assert.deepEqual(
      verifyCrisp(given, body, SECRET, now),
      expected === true ? { ok: true, deliveryId: null } : { ok: false, reason: expected }
    )
  })
}

test("verifyCrisp: an empty secret verifies nothing, even a signature made with it", () => {
  assert.deepEqual(verifyCrisp(signedAt(MS, { "x-crisp-signature": signCrisp("", MS, raw) }), raw, "", NOW_MS), {
    ok: false,
    reason: "bad_signature",
  })
})

test("parseCrisp: the quickstart sample is an alert linking to the conversation", () => {
  assert.deepEqual(parseCrisp(SAMPLE), { kind: "alert", alert: sampleAlert })
})

type Data = Record<string, unknown>
const withData = (over: Data): unknown => ({ ...SAMPLE, data: { ...SAMPLE.data, ...over } })

// [case, payload, what differs from the sample's alert]
const alerts: Array<[string, unknown, Partial<InboundAlert>]> = [
  ["a file", withData({ type: "file", content: { name: "invoice.pdf", url: "https://x", type: "application/pdf" } }), { text: "(file)" }],
  ["an animation", withData({ type: "animation", content: { url: "https://x", type: "image/gif" } }), { text: "(animation)" }],
  ["a type with odd characters", withData({ type: "Карусель", content: {} }), { text: "(message)" }],
  ["no nickname", withData({ user: { user_id: "session_x" } }), { name: "a visitor" }],
  ["no user", withData({ user: undefined }), { name: "a visitor" }],
  ["a nickname with a newline", withData({ user: { nickname: "Ana\nMaria" } }), { name: "Ana Maria" }],
  ["a long message cut to 300", withData({ content: "word ".repeat(100) }), { text: `${"word ".repeat(60).slice(0, 299).trimEnd()}…` }],
  ["the fingerprint as a string of digits", withData({ fingerprint: "150698569649423" }), {}],
  ["no fingerprint: no external id", withData({ fingerprint: undefined }), { externalId: null }],
  ["a fractional fingerprint: no external id", withData({ fingerprint: 1.5 }), { externalId: null }],
  ["a session id with a slash: no link, no id", withData({ session_id: "session_../../x" }), { externalId: null, url: null }],
  ["no session id", withData({ session_id: undefined }), { externalId: null, url: null }],
  ["a website id with a dot at the top, the one in data used", { ...SAMPLE, website_id: "../x" }, {}],
  ["no website id anywhere: no link", { ...(withData({ website_id: undefined }) as Data), website_id: undefined }, { url: null }],
]
for (const [name, payload, differs] of alerts) {
  test(`parseCrisp: ${name}`, () => {
    assert.deepEqual(parseCrisp(payload), { kind: "alert", alert: { ...sampleAlert, ...differs } })
  })
}

// [case, payload, reason]
const ignored: Array<[string, unknown, string]> = [
  ["an operator's reply", { ...(withData({ from: "operator", content: "Hello!" }) as Data), event: "message:received" }, "outgoing"],
  ["a private note", { ...(withData({ from: "operator", type: "note", content: "VIP" }) as Data), event: "message:received" }, "outgoing"],
  ["message:send that is not from a visitor", withData({ from: "operator" }), "not_from_contact"],
  ["message:send with a note", withData({ type: "note" }), "private_note"],
  ["session:set_email", { ...SAMPLE, event: "session:set_email", data: { email: "a@b.example" } }, "not_a_message"],
  ["message:updated", { ...SAMPLE, event: "message:updated" }, "not_a_message"],
  ["empty text", withData({ content: " \n " }), "empty"],
  ["text whose content is an object", withData({ content: { text: "hi" } }), "malformed"],
  ["no data", { ...SAMPLE, data: undefined }, "malformed"],
  ["data without a type", withData({ type: undefined }), "malformed"],
  ["no event", { ...SAMPLE, event: undefined }, "malformed"],
  ["not an object", "message:send", "malformed"],
  ["null", null, "malformed"],
]
for (const [name, payload, reason] of ignored) {
  test(`parseCrisp ignores ${name}: ${reason}`, () => {
    assert.deepEqual(parseCrisp(payload), { kind: "ignored", reason })
  })
}
