/**
 * What the inbound parsers and verifiers hand back: an alert other systems ask admins to see
 * (a chat tool's new visitor message, or a generic signed request), or why a request was refused
 * or ignored.
 */

/** Who sends inbound alerts. */
export type InboundProvider = "chatwoot" | "crisp" | "generic"

/** Raw request headers as Node gives them (lower-case names). */
export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>>

/** What an accepted inbound request asks admins to see. Plain text only, already trimmed and cut to size. */
export interface InboundAlert {
  /** The sender's own id for this alert; a retry of the same alert carries the same id. Max 200 chars. */
  readonly externalId: string | null
  /** generic: the sender's title (required, <= 120 chars). chat providers: null. */
  readonly title: string | null
  /** chat: who wrote (contact/visitor name, <= 80 chars; "a visitor" when unknown). generic: null. */
  readonly name: string | null
  /** The message text / body, plain, whitespace collapsed, <= 300 chars (cut with "…"). */
  readonly text: string
  /** Link to open: absolute https URL (chat: the conversation in the tool) or a path starting with "/" (generic), or null. */
  readonly url: string | null
  /** generic: the sender's own label for the alert kind (/^[a-z0-9][a-z0-9_.-]{0,79}$/), else null. */
  readonly kind: string | null
}

/** A chat provider's event: an alert, or ignored with a short stable reason (`outgoing`, `private_note`, `malformed`, ...). */
export type InboundParse = { readonly kind: "alert"; readonly alert: InboundAlert } | { readonly kind: "ignored"; readonly reason: string }

/** A generic request the route answers with 400, naming the field (`(root)` when the body is not an object). */
export interface InboundInvalid {
  readonly kind: "invalid"
  readonly field: string
  readonly message: string
}

/**
 * The codes a refused verification carries. `bad_id` is a Standard Webhooks `webhook-id` that is
 * no usable idempotency key (over 200 characters, or not printable ASCII).
 */
export type VerificationReason =
  | "missing_signature"
  | "missing_timestamp"
  | "bad_timestamp"
  | "timestamp_too_old"
  | "timestamp_in_future"
  | "bad_signature"
  | "missing_id"
  | "bad_id"

/** Whether a request is signed by the holder of the secret; `deliveryId` is the sender's id for this delivery, if any. */
export type Verification = { readonly ok: true; readonly deliveryId: string | null } | { readonly ok: false; readonly reason: string }

/** The limits of {@link InboundAlert}'s fields, in characters (code points). */
export const INBOUND_LIMITS = {
  externalId: 200,
  title: 120,
  name: 80,
  text: 300,
} as const

/** The pattern of {@link InboundAlert.kind}. */
export const INBOUND_KIND = /^[a-z0-9][a-z0-9_.-]{0,79}$/

/** The name shown when a chat tool does not say who wrote. */
export const UNKNOWN_SENDER = "a visitor"
