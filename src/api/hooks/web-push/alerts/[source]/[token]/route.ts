import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { receiveInboundAlert } from "../../../../../inbound-hook"

/** An alert from a source that cannot sign: the unguessable token in the path is its proof. */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  await receiveInboundAlert(req, res)
}
