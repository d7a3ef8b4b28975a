import { createCipheriv, createECDH, createHmac, randomFillSync, type ECDH } from "node:crypto"
import { PayloadTooLargeError } from "../errors/plugin-errors"

/** RFC 8188 record size written into the header; a push message is one record. */
export const RECORD_SIZE = 4096
/** The body limit every push service must accept (RFC 8030 §7.2); larger bodies may get 413. */
export const MAX_BODY_BYTES = 4096
/** salt (16) + rs (4) + idlen (1) + keyid (the 65-byte sender public key). */
export const HEADER_BYTES = 86
const TAG_BYTES = 16
const PADDING_DELIMITER = 0x02
/** What aes128gcm adds to a plaintext sent as one record: header, padding delimiter and tag (103 bytes). */
export const ENCRYPTION_OVERHEAD_BYTES = HEADER_BYTES + 1 + TAG_BYTES
/** The most plaintext that still fits {@link MAX_BODY_BYTES}: 4096 - 86 - 1 - 16 = 3993 bytes. */
export const MAX_PLAINTEXT_BYTES = MAX_BODY_BYTES - ENCRYPTION_OVERHEAD_BYTES

const KEY_INFO_LABEL = Buffer.from("WebPush: info\0")
const CEK_INFO = Buffer.from("Content-Encoding: aes128gcm\0\x01")
const NONCE_INFO = Buffer.from("Content-Encoding: nonce\0\x01")
const ONE = Buffer.from([0x01])

/** The receiving browser's subscription keys, raw bytes. */
export interface ReceiverKeys {
  /** Uncompressed P-256 public key (65 bytes). */
  readonly p256dh: Buffer
  /** Authentication secret (16 bytes). */
  readonly auth: Buffer
}

function hmac(key: Buffer, ...data: Buffer[]): Buffer {
  const mac = createHmac("sha256", key)
  for (const part of data) mac.update(part)
  return mac.digest()
}

/**
 * RFC 8291 aes128gcm with a given sender key pair and salt. Only the RFC test vector should pass
 * its own; everything else calls {@link encryptPayload}, which makes both fresh per message.
 */
export function encryptWith(plaintext: Buffer, receiver: ReceiverKeys, sender: ECDH, salt: Buffer): Buffer {
  checkSize(plaintext)
  return seal(plaintext, receiver, sender.getPublicKey(), sender.computeSecret(receiver.p256dh), salt)
}

function checkSize(plaintext: Buffer): void {
  if (plaintext.length > MAX_PLAINTEXT_BYTES) {
    throw new PayloadTooLargeError(plaintext.length, MAX_PLAINTEXT_BYTES)
  }
}

/** One aes128gcm record (RFC 8188) of `plaintext`, keyed by RFC 8291 from the ECDH secret and salt. */
function seal(plaintext: Buffer, receiver: ReceiverKeys, senderPublic: Buffer, ecdhSecret: Buffer, salt: Buffer): Buffer {
  // RFC 8291 §3.3-3.4: HKDF(auth, ecdh_secret, key_info, 32), then RFC 8188 §2.2 with the salt.
  const prkKey = hmac(receiver.auth, ecdhSecret)
  const ikm = hmac(prkKey, KEY_INFO_LABEL, receiver.p256dh, senderPublic, ONE)
  const prk = hmac(salt, ikm)
  const cek = hmac(prk, CEK_INFO).subarray(0, 16)
  const nonce = hmac(prk, NONCE_INFO).subarray(0, 12)

  const recordEnd = HEADER_BYTES + plaintext.length + 1
  const body = Buffer.allocUnsafe(recordEnd + TAG_BYTES)
  salt.copy(body, 0)
  body.writeUInt32BE(RECORD_SIZE, 16)
  body.writeUInt8(senderPublic.length, 20)
  senderPublic.copy(body, 21)
  // The record (plaintext, then the padding delimiter) is laid out in place and encrypted in one call.
  plaintext.copy(body, HEADER_BYTES)
  body[recordEnd - 1] = PADDING_DELIMITER
  const cipher = createCipheriv("aes-128-gcm", cek, nonce)
  let offset = HEADER_BYTES + cipher.update(body.subarray(HEADER_BYTES, recordEnd)).copy(body, HEADER_BYTES)
  offset += cipher.final().copy(body, offset)
  cipher.getAuthTag().copy(body, offset)
  return body
}

/**
 * The ephemeral key pair of the message being encrypted. `generateKeys()` replaces it with a new
 * random key pair on every call, so every message still gets its own (RFC 8291 §3.1); reusing the
 * object only saves building a new EC context per message. Encryption is synchronous, so no two
 * messages ever share it.
 */
const ephemeral = createECDH("prime256v1")

/** Salts are cut from a block of CSPRNG output, 16 fresh bytes per message, never handed out twice. */
const SALT_BYTES = 16
const saltPool = Buffer.alloc(SALT_BYTES * 256)
let saltOffset = saltPool.length

function nextSalt(): Buffer {
  if (saltOffset === saltPool.length) {
    randomFillSync(saltPool)
    saltOffset = 0
  }
  const salt = saltPool.subarray(saltOffset, saltOffset + SALT_BYTES)
  saltOffset += SALT_BYTES
  return salt
}

/**
 * Encrypts a push message body (RFC 8291, `Content-Encoding: aes128gcm`): a fresh ECDH P-256
 * key pair and 16-byte salt per message, one record, no padding. Throws
 * {@link PayloadTooLargeError} when the body would exceed {@link MAX_BODY_BYTES}, and an error
 * from node:crypto when `p256dh` is not a P-256 point.
 */
export function encryptPayload(plaintext: Buffer, receiver: ReceiverKeys): Buffer {
  checkSize(plaintext)
  const senderPublic = ephemeral.generateKeys()
  return seal(plaintext, receiver, senderPublic, ephemeral.computeSecret(receiver.p256dh), nextSalt())
}
