import type { DevicePreferences } from "../../services/push-subscription"
import { categories, checkCategories, locale, objectBody, onlyKnown, timeZone } from "./fields"
import { parseEndpointProof, EndpointProof } from "./request-validation"

/** `POST /store/push/preferences`: `{ endpoint, auth, categories?, locale?, time_zone? }`. */
export function parsePreferencesBody(
  raw: unknown,
  knownCategories: readonly string[]
): { proof: EndpointProof; preferences: DevicePreferences } {
  const body = objectBody(raw)
  onlyKnown(body, ["endpoint", "auth", "categories", "locale", "time_zone"])
  const proof = parseEndpointProof({ endpoint: body.endpoint, auth: body.auth })
  const preferences: DevicePreferences = {}
  const chosen = categories(body.categories)
  if (chosen !== undefined) {
    checkCategories(chosen, knownCategories)
    preferences.categories = chosen
  }
  const language = locale(body.locale)
  if (language !== undefined) preferences.locale = language
  const zone = timeZone(body.time_zone)
  if (zone !== undefined) preferences.time_zone = zone
  return { proof, preferences }
}
