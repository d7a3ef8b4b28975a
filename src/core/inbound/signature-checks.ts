import { timingSafeEqual } from "node:crypto"
import type { RequestHeaders, Verification, VerificationReason } from "./types"

/**
 * What the three verifiers share: reading a header, judging a signed timestamp against the clock,
 * and comparing signatures in constant time.
 */

/** A refused verification. */
export function refuse(reason: VerificationReason): Verification {
  return { ok: false, reason }
}

/**
 * A header's value, or `undefined` when absent or empty. A header given as an array (Node's
 * `headersDistinct`, or repeated lines) is joined with ", " as Node joins repeated headers, so both
 * forms verify alike: a repeated timestamp is no integer, and a repeated id matches no signature.
 */
export function headerValue(headers: RequestHeaders, name: string): string | undefined {
  let value = headers[name]
  if (value === undefined) {
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name)
    value = key === undefined ? undefined : headers[key]
  }
  const joined = Array.isArray(value) ? value.join(", ") : value
  return joined === undefined || joined === "" ? undefined : joined
}

/**
 * Why a signed timestamp (`timestampMs`) is out of the window of `toleranceSec` either side of
 * `nowMs`, or `null` when it is within it (the bounds included).
 */
export function timestampProblem(timestampMs: number, nowMs: number, toleranceSec: number): VerificationReason | null {
  const tolerance = toleranceSec * 1000
  if (nowMs - timestampMs > tolerance) return "timestamp_too_old"
  if (timestampMs - nowMs > tolerance) return "timestamp_in_future"
  return null
}

/** Whether two byte strings are equal, in time that depends only on their lengths. */
export function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b)
}

/** A header value fit for an id: 1 to 200 printable ASCII characters, no spaces. */
export const DELIVERY_ID = /^[\x21-\x7e]{1,200}$/
