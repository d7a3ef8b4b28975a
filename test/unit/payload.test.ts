import { test } from "node:test"
import assert from "node:assert/strict"
import { PayloadTooLargeError } from "../../src/core/errors/plugin-errors"
import { ENCRYPTION_OVERHEAD_BYTES } from "../../src/core/transport/encrypt"
import {
  buildPayload,
  MAX_PAYLOAD_BYTES,
  SMALLEST_PUSH_SERVICE_BODY_BYTES,
  type NotificationPayload,
} from "../../src/core/templates/payload"

const base: NotificationPayload = {
  title: "Order #1042 has shipped",
  body: "Your order is on its way.",
  url: "https://shop.dev/order/confirmed/order_01",
  tag: "order-order_01",
  timestamp: 1_700_000_000_000,
}

const bytes = (s: string): number => Buffer.byteLength(s, "utf8")

test("small payloads: the declarative message and the old fields beside it, undefined fields dropped", () => {
  const data = { orderId: "order_01", n: 1, ok: true, none: null }
  const json = buildPayload({ ...base, icon: undefined, lang: "fr", data })
  assert.deepEqual(JSON.parse(json), {
    web_push: 8030,
    notification: {
      title: base.title,
      body: base.body,
      navigate: base.url,
      lang: "fr",
      dir: "ltr",
      tag: base.tag,
      timestamp: base.timestamp,
      data,
    },
    title: base.title,
    body: base.body,
    url: base.url,
    tag: base.tag,
    renotify: false,
    timestamp: base.timestamp,
    data,
  })
  assert.doesNotMatch(json, /icon/)
})

test("without any URL there is no declarative part (the format requires one): the old fields alone", () => {
  const parsed = JSON.parse(buildPayload({ title: "Hi", body: "", timestamp: 1 })) as Record<string, unknown>
  assert.deepEqual(parsed, { title: "Hi", body: "", timestamp: 1 })
})

test("MAX_PAYLOAD_BYTES: what fits Mozilla's 3,070-byte limit for Firefox on Android once encrypted", () => {
  assert.equal(SMALLEST_PUSH_SERVICE_BODY_BYTES, 3070)
  assert.equal(ENCRYPTION_OVERHEAD_BYTES, 103)
  assert.equal(MAX_PAYLOAD_BYTES, 2967)
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
    const parsed = JSON.parse(json) as NotificationPayload & { notification: { title: string; body: string } }
    assert.equal(parsed.title, base.title)
    assert.ok(parsed.body.endsWith("…"))
    assert.equal(parsed.notification.body, parsed.body, "both shapes carry the same shortened body")
    assert.equal(parsed.notification.title, base.title)
    const kept = parsed.body.slice(0, -1)
    assert.ok(body.startsWith(kept), "kept text is a prefix of the original")
    assert.doesNotMatch(parsed.body, /\uFFFD/)
    assert.doesNotMatch(parsed.body, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/, "no lone surrogates")
    // As long as possible: one more character of body would not fit.
    assert.ok(bytes(json) > MAX_PAYLOAD_BYTES - 80, `${bytes(json)} bytes is suspiciously short`)
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
