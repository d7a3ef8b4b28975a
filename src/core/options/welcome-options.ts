import { PluginOptionsError } from "../errors/plugin-errors"
import { isPlainObject, refuseUnknownKeys } from "./option-values"

/** The event of the welcome notification (its template is `web_push.welcome:customer` in the catalogue). */
export const WELCOME_EVENT = "web_push.welcome"

/**
 * `welcome`: a notification to a signed-in customer's device the first time it subscribes (an
 * endpoint new to the store; a renewal or a re-subscribe of a known endpoint is not a first
 * time, and a guest device, which only asked for its order's news, gets none). Sent once per
 * device, at once (it answers the reader's own action: never held for the delivery window).
 */
export interface WelcomeOption {
  /** @defaultValue false */
  enabled?: boolean
}

export interface ResolvedWelcome {
  readonly enabled: boolean
}

export function resolveWelcome(value: unknown): ResolvedWelcome {
  if (value === undefined) return { enabled: false }
  if (!isPlainObject(value)) throw new PluginOptionsError("welcome", "must be an object such as { enabled: true }")
  refuseUnknownKeys(value, ["enabled"], "welcome")
  if (value.enabled !== undefined && typeof value.enabled !== "boolean") {
    throw new PluginOptionsError("welcome.enabled", "must be true or false")
  }
  return { enabled: value.enabled === true }
}
