import { eventNames } from "./event-rules"
import type { EventRule } from "./event-types"

/** The store events that alert admins (an admin device's categories are these names), in rule order. */
export function adminEventNames(rules: readonly EventRule[]): string[] {
  return eventNames(rules.filter((r) => r.audience === "admin"))
}

/** Store events an admin gets by default, by Medusa user role; `null` means every admin event. */
const ROLE_DEFAULTS: Readonly<Record<string, readonly string[] | null>> = {
  admin: null,
  member: ["order.placed", "contact_message.created", "order.return_requested"],
  developer: ["order.payment_capture_failed"],
}

/**
 * What alerts an admin who has not chosen: their role's defaults among `adminEvents`; every one of
 * them for the `admin` role, a missing role or one this plugin does not know. `eventRoles` names
 * the roles of events that say so themselves (an inbound source's `roles`).
 */
export function roleDefaultEvents(
  role: string | null | undefined,
  adminEvents: readonly string[],
  eventRoles: Readonly<Record<string, readonly string[]>> = {}
): string[] {
  const key = role && Object.prototype.hasOwnProperty.call(ROLE_DEFAULTS, role) ? role : "admin"
  const defaults = ROLE_DEFAULTS[key]
  return adminEvents.filter((e) =>
    Object.prototype.hasOwnProperty.call(eventRoles, e) ? eventRoles[e].includes(key) : defaults === null || defaults.includes(e)
  )
}
