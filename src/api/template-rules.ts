import type { MedusaRequest } from "@medusajs/medusa"
import { NotFoundError } from "../core/errors/api-errors"
import type { EventRule } from "../core/catalogue/event-types"
import { services } from "./helpers"

/** The rule an admin route names by `:event` and `:audience`, or 404. */
export function ruleFrom(req: MedusaRequest, event: unknown, audience: unknown): EventRule {
  const rule = services(req).options.rules.find((r) => r.event === event && r.audience === audience)
  if (!rule) throw new NotFoundError(`No notification is configured for ${String(event)} (${String(audience)})`)
  return rule
}
