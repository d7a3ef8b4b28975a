import { InvalidRequestError } from "../../core/errors/api-errors"
import { isTimeZone, normaliseLocale } from "../../core/templates/locale"
import { parseEndpointProof, EndpointProof } from "./request-validation"
import type { DevicePreferences } from "../../services/push-subscription"

/** Categories a customer may choose: the built-in ones and the store's own (option `categories`). */
export function checkCategories(categories: readonly string[] | undefined, known: readonly string[], field = "categories"): void {
  const unknown = categories?.find((c) => !known.includes(c))
  if (unknown !== undefined) throw new InvalidRequestError(field, `${field} may only name ${known.join(", ")} (not "${unknown}")`)
}

/** `time_zone`: an IANA zone such as `Europe/Paris`. */
export function parseTimeZone(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined
  if (!isTimeZone(value)) throw new InvalidRequestError("time_zone", 'time_zone must be an IANA time zone such as "Europe/Paris"')
  return value
}

/** `POST /store/push/preferences`: `{ endpoint, auth, categories?, locale?, time_zone? }`. */
export function parsePreferencesBody(raw: unknown, knownCategories: readonly string[]): { proof: EndpointProof; preferences: DevicePreferences } {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new InvalidRequestError("body", "body must be an object")
  const { endpoint, auth, categories, locale, time_zone, ...rest } = raw as Record<string, unknown>
  const extra = Object.keys(rest)[0]
  if (extra !== undefined) throw new InvalidRequestError(extra, `${extra} is not an accepted field`)
  const proof = parseEndpointProof({ endpoint, auth })
  const preferences: DevicePreferences = {}
  if (categories !== undefined) {
    if (!Array.isArray(categories) || categories.length > 20 || categories.some((c) => typeof c !== "string")) {
      throw new InvalidRequestError("categories", "categories must be a list of category names")
    }
    checkCategories(categories as string[], knownCategories)
    preferences.categories = [...new Set(categories as string[])]
  }
  if (locale !== undefined) {
    const normal = normaliseLocale(typeof locale === "string" ? locale : undefined)
    if (!normal) throw new InvalidRequestError("locale", 'locale must be a language tag such as "en" or "fr-CA"')
    preferences.locale = normal
  }
  const zone = parseTimeZone(time_zone)
  if (zone !== undefined) preferences.time_zone = zone
  return { proof, preferences }
}
