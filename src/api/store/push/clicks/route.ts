import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { InvalidRequestError, NotFoundError } from "../../../../core/errors/api-errors"
import { CLICK_TOKEN, clickTokenMatches, DELIVERY_ID } from "../../../../core/security/click-token"
import { services } from "../../../helpers"
import { objectBody, onlyKnown } from "../../../validation/fields"

const FIELDS = ["delivery_id", "click_token", "action"]

/**
 * The service worker reports a click on a notification; recorded against its delivery when the
 * click token (from the notification's data) is that delivery's. A wrong token answers like an
 * unknown delivery.
 */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const body = objectBody(req.body ?? {})
  onlyKnown(body, FIELDS)
  if (typeof body.delivery_id !== "string" || !DELIVERY_ID.test(body.delivery_id)) {
    throw new InvalidRequestError("delivery_id", "delivery_id must be a delivery id (pushdel_...)")
  }
  if (typeof body.click_token !== "string" || !CLICK_TOKEN.test(body.click_token)) {
    throw new InvalidRequestError("click_token", "click_token must be the click token the notification carries")
  }
  if (body.action !== undefined && (typeof body.action !== "string" || body.action.length > 64)) {
    throw new InvalidRequestError("action", "action must be a short string")
  }
  const { options, messages } = services(req)
  const found =
    clickTokenMatches(body.delivery_id, body.click_token, options.clickTokenKey) && (await messages.recordClick(body.delivery_id))
  if (!found) throw new NotFoundError("No such delivery")
  res.status(204).end()
}
