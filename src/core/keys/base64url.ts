import { InvalidSubscriptionError } from "../errors/plugin-errors"

const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/

/**
 * Decodes strict base64url (RFC 4648 §5). Trailing `=` padding is tolerated;
 * standard base64 characters (`+`, `/`), whitespace and other junk are refused.
 */
export function decodeBase64Url(value: string, field: string): Buffer {
  if (typeof value !== "string" || value.length === 0) {
    throw new InvalidSubscriptionError(field, `${field} must be a non-empty base64url string`)
  }
  if (!BASE64URL.test(value)) {
    throw new InvalidSubscriptionError(field, `${field} is not valid base64url`)
  }
  const unpadded = value.replace(/=+$/, "")
  if (unpadded.length % 4 === 1) {
    throw new InvalidSubscriptionError(field, `${field} is not valid base64url`)
  }
  if (value.length !== unpadded.length && value.length % 4 !== 0) {
    throw new InvalidSubscriptionError(field, `${field} has wrong base64url padding`)
  }
  return Buffer.from(unpadded, "base64url")
}

/** Encodes as unpadded base64url. */
export function encodeBase64Url(buf: Uint8Array): string {
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString("base64url")
}
