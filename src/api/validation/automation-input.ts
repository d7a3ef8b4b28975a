import { isAutomationKey, type AutomationKey } from "../../core/catalogue/automations"
import { delaysProblem, DELAYS_RULE } from "../../core/options/abandoned-cart-options"
import { InvalidRequestError, NotFoundError } from "../../core/errors/api-errors"
import type { AutomationPatch } from "../../services/push-automation"
import { objectBody, onlyKnown } from "./fields"

/** The automation named in the path, or 404. */
export function automationKey(value: unknown): AutomationKey {
  if (!isAutomationKey(value)) throw new NotFoundError("No automation has this name (abandoned_cart, back_in_stock, price_drop, welcome)")
  return value
}

/** `POST /admin/push/automations/:key`: `{ enabled?, delays_minutes? }`; `null` follows the plugin options again. */
export function parseAutomationPatch(key: AutomationKey, raw: unknown): AutomationPatch {
  const body = objectBody(raw)
  onlyKnown(body, key === "abandoned_cart" ? ["enabled", "delays_minutes"] : ["enabled"])
  const { enabled, delays_minutes } = body
  if (enabled !== undefined && enabled !== null && typeof enabled !== "boolean") {
    throw new InvalidRequestError("enabled", "enabled must be true, false or null (follow the plugin options)")
  }
  if (delays_minutes !== undefined && delays_minutes !== null) {
    const problem = delaysProblem(delays_minutes)
    if (problem) {
      const field = problem.at === null ? "delays_minutes" : `delays_minutes.${problem.at}`
      throw new InvalidRequestError(field, `delays_minutes ${DELAYS_RULE}`)
    }
  }
  if (enabled === undefined && delays_minutes === undefined) throw new InvalidRequestError("body", "send enabled or delays_minutes")
  return { enabled: enabled as boolean | null | undefined, delays_minutes: delays_minutes as number[] | null | undefined }
}
