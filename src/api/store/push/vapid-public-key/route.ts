import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { services } from "../../../helpers"

/** The key a browser passes to `pushManager.subscribe` as `applicationServerKey`. */
export async function GET(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  res.json({ public_key: services(req).webPush.vapidPublicKey })
}
