import { createECDH, createPublicKey } from "node:crypto"

/** Length of an uncompressed P-256 point: 0x04 || X (32) || Y (32). */
export const P256_POINT_BYTES = 65
/** Length of a P-256 private scalar. */
export const P256_PRIVATE_BYTES = 32

/** True when `point` is an uncompressed P-256 point that lies on the curve. */
export function isP256Point(point: Buffer): boolean {
  if (point.length !== P256_POINT_BYTES || point[0] !== 0x04) {
    return false
  }
  try {
    // OpenSSL refuses coordinates that are not on the curve.
    createPublicKey({
      key: {
        kty: "EC",
        crv: "P-256",
        x: point.subarray(1, 33).toString("base64url"),
        y: point.subarray(33).toString("base64url"),
      },
      format: "jwk",
    })
    return true
  } catch {
    return false
  }
}

/**
 * Public point for a P-256 private scalar, or `undefined` when the scalar is
 * not a valid private key (wrong length, zero, or not below the group order).
 */
export function deriveP256PublicKey(privateKey: Buffer): Buffer | undefined {
  if (privateKey.length !== P256_PRIVATE_BYTES) {
    return undefined
  }
  try {
    const ecdh = createECDH("prime256v1")
    ecdh.setPrivateKey(privateKey)
    return ecdh.getPublicKey()
  } catch {
    return undefined
  }
}
