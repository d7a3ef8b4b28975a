import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import type PushInboundAlertService from "../../../../../../services/push-inbound-alert"
import { adminUserId, services } from "../../../../../helpers"

/** Sends a test alert through the source's own path: stored, then alerted like one the provider sent. */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  adminUserId(req)
  services(req)
  const receipt = await req.scope.resolve<PushInboundAlertService>("pushInboundAlertService").sendTest(String(req.params.name))
  res.status(202).json(receipt.kind === "accepted" ? { accepted: true, id: receipt.id } : { accepted: false })
}
