import { test } from "node:test"
import assert from "node:assert/strict"
import { parseChatwoot, parseChatwootBaseUrl, signChatwoot, verifyChatwoot } from "../../src/core/inbound/chatwoot"
import type { InboundAlert, RequestHeaders } from "../../src/core/inbound/types"

// The `message_created` sample of Chatwoot's webhook docs (docs/product/others/webhook-events.md).
const SAMPLE = {
  event: "message_created",
  id: 118,
  content: "hi",
  created_at: "2021-07-23T18:02:48.000Z",
  message_type: "incoming",
  content_type: "text",
  private: false,
  content_attributes: {},
  source_id: null,
  sender: { id: 14, name: "little-haze-776", avatar: "", type: "contact" },
  inbox: { id: 1, name: "Acme Support" },
  conversation: {
    id: 10,
    inbox_id: 1,
    channel: "Channel::WebWidget",
    status: "open",
    meta: {
      sender: { id: 14, name: "little-haze-776", avatar: "", type: "contact" },
      assignee: { id: 1, name: "John", avatar_url: "", type: "user" },
    },
    messages: [{ id: 118, content: "hi", message_type: 3, created_at: 1627063369, private: false }],
  },
  account: { id: 1, name: "Acme Inc" },
}
const BASE = "https://app.chatwoot.com"
const SECRET = "wh_3d9bXk2qPz7LrT5m"
const TS = 1_627_063_369
const NOW = TS * 1000
const DELIVERY = "5f0c8e1a-3b2d-4c6e-9a7f-1d2e3f4a5b6c"
const raw = Buffer.from(JSON.stringify(SAMPLE), "utf8")

const sampleAlert: InboundAlert = {
  externalId: "chatwoot:1:118",
  title: null,
  name: "little-haze-776",
  text: "hi",
  url: "https://app.chatwoot.com/app/accounts/1/conversations/10",
  kind: null,
}

test("signChatwoot: sha256= and the hex HMAC-SHA256 of `{timestamp}.{body}` under the secret as text", () => {
  // Computed independently: printf '%s' '1627063369.{"a":1}' | openssl dgst -sha256 -hmac 'wh_3d9bXk2qPz7LrT5m'
  assert.equal(signChatwoot(SECRET, TS, '{"a":1}'), "sha256=2eff09bfdc662defd263bc97490613c25d678204923053a746b6b6d8719e0129")
})

const headers = (over: Record<string, string | string[] | undefined> = {}): RequestHeaders => ({
  "content-type": "application/json",
  "x-chatwoot-signature": signChatwoot(SECRET, TS, raw),
  "x-chatwoot-timestamp": String(TS),
  "x-chatwoot-delivery": DELIVERY,
  ...over,
})

// [case, headers, body, now, result: the delivery id when accepted, else the reason]
const verifications: Array<[string, RequestHeaders, Buffer, number, { id: string | null } | string]> = [
  ["the docs sample, signed", headers(), raw, NOW, { id: DELIVERY }],
  ["without a delivery header", headers({ "x-chatwoot-delivery": undefined }), raw, NOW, { id: null }],
  ["a delivery header that is no id", headers({ "x-chatwoot-delivery": "a b" }), raw, NOW, { id: null }],
  [
    "uppercase hex",
    headers({ "x-chatwoot-signature": signChatwoot(SECRET, TS, raw).toUpperCase().replace("SHA256", "sha256") }),
    raw,
    NOW,
    { id: DELIVERY },
  ],
  ["300 s late", headers(), raw, NOW + 300_000, { id: DELIVERY }],
  ["just past 300 s late", headers(), raw, NOW + 300_001, "timestamp_too_old"],
  ["just past 300 s early", headers(), raw, NOW - 300_001, "timestamp_in_future"],
  ["a tampered body", headers(), Buffer.from(JSON.stringify({ ...SAMPLE, content: "hi!" })), NOW, "bad_signature"],
  ["another secret", headers({ "x-chatwoot-signature": signChatwoot("other", TS, raw) }), raw, NOW, "bad_signature"],
  ["the timestamp changed", headers({ "x-chatwoot-timestamp": String(TS + 1) }), raw, NOW, "bad_signature"],
  ["the hex without sha256=", headers({ "x-chatwoot-signature": signChatwoot(SECRET, TS, raw).slice(7) }), raw, NOW, "bad_signature"],
  ["sha1=", headers({ "x-chatwoot-signature": signChatwoot(SECRET, TS, raw).replace("sha256", "sha1") }), raw, NOW, "bad_signature"],
  ["a short signature", headers({ "x-chatwoot-signature": signChatwoot(SECRET, TS, raw).slice(0, 40) }), raw, NOW, "bad_signature"],
  ["the signature as an array of one", headers({ "x-chatwoot-signature": [signChatwoot(SECRET, TS, raw)] }), raw, NOW, { id: DELIVERY }],
  ["no signature (Chatwoot before 4.11.2)", headers({ "x-chatwoot-signature": undefined }), raw, NOW, "missing_signature"],
  ["no timestamp", headers({ "x-chatwoot-timestamp": undefined }), raw, NOW, "missing_timestamp"],
  ["a timestamp that is no integer", headers({ "x-chatwoot-timestamp": "1627063369.0" }), raw, NOW, "bad_timestamp"],
]
for (const [name, given, body, now, expected] of verifications) {
  test(`verifyChatwoot: ${name}`, () => {
    const result = verifyChatwoot(given, body, SECRET, now)
    assert.deepEqual(result, typeof expected === "string" ? { ok: false, reason: expected } : { ok: true, deliveryId: expected.id })
  })
}

test("verifyChatwoot: an empty secret verifies nothing, even a signature made with it", () => {
  const given = headers({ "x-chatwoot-signature": signChatwoot("", TS, raw) })
  assert.deepEqual(verifyChatwoot(given, raw, "", NOW), { ok: false, reason: "bad_signature" })
})

test("verifyChatwoot: the tolerance is a parameter", () => {
  assert.deepEqual(verifyChatwoot(headers(), raw, SECRET, NOW + 31_000, 30), { ok: false, reason: "timestamp_too_old" })
})

test("parseChatwoot: the docs sample is an alert linking to the conversation", () => {
  assert.deepEqual(parseChatwoot(SAMPLE, { baseUrl: BASE }), { kind: "alert", alert: sampleAlert })
})

type Sample = Record<string, unknown>
const withSender = (sender: unknown): Sample => ({ ...SAMPLE, sender })

// [case, payload, base URL, what differs from the sample's alert]
const alerts: Array<[string, unknown, string | null, Partial<InboundAlert>]> = [
  ["no base URL: no link", SAMPLE, null, { url: null }],
  [
    "a self-hosted base with a trailing slash",
    SAMPLE,
    "https://chat.shop.example/",
    { url: "https://chat.shop.example/app/accounts/1/conversations/10" },
  ],
  [
    "a self-hosted base on a sub-path",
    SAMPLE,
    "https://shop.example/chat",
    { url: "https://shop.example/chat/app/accounts/1/conversations/10" },
  ],
  ["a base over http gives no link", SAMPLE, "http://chat.shop.example", { url: null }],
  ["message_type 0", { ...SAMPLE, message_type: 0 }, BASE, {}],
  ["an older payload with display_id", { ...SAMPLE, conversation: { id: 4711, display_id: 10 } }, BASE, {}],
  ["a conversation id that is no positive integer", { ...SAMPLE, conversation: { id: "10" } }, BASE, { url: null }],
  ["a conversation id of 0", { ...SAMPLE, conversation: { id: 0 } }, BASE, { url: null }],
  ["no conversation", { ...SAMPLE, conversation: undefined }, BASE, { url: null }],
  ["an account id that is no integer", { ...SAMPLE, account: { id: 1.5 } }, BASE, { url: null, externalId: null }],
  ["no account", { ...SAMPLE, account: undefined }, BASE, { url: null, externalId: null }],
  ["no message id", { ...SAMPLE, id: undefined }, BASE, { externalId: null }],
  ["private absent (older Chatwoot)", { ...SAMPLE, private: undefined }, BASE, {}],
  ["a sender without a type", withSender({ id: 14, name: "little-haze-776" }), BASE, {}],
  ["a sender type in capitals", withSender({ name: "little-haze-776", type: "Contact" }), BASE, {}],
  ["no sender", withSender(undefined), BASE, { name: "a visitor" }],
  ["a sender without a name", withSender({ type: "contact" }), BASE, { name: "a visitor" }],
  ["a blank sender name", withSender({ name: " \n ", type: "contact" }), BASE, { name: "a visitor" }],
  ["a long sender name is cut to 80", withSender({ name: "N".repeat(100), type: "contact" }), BASE, { name: `${"N".repeat(79)}…` }],
  ["a name with a direction override", withSender({ name: "Eve\u202egnp.exe", type: "contact" }), BASE, { name: "Evegnp.exe" }],
  [
    "lines and tabs collapse",
    { ...SAMPLE, content: "  Hello,\n\n\tis my order\r\nshipped?  " },
    BASE,
    { text: "Hello, is my order shipped?" },
  ],
  ["control characters go", { ...SAMPLE, content: "a\u0000b\u0007c\u009bd" }, BASE, { text: "a b c d" }],
  ["a long message is cut to 300 with …", { ...SAMPLE, content: "x".repeat(1000) }, BASE, { text: `${"x".repeat(299)}…` }],
  ["emoji are not split when cut", { ...SAMPLE, content: "😀".repeat(400) }, BASE, { text: `${"😀".repeat(299)}…` }],
  ["attachments only", { ...SAMPLE, content: null, attachments: [{ id: 1, file_type: "image" }] }, BASE, { text: "(attachment)" }],
  ["text with attachments keeps the text", { ...SAMPLE, attachments: [{ id: 1 }] }, BASE, {}],
]
for (const [name, payload, baseUrl, differs] of alerts) {
  test(`parseChatwoot: ${name}`, () => {
    assert.deepEqual(parseChatwoot(payload, { baseUrl }), {
      kind: "alert",
      alert: { ...sampleAlert, ...(baseUrl === BASE ? {} : { url: null }), ...differs },
    })
  })
}

// [case, payload, reason]
const ignored: Array<[string, unknown, string]> = [
  ["conversation_created", { event: "conversation_created", id: 10, account: { id: 1 } }, "not_a_message"],
  ["message_updated", { ...SAMPLE, event: "message_updated" }, "not_a_message"],
  ["webwidget_triggered", { event: "webwidget_triggered", id: "x" }, "not_a_message"],
  ["an agent's reply", { ...SAMPLE, message_type: "outgoing", sender: { id: 1, name: "John", type: "user" } }, "outgoing"],
  ["message_type 1", { ...SAMPLE, message_type: 1 }, "outgoing"],
  ["an activity message", { ...SAMPLE, message_type: "activity", content: "Conversation was resolved by John" }, "not_a_message"],
  ["a template message", { ...SAMPLE, message_type: "template" }, "not_a_message"],
  ["message_type 2", { ...SAMPLE, message_type: 2 }, "not_a_message"],
  ["a private note", { ...SAMPLE, private: true }, "private_note"],
  ["an incoming message from an agent", withSender({ id: 1, name: "John", type: "user" }), "not_from_contact"],
  ["an incoming message from a bot", withSender({ id: 2, name: "Bot", type: "agent_bot" }), "not_from_contact"],
  ["a sender type that is no string", withSender({ name: "x", type: 1 }), "not_from_contact"],
  ["no content, no attachments", { ...SAMPLE, content: null }, "empty"],
  ["blank content", { ...SAMPLE, content: " \n\t " }, "empty"],
  ["an empty attachments list", { ...SAMPLE, content: "", attachments: [] }, "empty"],
  ["not an object", "message_created", "malformed"],
  ["null", null, "malformed"],
  ["an array", [SAMPLE], "malformed"],
  ["no event", { ...SAMPLE, event: undefined }, "malformed"],
  ["no message_type", { ...SAMPLE, message_type: undefined }, "malformed"],
  ["a message_type object", { ...SAMPLE, message_type: { name: "incoming" } }, "malformed"],
  ["content that is an object", { ...SAMPLE, content: { text: "hi" } }, "malformed"],
  ["a sender that is a string", withSender("little-haze-776"), "malformed"],
]
for (const [name, payload, reason] of ignored) {
  test(`parseChatwoot ignores ${name}: ${reason}`, () => {
    assert.deepEqual(parseChatwoot(payload, { baseUrl: BASE }), { kind: "ignored", reason })
  })
}

test("parseChatwoot never throws on odd shapes", () => {
  const odd: unknown[] = [
    undefined,
    0,
    true,
    [],
    {},
    { event: "message_created" },
    { event: "message_created", message_type: "incoming", sender: [] },
  ]
  const frozen = Object.freeze({ ...SAMPLE, account: Object.freeze({ id: 1 }) })
  for (const payload of [...odd, frozen]) assert.doesNotThrow(() => parseChatwoot(payload, { baseUrl: BASE }))
})

// [given, normalised, or the message's words when refused]
const baseUrls: Array<[string, string | RegExp]> = [
  ["https://app.chatwoot.com", "https://app.chatwoot.com"],
  ["https://app.chatwoot.com/", "https://app.chatwoot.com"],
  ["https://Chat.Shop.Example:8443/support/", "https://chat.shop.example:8443/support"],
  ["http://chat.shop.example", /uses https/],
  ["https://user:pw@chat.shop.example", /no user name or password/],
  ["https://chat.shop.example/?x=1", /query or fragment/],
  ["https://chat.shop.example/#a", /query or fragment/],
  ["chat.shop.example", /absolute URL/],
  ["", /absolute URL/],
  [" https://chat.shop.example", /no spaces/],
]
for (const [given, expected] of baseUrls) {
  test(`parseChatwootBaseUrl: ${JSON.stringify(given)}`, () => {
    if (typeof expected === "string") assert.equal(parseChatwootBaseUrl(given), expected)
    else assert.throws(() => parseChatwootBaseUrl(given), expected)
  })
}
