import { test } from "node:test"
import assert from "node:assert/strict"
import { createPublicKey, verify } from "node:crypto"
import { generateVapidKeys } from "../../src/core/keys/keys"
import { VapidHeaderCache } from "../../src/core/transport/vapid-header"

const keys = generateVapidKeys()
const vapid = { subject: "mailto:ops@teststore.dev", ...keys }
const FCM = "https://fcm.googleapis.com"
const MOZILLA = "https://updates.push.services.mozilla.com"
const HOUR_MS = 60 * 60 * 1000

interface Parsed {
  token: string
  key: string
  header: Record<string, unknown>
  claims: { aud: string; exp: number; sub: string }
}

function parse(value: string): Parsed {
  const match = /^vapid t=([^,]+), k=(.+)$/.exec(value)
  assert.ok(match, `unexpected header ${value}`)
  const [token, key] = [match[1], match[2]]
  const [h, c, s] = token.split(".")
  const raw = Buffer.from(key, "base64url")
  const publicKey = createPublicKey({
    key: { kty: "EC", crv: "P-256", x: raw.subarray(1, 33).toString("base64url"), y: raw.subarray(33).toString("base64url") },
    format: "jwk",
  })
  const signature = Buffer.from(s, "base64url")
  assert.equal(signature.length, 64, "ES256 signature in IEEE P1363 form")
  assert.ok(verify("sha256", Buffer.from(`${h}.${c}`), { key: publicKey, dsaEncoding: "ieee-p1363" }, signature))
  return {
    token,
    key,
    header: JSON.parse(Buffer.from(h, "base64url").toString()) as Record<string, unknown>,
    claims: JSON.parse(Buffer.from(c, "base64url").toString()) as Parsed["claims"],
  }
}

test("header: RFC 8292 vapid scheme, ES256 JWT signed by the VAPID key, aud = origin, exp 12 h ahead", () => {
  const now = Date.UTC(2030, 0, 1, 12)
  const cache = new VapidHeaderCache(vapid, { now: () => now })
  const parsed = parse(cache.header(FCM))
  assert.equal(parsed.key, keys.publicKey)
  assert.deepEqual(parsed.header, { typ: "JWT", alg: "ES256" })
  assert.deepEqual(parsed.claims, { aud: FCM, exp: now / 1000 + 12 * 3600, sub: vapid.subject })
})

test("header: reused per origin, distinct per origin", () => {
  let now = Date.now()
  const cache = new VapidHeaderCache(vapid, { now: () => now })
  const first = cache.header(FCM)
  now += 5 * HOUR_MS
  assert.equal(cache.header(FCM), first)
  const other = cache.header(MOZILLA)
  assert.notEqual(other, first)
  assert.equal(parse(other).claims.aud, MOZILLA)
})

test("header: renewed once less than one hour of its lifetime is left", () => {
  const start = Date.now()
  let now = start
  const cache = new VapidHeaderCache(vapid, { now: () => now })
  const first = cache.header(FCM)
  now = start + 11 * HOUR_MS - 1000 // 1 h + 1 s left
  assert.equal(cache.header(FCM), first)
  now = start + 11 * HOUR_MS + 1000 // 59 min 59 s left
  const renewed = cache.header(FCM)
  assert.notEqual(renewed, first)
  assert.equal(parse(renewed).claims.exp, Math.floor(now / 1000) + 12 * 3600)
  assert.equal(cache.header(FCM), renewed)
})

test("invalidate: the next header for that origin is signed again", () => {
  const cache = new VapidHeaderCache(vapid)
  const first = cache.header(FCM)
  const mozilla = cache.header(MOZILLA)
  cache.invalidate(FCM)
  const fresh = cache.header(FCM)
  assert.notEqual(fresh, first) // ECDSA signatures are randomised
  assert.equal(cache.header(MOZILLA), mozilla)
})

test("options: lifetime within 24 h, renewal margin below the lifetime", () => {
  assert.throws(() => new VapidHeaderCache(vapid, { lifetimeSeconds: 24 * 3600 + 1 }), RangeError)
  assert.throws(() => new VapidHeaderCache(vapid, { lifetimeSeconds: 0 }), RangeError)
  assert.throws(() => new VapidHeaderCache(vapid, { lifetimeSeconds: 3600, renewBeforeSeconds: 3600 }), RangeError)
  const day = new VapidHeaderCache(vapid, { lifetimeSeconds: 24 * 3600, now: () => 0 })
  assert.equal(parse(day.header(FCM)).claims.exp, 24 * 3600)
})
