import { createCipheriv, createECDH, createHmac, randomBytes, type ECDH } from 'node:crypto'
import { PayloadTooLargeError } from '../errors/plugin-errors'

/** RFC 8188 record size written into the header; a push message is one record. */
export const RECORD_SIZE = 4096
/** The body limit every push service must accept (RFC 8030 §7.2); larger bodies may get 413. */
export const MAX_BODY_BYTES = 4096
/** salt (16) + rs (4) + idlen (1) + keyid (the 65-byte sender public key). */
export const HEADER_BYTES = 86
const TAG_BYTES = 16
const PADDING_DELIMITER = 0x02
/** The most plaintext that still fits {@link MAX_BODY_BYTES}: 4096 - 86 - 1 - 16 = 3993 bytes. */
export const MAX_PLAINTEXT_BYTES = MAX_BODY_BYTES - HEADER_BYTES - 1 - TAG_BYTES

const KEY_INFO_LABEL = Buffer.from('WebPush: info\0')
const CEK_INFO = Buffer.from('Content-Encoding: aes128gcm\0\x01')
const NONCE_INFO = Buffer.from('Content-Encoding: nonce\0\x01')
const ONE = Buffer.from([0x01])

/** The receiving browser's subscription keys, raw bytes. */
export interface ReceiverKeys {
  /** Uncompressed P-256 public key (65 bytes). */
  readonly p256dh: Buffer
  /** Authentication secret (16 bytes). */
  readonly auth: Buffer
}

function hmac(key: Buffer, ...data: Buffer[]): Buffer {
  const mac = createHmac('sha256', key)
  for (const part of data) mac.update(part)
  return mac.digest()
}

/**
 * RFC 8291 aes128gcm with a given sender key pair and salt. Only the RFC test vector should pass
 * its own; everything else calls {@link encryptPayload}, which makes both fresh per message.
 */
export function encryptWith(plaintext: Buffer, receiver: ReceiverKeys, sender: ECDH, salt: Buffer): Buffer {
  if (plaintext.length > MAX_PLAINTEXT_BYTES) {
    throw new PayloadTooLargeError(plaintext.length, MAX_PLAINTEXT_BYTES)
  }
  const senderPublic = sender.getPublicKey()
  const ecdhSecret = sender.computeSecret(receiver.p256dh)
  // RFC 8291 §3.3-3.4: HKDF(auth, ecdh_secret, key_info, 32), then RFC 8188 §2.2 with the salt.
  const prkKey = hmac(receiver.auth, ecdhSecret)
  const ikm = hmac(prkKey, KEY_INFO_LABEL, receiver.p256dh, senderPublic, ONE)
  const prk = hmac(salt, ikm)
  const cek = hmac(prk, CEK_INFO).subarray(0, 16)
  const nonce = hmac(prk, NONCE_INFO).subarray(0, 12)

  const body = Buffer.allocUnsafe(HEADER_BYTES + plaintext.length + 1 + TAG_BYTES)
  salt.copy(body, 0)
  body.writeUInt32BE(RECORD_SIZE, 16)
  body.writeUInt8(senderPublic.length, 20)
  senderPublic.copy(body, 21)
  const cipher = createCipheriv('aes-128-gcm', cek, nonce)
  let offset = HEADER_BYTES
  offset += cipher.update(plaintext).copy(body, offset)
  offset += cipher.update(Buffer.from([PADDING_DELIMITER])).copy(body, offset)
  offset += cipher.final().copy(body, offset)
  cipher.getAuthTag().copy(body, offset)
  return body
}

/**
 * Encrypts a push message body (RFC 8291, `Content-Encoding: aes128gcm`): a fresh ECDH P-256
 * key pair and 16-byte salt per message, one record, no padding. Throws
 * {@link PayloadTooLargeError} when the body would exceed {@link MAX_BODY_BYTES}, and an error
 * from node:crypto when `p256dh` is not a P-256 point.
 */
export function encryptPayload(plaintext: Buffer, receiver: ReceiverKeys): Buffer {
  const sender = createECDH('prime256v1')
  sender.generateKeys()
  return encryptWith(plaintext, receiver, sender, randomBytes(16))
}
