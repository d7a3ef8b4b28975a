import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { MESSAGE } from "../../../../core/delivery/statuses"
import { page, queryString, services } from "../../../helpers"

/** A message status (`core/delivery/statuses`). */
const MESSAGE_STATUS = new RegExp(`^(${Object.values(MESSAGE).join("|")})$`)

/** Sent notifications, newest first, with their counts (and `held_count`, `next_window_opens_at`); filter by `event_name`, `status`, `audience`, `resource_id`. */
export async function GET(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const { limit, offset } = page(req)
  const filter = {
    event_name: queryString(req, "event_name", /^[a-z0-9_.-]{1,100}$/i),
    status: queryString(req, "status", MESSAGE_STATUS),
    audience: queryString(req, "audience", /^(customer|admin|broadcast|test|watchers|device)$/),
    resource_id: queryString(req, "resource_id", /^[A-Za-z0-9_]{1,80}$/),
  }
  const [messages, count] = await services(req).messages.list(filter, { limit, offset })
  res.json({ messages, count, limit, offset })
}
