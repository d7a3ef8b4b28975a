import { createHmac } from "node:crypto"
import { DELIVERY_ID, headerValue, refuse, sameBytes, timestampProblem } from "./signature-checks"
import { plainText } from "./text"
import { INBOUND_LIMITS, UNKNOWN_SENDER, type InboundParse, type RequestHeaders, type Verification } from "./types"

/**
 * Chatwoot webhooks (signed since Chatwoot 4.11.2): `X-Chatwoot-Signature: sha256=<hex>` of
 * HMAC-SHA256 under the webhook's secret (as UTF-8 text) of `{timestamp}.{raw body}`, with
 * `X-Chatwoot-Timestamp` in seconds and `X-Chatwoot-Delivery`, a uuid retries keep. Of the
 * events, a contact's new public message becomes an alert.
 */

const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/
const SECONDS = /^[0-9]{1,12}$/

/** The default window either side of now a signed timestamp may be in, in seconds (Chatwoot asks receivers for about 5 minutes). */
export const CHATWOOT_TOLERANCE_SEC = 300

/** The `X-Chatwoot-Signature` value (`sha256=<hex>`) for `body` sent at `timestampSec`. */
export function signChatwoot(secret: string, timestampSec: number, body: Buffer | string): string {
  return `sha256=${createHmac("sha256", Buffer.from(secret, "utf8")).update(`${timestampSec}.`, "utf8").update(body).digest("hex")}`
}

/**
 * Whether a request carries a valid Chatwoot signature of `rawBody` under `secret`, signed within
 * `toleranceSec` of `nowMs`. An empty secret verifies nothing. `deliveryId` is `X-Chatwoot-Delivery`
 * when it looks like an id, else null; that header is not signed, so de-duplicate on the alert's
 * `externalId` (which is) rather than on it alone.
 */
export function verifyChatwoot(
  headers: RequestHeaders,
  rawBody: Buffer,
  secret: string,
  nowMs: number,
  toleranceSec: number = CHATWOOT_TOLERANCE_SEC
): Verification {
  const signature = headerValue(headers, "x-chatwoot-signature")
  const timestamp = headerValue(headers, "x-chatwoot-timestamp")
  if (signature === undefined) return refuse("missing_signature")
  if (timestamp === undefined) return refuse("missing_timestamp")
  if (!SECONDS.test(timestamp)) return refuse("bad_timestamp")
  const late = timestampProblem(Number(timestamp) * 1000, nowMs, toleranceSec)
  if (late) return refuse(late)

  const hex = SIGNATURE.exec(signature)?.[1]
  if (hex === undefined || secret === "") return refuse("bad_signature")
  const expected = createHmac("sha256", Buffer.from(secret, "utf8")).update(`${timestamp}.`, "utf8").update(rawBody).digest()
  if (!sameBytes(Buffer.from(hex, "hex"), expected)) return refuse("bad_signature")
  const delivery = headerValue(headers, "x-chatwoot-delivery")
  return { ok: true, deliveryId: delivery !== undefined && DELIVERY_ID.test(delivery) ? delivery : null }
}

/** Options of {@link parseChatwoot}. */
export interface ChatwootParseOptions {
  /** Where the Chatwoot dashboard is (`https://app.chatwoot.com`, or a self-hosted `FRONTEND_URL`); null for no link. */
  readonly baseUrl: string | null
}

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value)
const positiveInteger = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0
const ignored = (reason: string): InboundParse => ({ kind: "ignored", reason })

/**
 * The alert a Chatwoot webhook event asks for: only `message_created` of an incoming (`incoming`,
 * or `0`), public message from a contact. Anything else is `ignored` with a reason:
 * `not_a_message` (another event, an activity or template message), `outgoing`, `private_note`,
 * `not_from_contact` (an agent or a bot), `empty` (no text and no attachment), `malformed`
 * (a shape Chatwoot does not send). Never throws.
 */
export function parseChatwoot(body: unknown, options: ChatwootParseOptions): InboundParse {
  if (!isObject(body) || typeof body.event !== "string") return ignored("malformed")
  if (body.event !== "message_created") return ignored("not_a_message")

  const type = body.message_type
  if (type === "outgoing" || type === 1) return ignored("outgoing")
  if (type !== "incoming" && type !== 0) {
    // An activity or template message, by name or number; anything else is no message type at all.
    return ignored(typeof type === "string" || typeof type === "number" ? "not_a_message" : "malformed")
  }
  if (body.private === true) return ignored("private_note")
  const sender = body.sender
  if (sender !== undefined && sender !== null && !isObject(sender)) return ignored("malformed")
  const senderType = isObject(sender) ? sender.type : undefined
  // An agent ("user") or a bot ("agent_bot") is no contact; a sender without a type counts as one.
  if (senderType !== undefined && senderType !== null && String(senderType).toLowerCase() !== "contact") return ignored("not_from_contact")

  const content = body.content
  if (content !== undefined && content !== null && typeof content !== "string") return ignored("malformed")
  const hasAttachments = Array.isArray(body.attachments) && body.attachments.length > 0
  const text = plainText(content ?? "", INBOUND_LIMITS.text) || (hasAttachments ? "(attachment)" : "")
  if (text === "") return ignored("empty")

  const senderName = isObject(sender) && typeof sender.name === "string" ? plainText(sender.name, INBOUND_LIMITS.name) : ""
  const accountId = isObject(body.account) ? body.account.id : undefined
  return {
    kind: "alert",
    alert: {
      externalId: positiveInteger(accountId) && positiveInteger(body.id) ? `chatwoot:${accountId}:${body.id}` : null,
      title: null,
      name: senderName || UNKNOWN_SENDER,
      text,
      url: conversationUrl(options.baseUrl, accountId, body.conversation),
      kind: null,
    },
  }
}

/**
 * A Chatwoot dashboard address for the options (`https://app.chatwoot.com`, or a self-hosted
 * `FRONTEND_URL`, a sub-path allowed): https, no credentials, query or fragment. Returned without
 * a trailing "/". Throws an Error naming the problem.
 */
export function parseChatwootBaseUrl(value: string): string {
  if (typeof value !== "string" || /[\s\\?#]/.test(value)) {
    throw new Error("a Chatwoot address has no spaces, backslashes, query or fragment")
  }
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new Error("a Chatwoot address is an absolute URL, like https://app.chatwoot.com")
  }
  if (url.protocol !== "https:") throw new Error("a Chatwoot address uses https")
  if (url.username !== "" || url.password !== "") throw new Error("a Chatwoot address carries no user name or password")
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`
}

/** `{base}/app/accounts/{account}/conversations/{display id}`, or null without a usable base or ids. */
function conversationUrl(baseUrl: string | null, accountId: unknown, conversation: unknown): string | null {
  if (baseUrl === null || !/^https:\/\/[^/?#\s\\@]+(\/[^?#\s\\]*)?$/i.test(baseUrl)) return null
  if (!positiveInteger(accountId) || !isObject(conversation)) return null
  // Current payloads carry the display id (the number in the dashboard) as `id`; older ones as `display_id`.
  const displayId = positiveInteger(conversation.display_id) ? conversation.display_id : conversation.id
  if (!positiveInteger(displayId)) return null
  return `${baseUrl.replace(/\/+$/, "")}/app/accounts/${accountId}/conversations/${displayId}`
}
