import { createHmac } from "node:crypto"
import { headerValue, refuse, sameBytes, timestampProblem } from "./signature-checks"
import { plainText } from "./text"
import { INBOUND_LIMITS, UNKNOWN_SENDER, type InboundParse, type RequestHeaders, type Verification } from "./types"

/**
 * Crisp plugin hooks: `X-Crisp-Signature` is the lowercase hex HMAC-SHA256 under the plugin's
 * signature secret of `[{X-Crisp-Request-Timestamp};{raw body}]`. (Website hooks set up in the
 * dashboard are not signed; Crisp points those at a secret URL parameter instead.) Of the events,
 * a visitor's new message (`message:send`) becomes an alert.
 */

const SIGNATURE = /^[0-9a-fA-F]{64}$/
const TIMESTAMP = /^[0-9]{1,16}$/
/** Crisp does not document the timestamp header's unit: a value above this is milliseconds, else seconds. */
const MILLISECONDS_ABOVE = 1e12
/** Ids put into a link or an id: what Crisp's uuids and `session_<uuid>` ids are made of. */
const WEBSITE_ID = /^[A-Za-z0-9-]{1,64}$/
const SESSION_ID = /^[A-Za-z0-9_-]{1,100}$/
const FINGERPRINT = /^[0-9]{1,20}$/
const MESSAGE_TYPE = /^[a-z_]{1,20}$/

/** The default window either side of now a signed timestamp may be in, in seconds (Crisp documents none). */
export const CRISP_TOLERANCE_SEC = 300

function digest(secret: string, timestamp: string, body: Buffer | string): Buffer {
  return createHmac("sha256", Buffer.from(secret, "utf8")).update(`[${timestamp};`, "utf8").update(body).update("]", "utf8").digest()
}

/** The `X-Crisp-Signature` value (lowercase hex) for `body` sent with `timestamp` as its `X-Crisp-Request-Timestamp`. */
export function signCrisp(secret: string, timestamp: string | number, body: Buffer | string): string {
  return digest(secret, String(timestamp), body).toString("hex")
}

/**
 * Whether a request carries a valid Crisp signature of `rawBody` under `secret`, signed within
 * `toleranceSec` of `nowMs`. The timestamp header is read as milliseconds above 1e12, else as
 * seconds. An empty secret verifies nothing. Crisp sends no delivery id: `deliveryId` is null.
 */
export function verifyCrisp(
  headers: RequestHeaders,
  rawBody: Buffer,
  secret: string,
  nowMs: number,
  toleranceSec: number = CRISP_TOLERANCE_SEC
): Verification {
  const signature = headerValue(headers, "x-crisp-signature")
  const timestamp = headerValue(headers, "x-crisp-request-timestamp")
  if (signature === undefined) return refuse("missing_signature")
  if (timestamp === undefined) return refuse("missing_timestamp")
  if (!TIMESTAMP.test(timestamp)) return refuse("bad_timestamp")
  const value = Number(timestamp)
  const late = timestampProblem(value > MILLISECONDS_ABOVE ? value : value * 1000, nowMs, toleranceSec)
  if (late) return refuse(late)

  if (!SIGNATURE.test(signature) || secret === "") return refuse("bad_signature")
  if (!sameBytes(Buffer.from(signature, "hex"), digest(secret, timestamp, rawBody))) return refuse("bad_signature")
  return { ok: true, deliveryId: null }
}

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value)
const ignored = (reason: string): InboundParse => ({ kind: "ignored", reason })
const matching = (value: unknown, pattern: RegExp): string | null => (typeof value === "string" && pattern.test(value) ? value : null)

/**
 * The alert a Crisp hook event asks for: only `message:send` from a visitor (`data.from` "user").
 * Anything else is `ignored` with a reason: `outgoing` (`message:received`, an operator's
 * message), `not_a_message` (another event), `not_from_contact`, `private_note`, `empty`,
 * `malformed` (a shape Crisp does not send). Never throws.
 */
export function parseCrisp(body: unknown): InboundParse {
  if (!isObject(body) || typeof body.event !== "string") return ignored("malformed")
  if (body.event === "message:received") return ignored("outgoing")
  if (body.event !== "message:send") return ignored("not_a_message")
  const data = body.data
  if (!isObject(data) || typeof data.type !== "string") return ignored("malformed")
  if (data.type === "note") return ignored("private_note")
  if (data.from !== "user") return ignored("not_from_contact")

  let text: string
  if (data.type === "text") {
    if (typeof data.content !== "string") return ignored("malformed")
    text = plainText(data.content, INBOUND_LIMITS.text)
    if (text === "") return ignored("empty")
  } else {
    // A file, an animation, a picker...: its content is an object, shown by its kind only.
    text = `(${MESSAGE_TYPE.test(data.type) ? data.type : "message"})`
  }

  const user = data.user
  const nickname = isObject(user) && typeof user.nickname === "string" ? plainText(user.nickname, INBOUND_LIMITS.name) : ""
  const sessionId = matching(data.session_id, SESSION_ID)
  const fingerprint = typeof data.fingerprint === "number" ? String(data.fingerprint) : data.fingerprint
  const websiteId = matching(body.website_id, WEBSITE_ID) ?? matching(data.website_id, WEBSITE_ID)
  return {
    kind: "alert",
    alert: {
      externalId: sessionId && matching(fingerprint, FINGERPRINT) ? `crisp:${sessionId}:${fingerprint}` : null,
      title: null,
      name: nickname || UNKNOWN_SENDER,
      text,
      // The per-conversation link is what Crisp's inbox uses; Crisp's docs do not spell it out.
      url: websiteId && sessionId ? `https://app.crisp.chat/website/${websiteId}/inbox/${sessionId}/` : null,
      kind: null,
    },
  }
}
