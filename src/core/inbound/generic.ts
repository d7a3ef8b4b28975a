import { charCount, cleanText, cutText } from "./text"
import { INBOUND_KIND, INBOUND_LIMITS, type InboundInvalid, type InboundParse } from "./types"

/**
 * The generic inbound alert, for any system that signs its requests the Standard Webhooks way:
 * a JSON object `{ title, body?, url?, event?, id? }`. Anything wrong is refused naming the field,
 * so the sender sees what to fix.
 */

/** The fields a generic alert may have. */
export const GENERIC_FIELDS = ["title", "body", "url", "event", "id"] as const

/** Longest body accepted (characters); a longer one is refused rather than silently cut to {@link INBOUND_LIMITS}.text. */
export const GENERIC_MAX_BODY = 2000
/** Longest link accepted (characters). */
export const GENERIC_MAX_URL = 2000

const invalid = (field: string, message: string): InboundInvalid => ({ kind: "invalid", field, message })

/** A link to open: a path on the admin (`/a/orders/1`, one leading "/") or an absolute https URL without credentials. */
function checkUrl(value: string): string | null {
  if (value.length > GENERIC_MAX_URL || /[\u0000-\u0020\u007f-\u009f\\]/.test(value)) return null
  if (value.startsWith("/")) return value.startsWith("//") ? null : value
  if (!/^https:\/\//i.test(value)) return null
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return null
  }
  if (url.protocol !== "https:" || url.hostname === "" || url.username !== "" || url.password !== "") return null
  return url.href
}

/**
 * A generic alert, or why not. `title` (required, 1 to 120 characters once cleaned), `body`
 * (up to 2000 characters, shown cut to 300), `url` (see above), `event` (the sender's label, the
 * {@link INBOUND_KIND} pattern) and `id` (the sender's id for the alert, up to 200 printable
 * characters; retries carry the same). `null` counts as absent for the optional fields; any other
 * field is refused. `field` is `(root)` when the body is no JSON object.
 */
export function parseGeneric(body: unknown): InboundParse | InboundInvalid {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return invalid("(root)", "must be a JSON object")
  const fields = body as Record<string, unknown>
  const known: readonly string[] = GENERIC_FIELDS
  const unknown = Object.keys(fields).find((k) => !known.includes(k))
  if (unknown !== undefined) return invalid(cutText(cleanText(unknown), 40), `is not a field of an alert (${GENERIC_FIELDS.join(", ")})`)

  if (typeof fields.title !== "string") return invalid("title", "is required, a string")
  const title = cleanText(fields.title)
  if (title === "") return invalid("title", "must not be empty")
  if (charCount(title) > INBOUND_LIMITS.title) return invalid("title", `must be at most ${INBOUND_LIMITS.title} characters`)

  let text = ""
  if (fields.body !== undefined && fields.body !== null) {
    if (typeof fields.body !== "string") return invalid("body", "must be a string")
    const cleaned = cleanText(fields.body)
    if (charCount(cleaned) > GENERIC_MAX_BODY) return invalid("body", `must be at most ${GENERIC_MAX_BODY} characters`)
    text = cutText(cleaned, INBOUND_LIMITS.text)
  }

  let url: string | null = null
  if (fields.url !== undefined && fields.url !== null) {
    if (typeof fields.url !== "string") return invalid("url", "must be a string")
    url = checkUrl(fields.url)
    if (url === null)
      return invalid(
        "url",
        `must be a path starting with one "/" or an https URL without credentials, at most ${GENERIC_MAX_URL} characters`
      )
  }

  let kind: string | null = null
  if (fields.event !== undefined && fields.event !== null) {
    if (typeof fields.event !== "string" || !INBOUND_KIND.test(fields.event)) {
      return invalid("event", "must be 1 to 80 of a-z 0-9 _ . - starting with a letter or digit")
    }
    kind = fields.event
  }

  let externalId: string | null = null
  if (fields.id !== undefined && fields.id !== null) {
    if (typeof fields.id !== "string") return invalid("id", "must be a string")
    externalId = fields.id.trim()
    if (externalId === "" || /[\u0000-\u001f\u007f-\u009f]/.test(externalId)) return invalid("id", "must be printable text, not empty")
    if (charCount(externalId) > INBOUND_LIMITS.externalId) return invalid("id", `must be at most ${INBOUND_LIMITS.externalId} characters`)
  }

  return { kind: "alert", alert: { externalId, title, name: null, text, url, kind } }
}
