import { test } from "node:test"
import assert from "node:assert/strict"
import { randomBytes } from "node:crypto"
import { CLICK_TOKEN, clickToken, clickTokenKey, clickTokenMatches } from "../../src/core/security/click-token"
import { clickRedirectUrl } from "../../src/core/security/click-link"
import { buildPayload, MAX_PAYLOAD_BYTES, type NotificationPayload } from "../../src/core/templates/payload"

const key = clickTokenKey(randomBytes(32).toString("base64url"))
const otherKey = clickTokenKey(randomBytes(32).toString("base64url"))

test("a click token differs per delivery and per key, and is the same for the same both", () => {
  const a = clickToken("pushdel_01A", key)
  assert.match(a, CLICK_TOKEN)
  assert.equal(clickToken("pushdel_01A", key), a)
  assert.notEqual(clickToken("pushdel_01B", key), a)
  assert.notEqual(clickToken("pushdel_01A", otherKey), a)
  assert.ok(!a.includes("pushdel"), "the token does not carry the delivery id")
})

test("the key is derived from the VAPID private key: same key, same derivation; another key, another", () => {
  const vapid = randomBytes(32).toString("base64url")
  assert.deepEqual(clickTokenKey(vapid), clickTokenKey(vapid))
  assert.notDeepEqual(clickTokenKey(vapid), clickTokenKey(randomBytes(32).toString("base64url")))
  assert.equal(clickTokenKey(vapid).length, 32)
})

const refusals: Array<[string, string]> = [
  ["another delivery's token", clickToken("pushdel_01B", key)],
  ["the token under another key", clickToken("pushdel_01A", otherKey)],
  ["empty", ""],
  ["the delivery id itself", "pushdel_01A"],
  ["one character changed", clickToken("pushdel_01A", key).replace(/^./, (c) => (c === "A" ? "B" : "A"))],
  ["too long", `${clickToken("pushdel_01A", key)}A`],
  ["not base64url", `${clickToken("pushdel_01A", key).slice(0, 42)}+`],
]
for (const [name, token] of refusals) {
  test(`clickTokenMatches refuses ${name}`, () => {
    assert.equal(clickTokenMatches("pushdel_01A", token, key), false)
  })
}

test("clickTokenMatches accepts the delivery's own token", () => {
  assert.equal(clickTokenMatches("pushdel_01A", clickToken("pushdel_01A", key), key), true)
})

// The budget: 2,967 bytes (3,070 once encrypted, Firefox for Android's limit). A 1,024-character link
// is written once (the old-shape `url`); the declarative `navigate` is the short click link; the
// ids and the token go twice (both shapes' `data`), about 200 bytes each with their keys; title
// and body go twice and share what is left, the body shortened first.
test("payload budget: with the click token, a template link of the largest length still fits with its title; the token is never shortened", () => {
  const token = clickToken("pushdel_01JABCDEFGHJKMNPQRSTVWXYZ0", key)
  const url = `https://shop.example/${"u".repeat(1024 - "https://shop.example/".length)}`
  const deliveryId = `pushdel_${"D".repeat(60)}`
  const n: NotificationPayload = {
    title: "T".repeat(200),
    body: "B".repeat(1000),
    url,
    navigate: clickRedirectUrl("https://api.shop.example", deliveryId, token),
    lang: "en",
    icon: "https://shop.example/static/icon-192.png",
    tag: `order-${"x".repeat(60)}`,
    renotify: true,
    mutable: true,
    timestamp: 1_700_000_000_000,
    data: { message_id: `pushmsg_${"M".repeat(60)}`, delivery_id: deliveryId, click_token: token },
  }
  const json = buildPayload(n)
  assert.ok(Buffer.byteLength(json) <= MAX_PAYLOAD_BYTES)
  const parsed = JSON.parse(json) as NotificationPayload
  assert.equal(parsed.data?.click_token, token)
  assert.equal(parsed.title, n.title, "the title is kept; only the body was shortened")
  assert.ok(parsed.body.length > 200, `a readable body is left (${parsed.body.length} characters)`)
})
