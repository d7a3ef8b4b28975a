import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { InvalidRequestError, NotFoundError } from "../../../../core/api-errors"
import { services } from "../../../helpers"

const DELIVERY_ID = /^pushdel_[A-Za-z0-9]{1,60}$/

/** The service worker reports a click on a notification; recorded against its delivery. */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const body = (req.body ?? {}) as Record<string, unknown>
  if (typeof body !== "object" || Array.isArray(body)) throw new InvalidRequestError("body", "body must be an object")
  const unknown = Object.keys(body).find((k) => k !== "delivery_id" && k !== "action")
  if (unknown) throw new InvalidRequestError(unknown, `${unknown} is not an accepted field`)
  if (typeof body.delivery_id !== "string" || !DELIVERY_ID.test(body.delivery_id)) {
    throw new InvalidRequestError("delivery_id", "delivery_id must be a delivery id (pushdel_...)")
  }
  if (body.action !== undefined && (typeof body.action !== "string" || body.action.length > 64)) {
    throw new InvalidRequestError("action", "action must be a short string")
  }
  const found = await services(req).messages.recordClick(body.delivery_id)
  if (!found) throw new NotFoundError("No such delivery")
  res.status(204).end()
}
