import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { provenDevice } from "../../../../product-alert-device"
import { parseAlertProof } from "../../../../validation/product-alert-input"

/** A device's open product alerts (`{ endpoint, auth }` in the body: a secret never goes in a URL). */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const { plugin, device } = await provenDevice(req, parseAlertProof(req.body))
  res.json({ alerts: await plugin.productAlerts.list(device) })
}
