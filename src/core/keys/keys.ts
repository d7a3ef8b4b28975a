import { createECDH } from "node:crypto"
import { decodeBase64Url, encodeBase64Url } from "./base64url"
import { InvalidSubscriptionError, PluginOptionsError } from "../errors/plugin-errors"
import { deriveP256PublicKey, isP256Point, P256_POINT_BYTES, P256_PRIVATE_BYTES } from "./p256"

/** Browser-supplied subscription keys, normalised to unpadded base64url. */
export interface SubscriptionKeys {
  p256dh: string
  auth: string
}

/** A VAPID key pair, unpadded base64url. */
/** The VAPID identity a push request is signed with (RFC 8292). */
export interface VapidDetails {
  readonly subject: string
  readonly publicKey: string
  readonly privateKey: string
}

export interface VapidKeys {
  publicKey: string
  privateKey: string
}

const AUTH_BYTES = 16

function requireString(value: unknown, field: string): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new InvalidSubscriptionError(field, `${field} must be a non-empty base64url string`)
  }
  return value
}

/**
 * Validates a push subscription's keys: `p256dh` an uncompressed P-256 point
 * on the curve (65 bytes), `auth` exactly 16 bytes.
 */
export function validateSubscriptionKeys(keys: { p256dh: unknown; auth: unknown }): SubscriptionKeys {
  const p256dhField = "subscription.keys.p256dh"
  const authField = "subscription.keys.auth"
  const p256dh = decodeBase64Url(requireString(keys.p256dh, p256dhField), p256dhField)
  if (p256dh.length !== P256_POINT_BYTES || p256dh[0] !== 0x04) {
    throw new InvalidSubscriptionError(p256dhField, `${p256dhField} must be a 65-byte uncompressed P-256 public key`)
  }
  if (!isP256Point(p256dh)) {
    throw new InvalidSubscriptionError(p256dhField, `${p256dhField} is not a point on the P-256 curve`)
  }
  const auth = decodeBase64Url(requireString(keys.auth, authField), authField)
  if (auth.length !== AUTH_BYTES) {
    throw new InvalidSubscriptionError(authField, `${authField} must be ${AUTH_BYTES} bytes, got ${auth.length}`)
  }
  return { p256dh: encodeBase64Url(p256dh), auth: encodeBase64Url(auth) }
}

function decodeOption(value: unknown, field: string): Buffer {
  if (typeof value !== "string" || value.length === 0) {
    throw new PluginOptionsError(field, "is required (base64url; generate a pair with `npx medusa-plugin-web-push vapid`)")
  }
  try {
    return decodeBase64Url(value, field)
  } catch (cause) {
    throw new PluginOptionsError(field, "is not valid base64url", { cause })
  }
}

/**
 * Validates a VAPID key pair: the public key a P-256 point, the private key a
 * 32-byte scalar that derives exactly that public key.
 */
export function validateVapidKeys(publicKey: unknown, privateKey: unknown): VapidKeys {
  const pub = decodeOption(publicKey, "vapid_public_key")
  if (pub.length !== P256_POINT_BYTES || !isP256Point(pub)) {
    throw new PluginOptionsError("vapid_public_key", "must be a 65-byte uncompressed P-256 public key (base64url)")
  }
  const priv = decodeOption(privateKey, "vapid_private_key")
  if (priv.length !== P256_PRIVATE_BYTES) {
    throw new PluginOptionsError(
      "vapid_private_key",
      `must be a ${P256_PRIVATE_BYTES}-byte P-256 private key (base64url), got ${priv.length} bytes`
    )
  }
  const derived = deriveP256PublicKey(priv)
  if (derived === undefined) {
    throw new PluginOptionsError("vapid_private_key", "is not a valid P-256 private key")
  }
  if (!derived.equals(pub)) {
    throw new PluginOptionsError("vapid_private_key", "does not match vapid_public_key (they must be generated as one pair)")
  }
  return { publicKey: encodeBase64Url(pub), privateKey: encodeBase64Url(priv) }
}

/** Generates a fresh VAPID key pair (P-256), unpadded base64url. */
export function generateVapidKeys(): VapidKeys {
  const ecdh = createECDH("prime256v1")
  ecdh.generateKeys()
  let priv = ecdh.getPrivateKey()
  // OpenSSL may return a scalar with leading zero bytes stripped.
  if (priv.length < P256_PRIVATE_BYTES) {
    priv = Buffer.concat([Buffer.alloc(P256_PRIVATE_BYTES - priv.length), priv])
  }
  return { publicKey: encodeBase64Url(ecdh.getPublicKey()), privateKey: encodeBase64Url(priv) }
}
