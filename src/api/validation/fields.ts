import { CATEGORY_NAME, CATEGORY_NAME_RULE, isTtlSeconds, MAX_TTL_SECONDS } from "../../core/catalogue/event-types"
import { InvalidRequestError } from "../../core/errors/api-errors"
import { isTimeZone, normaliseLocale } from "../../core/templates/locale"

/**
 * One parser for each kind of field the routes accept. Each refuses with an `InvalidRequestError`
 * that names the field; the route's parsers (request-validation, preferences-input,
 * template-input) and the routes themselves build on these.
 */

export type Body = Record<string, unknown>

/** `value` as an object (not null, not an array), or 400 naming `field`. */
export function objectBody(value: unknown, field = "body"): Body {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new InvalidRequestError(field, `${field} must be an object`)
  }
  return value as Body
}

/** What a field name may look like to be repeated in an answer (a form-encoded body can make any text a key). */
export const PLAIN_FIELD_NAME = /^[A-Za-z0-9_.\-[\]]{1,80}$/

/** Refuses the first field of `body` not in `known`; `prefix` (`subscription.`) is put before its name. */
export function onlyKnown(body: Body, known: readonly string[], prefix = ""): void {
  const unknown = Object.keys(body).find((k) => !known.includes(k))
  if (unknown === undefined) return
  if (!PLAIN_FIELD_NAME.test(unknown)) {
    throw new InvalidRequestError(prefix ? prefix.slice(0, -1) : "body", `${prefix || "the body "}has a field that is not accepted`)
  }
  throw new InvalidRequestError(prefix + unknown, `${prefix}${unknown} is not an accepted field`)
}

/** An optional IANA time zone (`Europe/Paris`); `undefined` when absent or null. */
export function timeZone(value: unknown, field = "time_zone"): string | undefined {
  if (value === undefined || value === null) return undefined
  if (!isTimeZone(value)) throw new InvalidRequestError(field, `${field} must be an IANA time zone such as "Europe/Paris"`)
  return value
}

/** The shape of a language tag once written canonically (`fr-CA`, `zh-Hant-TW`); as in openapi.json `Locale`. */
const LOCALE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/

/** An optional BCP 47 language tag, written canonically (`fr_ca` -> `fr-CA`); `undefined` when absent. */
export function locale(value: unknown, field = "locale"): string | undefined {
  if (value === undefined) return undefined
  const canonical = typeof value === "string" && value.length <= 35 ? normaliseLocale(value) : undefined
  if (canonical === undefined || !LOCALE.test(canonical)) {
    throw new InvalidRequestError(field, `${field} must be a language tag such as "en" or "fr-CA"`)
  }
  return canonical
}

/** A category name (see `CATEGORY_NAME`). */
export function category(value: unknown, field = "category"): string {
  if (typeof value !== "string" || !CATEGORY_NAME.test(value)) {
    throw new InvalidRequestError(field, `${field} must be a category name of ${CATEGORY_NAME_RULE}`)
  }
  return value
}

/** An optional list of at most 20 category names, without repeats; `undefined` when absent. */
export function categories(value: unknown, field = "categories"): string[] | undefined {
  if (value === undefined) return undefined
  if (!Array.isArray(value) || value.length > 20 || value.some((c) => typeof c !== "string" || !CATEGORY_NAME.test(c))) {
    throw new InvalidRequestError(field, `${field} must be a list of at most 20 names of ${CATEGORY_NAME_RULE}`)
  }
  return [...new Set(value as string[])]
}

/** Refuses a category not in `known` (the store's categories, or the events an admin may choose). */
export function checkCategories(list: readonly string[] | undefined, known: readonly string[], field = "categories"): void {
  const unknown = list?.find((c) => !known.includes(c))
  if (unknown !== undefined) throw new InvalidRequestError(field, `${field} may only name ${known.join(", ")} (not "${unknown}")`)
}

/** A TTL in seconds, `null` to clear it, or `undefined` when absent. */
export function ttl(value: unknown, field = "ttl"): number | null | undefined {
  if (value === undefined || value === null) return value
  if (!isTtlSeconds(value)) throw new InvalidRequestError(field, `${field} must be a whole number of seconds from 0 to ${MAX_TTL_SECONDS}`)
  return value
}
