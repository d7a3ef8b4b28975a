import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { services } from "../../../helpers"
import { askingDevice, assertAlertsOn } from "../../../product-alert-device"
import { parseAlertRequest } from "../../../validation/product-alert-input"

/**
 * A device asks to be told when a variant is back in stock, or when its price in a region falls
 * below today's (`{ endpoint, auth, variant_id, kind, region_id? }`); asking again updates it. A
 * browser the store does not know yet sends its whole `subscription` instead of endpoint and auth.
 */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const plugin = services(req)
  const { device: asking, request } = parseAlertRequest(req.body, plugin.options.endpointPolicy)
  await assertAlertsOn(plugin, request.kind)
  // Checked before a new browser is registered: a refused request stores nothing.
  const prepared = await plugin.productAlerts.prepare(request)
  const { device } = await askingDevice(req, asking)
  res.status(201).json({ alert: await plugin.productAlerts.record(device, prepared) })
}
