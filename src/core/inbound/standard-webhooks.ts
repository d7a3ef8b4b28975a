import { createHmac } from "node:crypto"
import { DELIVERY_ID, headerValue, refuse, sameBytes, timestampProblem } from "./signature-checks"
import type { RequestHeaders, Verification } from "./types"

/**
 * Standard Webhooks 1.0.0, symmetric signatures (`v1`): HMAC-SHA256 of `id.timestamp.body` under
 * the key a `whsec_` secret holds, carried as base64 in `webhook-signature` beside `webhook-id`
 * and `webhook-timestamp` (seconds).
 */

const PREFIX = "whsec_"
const MIN_KEY_BYTES = 24
const MAX_KEY_BYTES = 64
/** A `v1` signature: base64 of the 32 bytes of an HMAC-SHA256. */
const V1_SIGNATURE = /^[A-Za-z0-9+/]{43}=$/
/** Integer seconds since the epoch, as the header carries it. */
const SECONDS = /^[0-9]{1,12}$/

/** The default window either side of now a signed timestamp may be in, in seconds (the reference library's). */
export const STANDARD_WEBHOOK_TOLERANCE_SEC = 300

/**
 * The HMAC key a Standard Webhooks secret (`whsec_` and base64 of 24 to 64 random bytes) holds.
 * Throws an Error naming what is wrong (never quoting the secret); meant for options validation.
 */
export function parseWebhookSecret(secret: string): Buffer {
  if (typeof secret !== "string" || !secret.startsWith(PREFIX)) throw new Error(`a Standard Webhooks secret starts with "${PREFIX}"`)
  const encoded = secret.slice(PREFIX.length)
  if (encoded === "") throw new Error(`the secret has nothing after "${PREFIX}"`)
  const unpadded = encoded.replace(/={1,2}$/, "")
  if (!/^[A-Za-z0-9+/]+$/.test(unpadded) || (encoded !== unpadded && encoded.length % 4 !== 0)) {
    throw new Error(`the part after "${PREFIX}" is not base64 (A-Z a-z 0-9 + /, "=" padding)`)
  }
  const key = Buffer.from(unpadded, "base64")
  if (key.toString("base64").replace(/=+$/, "") !== unpadded)
    throw new Error(`the part after "${PREFIX}" is not base64 (its last character is off)`)
  if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
    throw new Error(`the secret holds ${key.length} bytes; Standard Webhooks secrets hold ${MIN_KEY_BYTES} to ${MAX_KEY_BYTES}`)
  }
  return key
}

function digest(key: Buffer, id: string, timestamp: string, body: Buffer | string): Buffer {
  return createHmac("sha256", key).update(`${id}.${timestamp}.`, "utf8").update(body).digest()
}

/** The `webhook-signature` entry (`v1,<base64>`) for a message `id` sent at `timestampSec` with `body`. */
export function signStandardWebhook(key: Buffer, id: string, timestampSec: number, body: Buffer | string): string {
  return `v1,${digest(key, id, String(timestampSec), body).toString("base64")}`
}

/**
 * Whether a request carries a valid Standard Webhooks signature of `rawBody` under `key`, signed
 * within `toleranceSec` of `nowMs`. Any `v1` entry of the space-separated `webhook-signature`
 * list may match (key rotation); other versions (`v1a`, ...) are skipped. `deliveryId` is the
 * `webhook-id`, the same on every retry of a message.
 */
export function verifyStandardWebhook(
  headers: RequestHeaders,
  rawBody: Buffer,
  key: Buffer,
  nowMs: number,
  toleranceSec: number = STANDARD_WEBHOOK_TOLERANCE_SEC
): Verification {
  const signatures = headerValue(headers, "webhook-signature")
  const id = headerValue(headers, "webhook-id")
  const timestamp = headerValue(headers, "webhook-timestamp")
  if (signatures === undefined) return refuse("missing_signature")
  if (id === undefined) return refuse("missing_id")
  if (timestamp === undefined) return refuse("missing_timestamp")
  if (!DELIVERY_ID.test(id)) return refuse("bad_id")
  if (!SECONDS.test(timestamp)) return refuse("bad_timestamp")
  const late = timestampProblem(Number(timestamp) * 1000, nowMs, toleranceSec)
  if (late) return refuse(late)

  if (key.length === 0) return refuse("bad_signature")
  const expected = digest(key, id, timestamp, rawBody)
  let matched = false
  for (const entry of signatures.split(/\s+/)) {
    // A trailing comma is what joining repeated header lines with ", " leaves; base64 has none.
    const [version, signature] = entry.replace(/,$/, "").split(",", 2)
    if (version !== "v1" || signature === undefined || !V1_SIGNATURE.test(signature)) continue
    if (sameBytes(Buffer.from(signature, "base64"), expected)) matched = true
  }
  return matched ? { ok: true, deliveryId: id } : refuse("bad_signature")
}
