import { PayloadTooLargeError } from "../errors/plugin-errors"
import { ENCRYPTION_OVERHEAD_BYTES } from "../transport/encrypt"
import { NotificationContent, wireMessage } from "./declarative-push"

/** What the sender puts in one push: see {@link NotificationContent} and its wire form in `declarative-push`. */
export type NotificationPayload = NotificationContent

/**
 * The largest encrypted body Mozilla's push service passes on to Firefox for Android (it relays
 * through FCM and answers 413 "limited to 3070 bytes" above it): the smallest limit of the push
 * services, where RFC 8030 only promises 4096.
 */
export const SMALLEST_PUSH_SERVICE_BODY_BYTES = 3070

/**
 * Largest plaintext payload sent, in bytes: what still fits {@link SMALLEST_PUSH_SERVICE_BODY_BYTES}
 * once encrypted as one aes128gcm record (3070 - 103 = 2967).
 */
export const MAX_PAYLOAD_BYTES = SMALLEST_PUSH_SERVICE_BODY_BYTES - ENCRYPTION_OVERHEAD_BYTES

const ELLIPSIS = "\u2026"

const segmenter: Intl.Segmenter | undefined =
  typeof Intl.Segmenter === "function" ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : undefined

/** User-perceived characters (grapheme clusters) when available, else code points. */
function characters(text: string): string[] {
  return segmenter ? Array.from(segmenter.segment(text), (s) => s.segment) : Array.from(text)
}

function serialise(n: NotificationPayload): string {
  // JSON.stringify drops undefined fields, including inside `data`.
  return JSON.stringify(wireMessage(n))
}

const size = (json: string): number => Buffer.byteLength(json, "utf8")

/**
 * Longest prefix of `field` (in characters, plus an ellipsis) for which the
 * payload fits, or `undefined` when not even the ellipsis alone fits.
 */
function shorten(n: NotificationPayload, field: "title" | "body", maxBytes: number): NotificationPayload | undefined {
  const chars = characters(n[field])
  const withKept = (kept: number): NotificationPayload => ({
    ...n,
    [field]: chars.slice(0, kept).join("").trimEnd() + ELLIPSIS,
  })
  let lo = 0
  let hi = chars.length - 1
  if (hi < 0 || size(serialise(withKept(0))) > maxBytes) return undefined
  // Invariant: withKept(lo) fits. Find the largest such lo.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2)
    if (size(serialise(withKept(mid))) <= maxBytes) lo = mid
    else hi = mid - 1
  }
  return withKept(lo)
}

/**
 * Serialises a notification as its wire JSON (declarative and legacy shape, see
 * `declarative-push`) within `maxBytes` (UTF-8). When it is too big the body is
 * shortened on a character boundary with an ellipsis, then the title (in both
 * shapes at once: the size is measured on what is sent); if it still cannot fit
 * (e.g. a huge URL) a {@link PayloadTooLargeError} is thrown.
 */
export function buildPayload(n: NotificationPayload, maxBytes: number = MAX_PAYLOAD_BYTES): string {
  const json = serialise(n)
  if (size(json) <= maxBytes) return json

  const bodyShortened = shorten(n, "body", maxBytes)
  if (bodyShortened) return serialise(bodyShortened)

  const withoutBody: NotificationPayload = { ...n, body: "" }
  if (size(serialise(withoutBody)) <= maxBytes) return serialise(withoutBody)

  const titleShortened = shorten(withoutBody, "title", maxBytes)
  if (titleShortened) return serialise(titleShortened)

  throw new PayloadTooLargeError(size(serialise({ ...withoutBody, title: ELLIPSIS })), maxBytes)
}
