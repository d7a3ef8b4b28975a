import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { receiveInboundAlert } from "../../../../inbound-hook"

/** An alert from a source that signs its requests (Standard Webhooks, Chatwoot, Crisp plugin hooks). */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  await receiveInboundAlert(req, res)
}
