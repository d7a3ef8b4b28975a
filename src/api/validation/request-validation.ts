import { decodeBase64Url } from "../../core/keys/base64url"
import { checkEndpointSyntax, EndpointPolicy } from "../../core/security/endpoint-policy"
import { InvalidRequestError } from "../../core/errors/api-errors"
import { isEmailAddress } from "./email-address"
import { validateSubscriptionKeys } from "../../core/keys/keys"
import { checkLink, LinkPolicy } from "../../core/templates/link-policy"
import { Body, categories, category, locale, objectBody, onlyKnown, timeZone } from "./fields"
import type { ContactMessageInput } from "../../services/contact-message"
import type { BroadcastInput } from "../../services/push-admin-send"
import { parseSegment } from "./segment-input"
import { parseInstant } from "./instant"
import type { SubscriptionInput } from "../../services/push-subscription"

export interface EndpointProof {
  readonly endpoint: string
  readonly auth: string
}

/** A Medusa cart id. */
export const CART_ID = /^cart_[A-Za-z0-9]{1,60}$/
// C0 and C1 control characters except tab and newline; bidi overrides, isolates and marks, which
// can disguise text; invisible separators and byte-order marks. (Zero-width joiners stay: emoji use them.)
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200B\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069\uFEFF]/g
const HAS_CONTROL = new RegExp(CONTROL.source)

function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === "https:"
  } catch {
    return false
  }
}

/** Endpoints are stored as the URL parser writes them; a proof is compared the same way. */
function normaliseUrl(value: string): string {
  try {
    return new URL(value).toString()
  } catch {
    return value
  }
}

/** A required or optional text field: trimmed, control characters removed, length checked. */
function text(body: Body, field: string, opts: { max: number; required: boolean; multiline?: boolean }): string | undefined {
  const value = body[field]
  if (value === undefined || value === null || value === "") {
    if (opts.required) throw new InvalidRequestError(field, `${field} is required`)
    return undefined
  }
  if (typeof value !== "string") throw new InvalidRequestError(field, `${field} must be a string`)
  let clean = value.replace(CONTROL, "")
  if (!opts.multiline) clean = clean.replace(/[\t\n]+/g, " ")
  clean = clean.trim()
  if (clean === "" && opts.required) throw new InvalidRequestError(field, `${field} is required`)
  if (Array.from(clean).length > opts.max) {
    throw new InvalidRequestError(field, `${field} must be at most ${opts.max} characters`)
  }
  return clean === "" ? undefined : clean
}

function expiration(value: unknown): Date | null {
  if (value === undefined || value === null) return null
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 8.64e15) {
    throw new InvalidRequestError("subscription.expirationTime", "subscription.expirationTime must be null or a time in milliseconds")
  }
  return new Date(value)
}

/** `POST .../push/subscriptions`: `{ subscription: {endpoint, expirationTime?, keys}, categories?, locale?, cart_id? }`. */
export function parseSubscriptionBody(raw: unknown, policy: EndpointPolicy, opts: { allowCartId: boolean }): SubscriptionInput {
  const body = objectBody(raw, "body")
  onlyKnown(
    body,
    opts.allowCartId
      ? ["subscription", "categories", "locale", "time_zone", "cart_id"]
      : ["subscription", "categories", "locale", "time_zone"]
  )
  const subscription = objectBody(body.subscription, "subscription")
  onlyKnown(subscription, ["endpoint", "expirationTime", "keys"], "subscription.")
  const endpoint = checkEndpointSyntax(subscription.endpoint, policy).toString()
  const keys = objectBody(subscription.keys, "subscription.keys")
  onlyKnown(keys, ["p256dh", "auth"], "subscription.keys.")
  const { p256dh, auth } = validateSubscriptionKeys({ p256dh: keys.p256dh, auth: keys.auth })
  const language = locale(body.locale)
  const cartId = body.cart_id
  if (cartId !== undefined && (typeof cartId !== "string" || !CART_ID.test(cartId))) {
    throw new InvalidRequestError("cart_id", "cart_id must be a cart id (cart_...)")
  }
  return {
    endpoint,
    p256dh,
    auth,
    expirationTime: expiration(subscription.expirationTime),
    categories: categories(body.categories),
    locale: language,
    cartId: cartId as string | undefined,
    timeZone: timeZone(body.time_zone),
  }
}

/**
 * `POST /store/push/subscriptions/renew`: `{ previous?: { endpoint, auth }, subscription, locale?, categories? }`,
 * sent by the service worker on `pushsubscriptionchange`.
 */
export function parseRenewBody(raw: unknown, policy: EndpointPolicy): { previous?: EndpointProof; input: SubscriptionInput } {
  const body = objectBody(raw, "body")
  const { previous, ...rest } = body
  const input = parseSubscriptionBody(rest, policy, { allowCartId: false })
  if (previous === undefined || previous === null) return { input }
  if (typeof previous !== "object" || Array.isArray(previous)) {
    throw new InvalidRequestError("previous", "previous must be an object with the old endpoint and auth secret")
  }
  try {
    return { previous: parseEndpointProof(previous), input }
  } catch (err) {
    if (err instanceof InvalidRequestError && err.field) throw new InvalidRequestError(`previous.${err.field}`, `previous.${err.message}`)
    throw err
  }
}

/** `DELETE .../push/subscriptions`: `{ endpoint, auth }`; holding both proves the device. */
export function parseEndpointProof(raw: unknown): EndpointProof {
  const body = objectBody(raw, "body")
  onlyKnown(body, ["endpoint", "auth"])
  // Only an https URL can be a stored endpoint; anything else is refused before it reaches a query.
  if (typeof body.endpoint !== "string" || body.endpoint === "" || body.endpoint.length > 2048 || !isHttpsUrl(body.endpoint)) {
    throw new InvalidRequestError("endpoint", "endpoint must be the subscription's endpoint URL")
  }
  const badAuth = new InvalidRequestError("auth", "auth must be the subscription's auth secret (16 bytes, base64url)")
  if (typeof body.auth !== "string") throw badAuth
  let authBytes: Buffer
  try {
    authBytes = decodeBase64Url(body.auth, "auth")
  } catch {
    throw badAuth
  }
  if (authBytes.length !== 16) throw badAuth
  return { endpoint: normaliseUrl(body.endpoint), auth: body.auth.replace(/=+$/, "") }
}

/** `POST /store/contact-messages`: `{ name, email, subject?, message }`. */
export function parseContactMessageBody(raw: unknown): ContactMessageInput {
  const body = objectBody(raw, "body")
  onlyKnown(body, ["name", "email", "subject", "message"])
  const name = text(body, "name", { max: 200, required: true }) as string
  const email = text(body, "email", { max: 254, required: true }) as string
  // An address is refused, not repaired: stripping characters out of it could make another one.
  if (!isEmailAddress(email) || HAS_CONTROL.test(body.email as string)) {
    throw new InvalidRequestError("email", "email must be an e-mail address")
  }
  const subject = text(body, "subject", { max: 200, required: false })
  const message = text(body, "message", { max: 5000, required: true, multiline: true }) as string
  return { name, email, subject, message }
}

/** A broadcast's link: a path on the storefront, or a URL the link rule allows (see `checkLink`). */
function link(body: Body, field: string, links: LinkPolicy): string | undefined {
  const value = text(body, field, { max: 1024, required: false })
  if (value === undefined) return undefined
  const checked = checkLink(value, links.storefrontUrl, links)
  if (!checked.ok) throw new InvalidRequestError(field, `${field} ${checked.problem}`)
  if (value.startsWith("/")) return value
  // The URL as the link rule judged it (and as a browser reads it), written out in full.
  if (/^https?:/i.test(value)) return new URL(value).toString()
  throw new InvalidRequestError(field, `${field} must be an http(s) URL or a path starting with /`)
}

function sendAt(value: unknown): Date | undefined {
  if (value === undefined || value === null) return undefined
  const at = typeof value === "string" ? parseInstant(value, { dayAlone: false }) : null
  if (!at) {
    throw new InvalidRequestError("send_at", 'send_at must be a date and time with its zone, e.g. "2026-12-01T09:00:00Z"')
  }
  return at
}

/** `POST /admin/push/broadcasts`: `{ title, body, url?, icon?, image?, category, segment?, dry_run?, send_at? }`; links follow `links`. */
export function parseBroadcastBody(raw: unknown, links: LinkPolicy): BroadcastInput {
  const body = objectBody(raw, "body")
  onlyKnown(body, ["title", "body", "url", "icon", "image", "category", "segment", "dry_run", "send_at"])
  const title = text(body, "title", { max: 120, required: true }) as string
  const message = text(body, "body", { max: 500, required: true, multiline: true }) as string
  const chosen = category(body.category)
  if (body.dry_run !== undefined && typeof body.dry_run !== "boolean") {
    throw new InvalidRequestError("dry_run", "dry_run must be true or false")
  }
  return {
    title,
    body: message,
    url: link(body, "url", links),
    icon: link(body, "icon", links),
    image: link(body, "image", links),
    category: chosen,
    segment: parseSegment(body.segment),
    dryRun: body.dry_run === true,
    sendAt: sendAt(body.send_at),
  }
}
