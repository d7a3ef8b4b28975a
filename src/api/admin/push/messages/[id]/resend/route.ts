import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { NotFoundError } from "../../../../../../core/errors/api-errors"
import { services } from "../../../../../helpers"

const MESSAGE_ID = /^pushmsg_[A-Za-z0-9]{1,60}$/

/**
 * Sends a recorded message again to its audience as it is now (see `PushAdminSendService.resend`):
 * a personal, admin or test message is sent before the answer; a broadcast goes on in the
 * background, its progress in the new message's counts.
 */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const id = String(req.params.id)
  if (!MESSAGE_ID.test(id)) throw new NotFoundError("No message has this id")
  const message = await services(req).adminSends.resend(id)
  res.status(201).json({ message, resent_from: id })
}
