import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { NotFoundError } from "../../../../../core/errors/api-errors"
import { provenDevice } from "../../../../product-alert-device"
import { alertId, parseAlertProof } from "../../../../validation/product-alert-input"

/** A device cancels one of its open product alerts (`{ endpoint, auth }`). */
export async function DELETE(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const id = alertId(req.params.id)
  const { plugin, device } = await provenDevice(req, parseAlertProof(req.body))
  if (!(await plugin.productAlerts.remove(device, id))) throw new NotFoundError("This device has no open alert with this id")
  res.json({ id, deleted: true })
}
