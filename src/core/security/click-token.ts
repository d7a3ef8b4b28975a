import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto"

/** What a delivery id looks like (`pushdel_` and the id's letters and digits). */
export const DELIVERY_ID = /^pushdel_[A-Za-z0-9]{1,60}$/

/** What a click token looks like: base64url of an HMAC-SHA256 (32 bytes). */
export const CLICK_TOKEN = /^[A-Za-z0-9_-]{43}$/

const INFO = "medusa-plugin-web-push/click-token/v1"

/**
 * The key click tokens are made with, derived (HKDF-SHA256) from the VAPID private key: the store
 * keeps one secret, and a click token says nothing about that key.
 */
export function clickTokenKey(vapidPrivateKey: string): Buffer {
  return Buffer.from(hkdfSync("sha256", vapidPrivateKey, Buffer.alloc(0), INFO, 32))
}

/**
 * The token a delivery's notification carries (`data.click_token`) and its click report sends
 * back: an HMAC of the delivery id, so knowing a delivery id is not enough to record a click.
 */
export function clickToken(deliveryId: string, key: Buffer): string {
  return createHmac("sha256", key).update(deliveryId, "utf8").digest("base64url")
}

/** Whether `token` is the delivery's click token, compared in constant time. */
export function clickTokenMatches(deliveryId: string, token: string, key: Buffer): boolean {
  if (!CLICK_TOKEN.test(token)) return false
  return timingSafeEqual(Buffer.from(clickToken(deliveryId, key), "utf8"), Buffer.from(token, "utf8"))
}
