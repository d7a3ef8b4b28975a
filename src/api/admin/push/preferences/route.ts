import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { adminEventNames } from "../../../../core/catalogue/admin-events"
import { InvalidRequestError } from "../../../../core/errors/api-errors"
import type PushPreferenceService from "../../../../services/push-preference"
import { adminUserId, services } from "../../../helpers"
import { objectBody, onlyKnown } from "../../../validation/fields"

/** Which store events alert the calling admin, and which they can choose from. */
export async function GET(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const available = adminEventNames(services(req).options.rules)
  const events = await req.scope.resolve<PushPreferenceService>("pushPreferenceService").adminEvents(adminUserId(req), available)
  res.json({ events, available: available.map((event) => ({ event })) })
}

/** `{ events: string[] }`: the store events that alert the calling admin, on all their devices. */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const userId = adminUserId(req)
  const available = adminEventNames(services(req).options.rules)
  const body = objectBody(req.body ?? {})
  onlyKnown(body, ["events"])
  const events = body.events
  if (!Array.isArray(events) || events.some((e) => typeof e !== "string" || !available.includes(e))) {
    throw new InvalidRequestError("events", `events must be a list of: ${available.join(", ")}`)
  }
  await req.scope.resolve<PushPreferenceService>("pushPreferenceService").setAdminEvents(userId, [...new Set(events as string[])])
  res.json({ events: [...new Set(events)] })
}
