import { test } from "node:test"
import assert from "node:assert/strict"
import { PayloadTooLargeError } from "../../src/core/errors/plugin-errors"
import { buildPayload, MAX_PAYLOAD_BYTES, type NotificationPayload } from "../../src/core/templates/payload"

const base: NotificationPayload = {
  title: "Order #1042 has shipped",
  body: "Your order is on its way.",
  url: "https://shop.dev/order/confirmed/order_01",
  tag: "order-order_01",
  timestamp: 1_700_000_000_000,
}

const bytes = (s: string): number => Buffer.byteLength(s, "utf8")

test("small payloads are plain JSON with undefined fields dropped", () => {
  const json = buildPayload({ ...base, icon: undefined, data: { orderId: "order_01", n: 1, ok: true, none: null } })
  assert.deepEqual(JSON.parse(json), { ...base, data: { orderId: "order_01", n: 1, ok: true, none: null } })
  assert.doesNotMatch(json, /icon/)
})

test("MAX_PAYLOAD_BYTES is 3 KB", () => {
  assert.equal(MAX_PAYLOAD_BYTES, 3072)
})

const texts: Array<[string, string]> = [
  ["ascii", "a".repeat(5000)],
  ["accented (2-byte)", "é".repeat(4000)],
  ["CJK (3-byte)", "注文".repeat(2000)],
  ["emoji (4-byte, surrogate pairs)", "📦".repeat(2000)],
  ["ZWJ family emoji", "👨‍👩‍👧‍👦".repeat(500)],
  ["flags", "🇫🇷🇯🇵".repeat(800)],
  ["json escapes", '"\\\n'.repeat(2000)],
  ["mixed", 'Grüße 📦 注文 "quoted" '.repeat(300)],
]
for (const [name, body] of texts) {
  test(`long ${name} body is shortened to fit on a character boundary`, () => {
    const json = buildPayload({ ...base, body })
    assert.ok(bytes(json) <= MAX_PAYLOAD_BYTES, `${bytes(json)} bytes`)
    const parsed = JSON.parse(json) as NotificationPayload
    assert.equal(parsed.title, base.title)
    assert.ok(parsed.body.endsWith("…"))
    const kept = parsed.body.slice(0, -1)
    assert.ok(body.startsWith(kept), "kept text is a prefix of the original")
    assert.doesNotMatch(parsed.body, /\uFFFD/)
    assert.doesNotMatch(parsed.body, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/, "no lone surrogates")
    // As long as possible: one more character of body would not fit.
    assert.ok(bytes(json) > MAX_PAYLOAD_BYTES - 40, `${bytes(json)} bytes is suspiciously short`)
  })
}

test("grapheme clusters are not split", () => {
  const family = "👨‍👩‍👧‍👦"
  const json = buildPayload({ ...base, body: family.repeat(200) }, 600)
  const body = (JSON.parse(json) as NotificationPayload).body.slice(0, -1)
  assert.equal(body.length % family.length, 0)
})

test("title is shortened when the body alone cannot make room", () => {
  const json = buildPayload({ ...base, title: "T".repeat(4000), body: "B".repeat(4000) })
  const parsed = JSON.parse(json) as NotificationPayload
  assert.ok(bytes(json) <= MAX_PAYLOAD_BYTES)
  assert.equal(parsed.body, "")
  assert.ok(parsed.title.startsWith("TTT") && parsed.title.endsWith("…"))
})

test("a small custom limit is honoured", () => {
  const json = buildPayload({ title: "Hello", body: "x".repeat(100), timestamp: 1 }, 80)
  assert.ok(bytes(json) <= 80)
})

test("throws PayloadTooLargeError when other fields alone are too big", () => {
  assert.throws(
    () => buildPayload({ ...base, url: `https://shop.dev/${"u".repeat(4000)}` }),
    (err: unknown) => err instanceof PayloadTooLargeError && err.code === "payload_too_large" && err.maxBytes === MAX_PAYLOAD_BYTES
  )
  assert.throws(() => buildPayload({ ...base, data: { blob: "x".repeat(5000) } }), PayloadTooLargeError)
})
