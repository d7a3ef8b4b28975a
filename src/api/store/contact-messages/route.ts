import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { parseContactMessageBody } from "../../validation/request-validation"
import { customerId, services } from "../../helpers"

/** A storefront visitor writes to the store; admins are alerted through `contact_message.created`. */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const input = parseContactMessageBody(req.body)
  const saved = await services(req).contactMessages.create(input, customerId(req) ?? null)
  res.status(201).json({ contact_message: { id: saved.id, created_at: saved.created_at } })
}
