import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { alertDevice } from "../../../product-alert-device"
import { parseAlertRequest } from "../../../validation/product-alert-input"

/**
 * A device asks to be told when a variant is back in stock, or when its price in a region falls
 * below today's (`{ endpoint, auth, variant_id, kind, region_id? }`); asking again updates it.
 */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const { proof, request } = parseAlertRequest(req.body)
  const { plugin, device } = await alertDevice(req, proof)
  res.status(201).json({ alert: await plugin.productAlerts.request(device, request) })
}
