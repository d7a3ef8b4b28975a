import { test } from "node:test"
import assert from "node:assert/strict"
import { decodeBase64Url, encodeBase64Url } from "../../src/core/keys/base64url"
import { InvalidSubscriptionError } from "../../src/core/errors/plugin-errors"

test("round-trips bytes without padding", () => {
  for (let len = 0; len < 20; len++) {
    const buf = Buffer.from(Array.from({ length: len }, (_, i) => (i * 37 + 250) % 256))
    const text = encodeBase64Url(buf)
    assert.doesNotMatch(text, /[=+/]/)
    if (len > 0) assert.deepEqual(decodeBase64Url(text, "f"), buf)
  }
})

test("tolerates trailing padding", () => {
  assert.deepEqual(decodeBase64Url("AQ==", "f"), Buffer.from([1]))
  assert.deepEqual(decodeBase64Url("AQI=", "f"), Buffer.from([1, 2]))
})

test("encodes a subarray view correctly", () => {
  const whole = Buffer.from([9, 1, 2, 3, 9])
  assert.equal(encodeBase64Url(whole.subarray(1, 4)), Buffer.from([1, 2, 3]).toString("base64url"))
})

const bad: Array<[string, string]> = [
  ["empty", ""],
  ["standard base64 plus", "ab+c"],
  ["standard base64 slash", "ab/c"],
  ["whitespace", "ab c"],
  ["newline", "abcd\n"],
  ["padding in the middle", "ab=c"],
  ["too much padding", "AQ==="],
  ["impossible length", "abcde"],
  ["wrong padding length", "AQ="],
  ["non-ascii", "abcé"],
]
for (const [name, value] of bad) {
  test(`refuses ${name}`, () => {
    assert.throws(
      () => decodeBase64Url(value, "subscription.keys.auth"),
      (err: unknown) => err instanceof InvalidSubscriptionError && err.field === "subscription.keys.auth"
    )
  })
}
