import { test } from "node:test"
import assert from "node:assert/strict"
import { createECDH, createPublicKey, randomBytes, verify } from "node:crypto"
import webpush from "web-push"
import { InvalidSubscriptionError, PluginOptionsError } from "../../src/core/errors/plugin-errors"
import { generateVapidKeys, validateSubscriptionKeys, validateVapidKeys } from "../../src/core/keys/keys"
import { validateVapidSubject } from "../../src/core/keys/vapid-subject"

function browserKeys(): { p256dh: string; auth: string; point: Buffer } {
  const ecdh = createECDH("prime256v1")
  ecdh.generateKeys()
  const point = ecdh.getPublicKey()
  return { point, p256dh: point.toString("base64url"), auth: randomBytes(16).toString("base64url") }
}

function offCurve(point: Buffer): Buffer {
  const copy = Buffer.from(point)
  copy[64] ^= 0x01
  return copy
}

function isSubscriptionError(field: string) {
  return (err: unknown): boolean => err instanceof InvalidSubscriptionError && err.field === field
}

function isOptionError(field: string) {
  return (err: unknown): boolean => err instanceof PluginOptionsError && err.field === field
}

test("accepts real browser keys and normalises padding away", () => {
  const k = browserKeys()
  const padded = { p256dh: `${k.p256dh}=`, auth: `${k.auth}==` }
  assert.deepEqual(validateSubscriptionKeys(padded), { p256dh: k.p256dh, auth: k.auth })
})

test("refuses bad p256dh values", () => {
  const { point, auth } = browserKeys()
  const compressed = Buffer.concat([Buffer.from([0x02 + (point[64] & 1)]), point.subarray(1, 33)])
  const table: Array<[string, unknown]> = [
    ["missing", undefined],
    ["a number", 42],
    ["not base64url", "not base64!"],
    ["compressed (33 bytes)", compressed.toString("base64url")],
    ["64 bytes", point.subarray(1).toString("base64url")],
    ["wrong prefix", Buffer.concat([Buffer.from([0x05]), point.subarray(1)]).toString("base64url")],
    ["off-curve point", offCurve(point).toString("base64url")],
    ["all-zero point", Buffer.concat([Buffer.from([4]), Buffer.alloc(64)]).toString("base64url")],
    ["coordinates >= p", Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 0xff)]).toString("base64url")],
  ]
  for (const [name, p256dh] of table) {
    assert.throws(() => validateSubscriptionKeys({ p256dh, auth }), isSubscriptionError("subscription.keys.p256dh"), name)
  }
})

test("refuses auth secrets that are not 16 bytes", () => {
  const { p256dh } = browserKeys()
  for (const auth of [
    undefined,
    "",
    randomBytes(15).toString("base64url"),
    randomBytes(17).toString("base64url"),
    "a+b/c==",
  ] as unknown[]) {
    assert.throws(() => validateSubscriptionKeys({ p256dh, auth }), isSubscriptionError("subscription.keys.auth"), String(auth))
  }
})

test("generateVapidKeys produces a valid, self-consistent pair", () => {
  for (let i = 0; i < 20; i++) {
    const keys = generateVapidKeys()
    assert.equal(Buffer.from(keys.publicKey, "base64url").length, 65)
    assert.equal(Buffer.from(keys.privateKey, "base64url").length, 32)
    assert.deepEqual(validateVapidKeys(keys.publicKey, keys.privateKey), keys)
  }
})

test("web-push keys validate, and web-push signs valid VAPID tokens with ours", () => {
  const theirs = webpush.generateVAPIDKeys()
  assert.deepEqual(validateVapidKeys(theirs.publicKey, theirs.privateKey), theirs)

  const ours = generateVapidKeys()
  const headers = webpush.getVapidHeaders("https://fcm.googleapis.com", "mailto:ops@shop.dev", ours.publicKey, ours.privateKey, "aes128gcm")
  const match = /^vapid t=([^,]+), k=(.+)$/.exec(headers.Authorization)
  assert.ok(match)
  const [h, p, s] = match[1].split(".")
  const pub = Buffer.from(ours.publicKey, "base64url")
  const key = createPublicKey({
    key: { kty: "EC", crv: "P-256", x: pub.subarray(1, 33).toString("base64url"), y: pub.subarray(33).toString("base64url") },
    format: "jwk",
  })
  const ok = verify("sha256", Buffer.from(`${h}.${p}`), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(s, "base64url"))
  assert.equal(ok, true)
})

test("refuses bad VAPID keys naming the option", () => {
  const a = generateVapidKeys()
  const b = generateVapidKeys()
  const pub = Buffer.from(a.publicKey, "base64url")
  const table: Array<[string, unknown, unknown, string]> = [
    ["missing public", undefined, a.privateKey, "vapid_public_key"],
    ["public not base64url", "xx yy", a.privateKey, "vapid_public_key"],
    ["public 64 bytes", pub.subarray(1).toString("base64url"), a.privateKey, "vapid_public_key"],
    ["public off curve", offCurve(pub).toString("base64url"), a.privateKey, "vapid_public_key"],
    ["missing private", a.publicKey, undefined, "vapid_private_key"],
    ["private 31 bytes", a.publicKey, randomBytes(31).toString("base64url"), "vapid_private_key"],
    ["private zero", a.publicKey, Buffer.alloc(32).toString("base64url"), "vapid_private_key"],
    ["private above group order", a.publicKey, Buffer.alloc(32, 0xff).toString("base64url"), "vapid_private_key"],
    ["mismatched pair", a.publicKey, b.privateKey, "vapid_private_key"],
  ]
  for (const [name, publicKey, privateKey, field] of table) {
    assert.throws(() => validateVapidKeys(publicKey, privateKey), isOptionError(field), name)
  }
})

test("mismatched pair message says they do not match", () => {
  const a = generateVapidKeys()
  const b = generateVapidKeys()
  assert.throws(() => validateVapidKeys(a.publicKey, b.privateKey), /option "vapid_private_key" does not match vapid_public_key/)
})

test("accepts plausible VAPID subjects", () => {
  for (const subject of [
    "mailto:ops@shop.dev",
    "mailto:first.last+push@mail.example-shop.co.uk",
    "https://shop.dev",
    "https://www.shop.dev/contact",
    "MAILTO:Ops@Shop.Dev",
  ]) {
    assert.equal(validateVapidSubject(subject), subject)
  }
})

test("refuses placeholder and malformed VAPID subjects", () => {
  const table = [
    undefined,
    "",
    42,
    "ops@shop.dev",
    "http://shop.dev",
    "mailto:",
    "mailto:ops",
    "mailto:@shop.dev",
    "mailto:ops@",
    "mailto:ops@shop",
    "mailto:.ops@shop.dev",
    "mailto:o..ps@shop.dev",
    "mailto:ops@localhost",
    "mailto:admin@example.com",
    "mailto:admin@mail.example.org",
    "mailto:admin@example.net",
    "mailto:admin@shop.local",
    "mailto:admin@shop.test",
    "mailto:admin@shop.invalid",
    "mailto:admin@shop.example",
    "mailto:admin@shop.localhost",
    "mailto:<admin@shop.dev>",
    "mailto: admin@shop.dev",
    "mailto:admin@127.0.0.1",
    "https://localhost",
    "https://localhost:9000/x",
    "https://example.com",
    "https://www.example.com",
    "https://shop.test/",
    "https://127.0.0.1",
    "https://[::1]/",
    "https://user:pw@shop.dev",
    "https://intranet",
    "https://shop.dev/<contact>",
    "https://",
    "ftp://shop.dev",
  ]
  for (const subject of table) {
    assert.throws(() => validateVapidSubject(subject), isOptionError("vapid_subject"), String(subject))
  }
})
