import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { NotFoundError } from "../../../../../core/errors/api-errors"
import { page, services } from "../../../../helpers"

/** One message with its counts, its deliveries held for their window (`held_count`, `next_window_opens_at`) and its deliveries (status, attempts, last status code and error). */
export async function GET(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const { messages } = services(req)
  const id = String(req.params.id)
  const message = /^pushmsg_[A-Za-z0-9]{1,60}$/.test(id) ? await messages.retrieveView(id) : undefined
  if (!message) throw new NotFoundError("No message has this id")
  const { limit, offset } = page(req, 500)
  const deliveries = await messages.listDeliveries(message.id, { limit, offset })
  res.json({ message, deliveries, limit, offset })
}
