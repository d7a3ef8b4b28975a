import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import type PushInboundAlertService from "../../../../services/push-inbound-alert"
import { services } from "../../../helpers"

/** The configured inbound sources, each with the URL to paste into the provider and when it last sent an alert. */
export async function GET(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  services(req)
  const sources = await req.scope.resolve<PushInboundAlertService>("pushInboundAlertService").overview()
  const backend = `${req.protocol}://${req.get("host") ?? "localhost"}`
  res.json({ sources: sources.map((s) => ({ ...s, hook_url: `${backend}${s.hook_path}` })) })
}
