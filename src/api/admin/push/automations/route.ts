import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { services } from "../../../helpers"

/** The automations (abandoned cart, back in stock, price drop, welcome): on or off, delays, what waits and what they sent. */
export async function GET(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  res.json({ automations: await services(req).automations.list() })
}
