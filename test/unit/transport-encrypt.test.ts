import { test } from "node:test"
import assert from "node:assert/strict"
import { createECDH, randomBytes, type ECDH } from "node:crypto"
import { PayloadTooLargeError } from "../../src/core/errors/plugin-errors"
import {
  encryptPayload,
  encryptWith,
  HEADER_BYTES,
  MAX_BODY_BYTES,
  MAX_PLAINTEXT_BYTES,
  RECORD_SIZE,
} from "../../src/core/transport/encrypt"

interface HttpEce {
  decrypt(buffer: Buffer, params: { version: "aes128gcm"; privateKey: ECDH; authSecret: Buffer }): Buffer
}
const ece = require("http_ece") as HttpEce

const b64 = (text: string): Buffer => Buffer.from(text, "base64url")

function receiver(): { ecdh: ECDH; keys: { p256dh: Buffer; auth: Buffer } } {
  const ecdh = createECDH("prime256v1")
  ecdh.generateKeys()
  return { ecdh, keys: { p256dh: ecdh.getPublicKey(), auth: randomBytes(16) } }
}

// RFC 8291 §5 / Appendix A: fixed receiver keys, sender key pair and salt give this exact body.
test("encryptWith reproduces the RFC 8291 example byte for byte", () => {
  const sender = createECDH("prime256v1")
  sender.setPrivateKey(b64("yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"))
  assert.equal(sender.getPublicKey("base64url"), "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8")
  const body = encryptWith(
    Buffer.from("When I grow up, I want to be a watermelon"),
    {
      p256dh: b64("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"),
      auth: b64("BTBZMqHH6r4Tts7J_aSIgg"),
    },
    sender,
    b64("DGv6ra1nlYgDCS1FRnbzlw")
  )
  assert.equal(
    body.toString("base64url"),
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"
  )
})

const sizes: Array<[string, Buffer]> = [
  ["empty", Buffer.alloc(0)],
  ["short text", Buffer.from('{"title":"Your order has shipped","body":"Ørder #1001 ✓"}')],
  ["3 KB", randomBytes(3072)],
  ["the largest that fits 4096 bytes", randomBytes(MAX_PLAINTEXT_BYTES)],
]
for (const [label, plaintext] of sizes) {
  test(`encryptPayload (${label}) decrypts with http_ece as the browser would`, () => {
    const { ecdh, keys } = receiver()
    const body = encryptPayload(plaintext, keys)
    assert.equal(body.length, HEADER_BYTES + plaintext.length + 17)
    assert.ok(body.length <= MAX_BODY_BYTES)
    assert.equal(body.readUInt32BE(16), RECORD_SIZE)
    assert.equal(body[20], 65)
    const decrypted = ece.decrypt(body, { version: "aes128gcm", privateKey: ecdh, authSecret: keys.auth })
    assert.deepEqual(decrypted, plaintext)
  })
}

test("encryptPayload uses a fresh salt and sender key for every message", () => {
  const { ecdh, keys } = receiver()
  const plaintext = Buffer.from("same message")
  // More messages than one block of pooled salt bytes (256), so the refill is crossed too.
  const bodies = Array.from({ length: 600 }, () => encryptPayload(plaintext, keys))
  const salts = new Set(bodies.map((b) => b.subarray(0, 16).toString("hex")))
  const senders = new Set(bodies.map((b) => b.subarray(21, 86).toString("hex")))
  const ciphertexts = new Set(bodies.map((b) => b.subarray(86).toString("hex")))
  assert.equal(salts.size, bodies.length)
  assert.equal(senders.size, bodies.length)
  assert.equal(ciphertexts.size, bodies.length)
  for (const body of [bodies[0], bodies[255], bodies[256], bodies[599]]) {
    assert.deepEqual(ece.decrypt(body, { version: "aes128gcm", privateKey: ecdh, authSecret: keys.auth }), plaintext)
  }
})

test("encryptPayload after a refused receiver key still encrypts with a fresh, working key", () => {
  const { ecdh, keys } = receiver()
  const bad = Buffer.alloc(65, 1)
  bad[0] = 0x04
  const before = encryptPayload(Buffer.from("one"), keys)
  assert.throws(() => encryptPayload(Buffer.from("x"), { p256dh: bad, auth: randomBytes(16) }))
  const after = encryptPayload(Buffer.from("two"), keys)
  assert.notDeepEqual(after.subarray(21, 86), before.subarray(21, 86))
  assert.equal(ece.decrypt(after, { version: "aes128gcm", privateKey: ecdh, authSecret: keys.auth }).toString(), "two")
})

test("encryptPayload refuses a payload whose body would exceed 4096 bytes", () => {
  const { keys } = receiver()
  assert.throws(
    () => encryptPayload(Buffer.alloc(MAX_PLAINTEXT_BYTES + 1), keys),
    (err: unknown) => err instanceof PayloadTooLargeError && err.bytes === MAX_PLAINTEXT_BYTES + 1 && err.maxBytes === MAX_PLAINTEXT_BYTES
  )
})

test("encryptPayload refuses a receiver key that is not a P-256 point", () => {
  const bad = Buffer.alloc(65, 1)
  bad[0] = 0x04
  assert.throws(() => encryptPayload(Buffer.from("x"), { p256dh: bad, auth: randomBytes(16) }))
})
