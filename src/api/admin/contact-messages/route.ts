import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { page, queryString, services } from "../../helpers"

/** Contact messages, newest first; `?unread=true` for the unread ones. */
export async function GET(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const { limit, offset } = page(req)
  const unread = queryString(req, "unread", /^(true|false)$/) === "true"
  const [contact_messages, count] = await services(req).contactMessages.list({ limit, offset }, { unread })
  res.json({ contact_messages, count, limit, offset })
}
