import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { InvalidRequestError, NotFoundError } from "../../../../core/errors/api-errors"
import { services } from "../../../helpers"
import { objectBody, onlyKnown } from "../../../validation/fields"

const CONTACT_MESSAGE_ID = /^contact_[A-Za-z0-9]{1,60}$/

function contactMessageId(req: MedusaRequest): string {
  const id = String(req.params.id)
  if (!CONTACT_MESSAGE_ID.test(id)) throw new NotFoundError("No contact message has this id")
  return id
}

/** One contact message (the page an admin's "new message" notification opens). */
export async function GET(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const contact_message = await services(req).contactMessages.retrieve(contactMessageId(req))
  res.json({ contact_message })
}

/** `{ read: boolean }`: marks a contact message read or unread again. */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const body = objectBody(req.body)
  onlyKnown(body, ["read"])
  const read = body.read
  if (typeof read !== "boolean") throw new InvalidRequestError("read", "read must be true or false")
  const contact_message = await services(req).contactMessages.markRead(contactMessageId(req), read)
  res.json({ contact_message })
}
