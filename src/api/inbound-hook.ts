import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import type PushInboundAlertService from "../services/push-inbound-alert"
import { services } from "./helpers"
import { checkJsonEncoding, checkJsonMediaType, parseJsonBytes, readRawBody } from "./json-body"

/** Inbound alert bodies are small: a chat message with its conversation's summary. */
export const INBOUND_BODY_LIMIT_BYTES = 64 * 1024
/** A sender has this long to send its body: a client trickling one cannot hold connections open. */
export const INBOUND_BODY_DEADLINE_MS = 10_000

/**
 * `POST /hooks/web-push/alerts/<source>[/<token>]`: an alert from another system. Only JSON is
 * taken (415), for a configured source (404), at most 64 kB within 10 s (413, 408); the exact bytes are
 * verified (401) before they are parsed (400 naming a field). Answers 202 with the stored alert's
 * id, or 200 when there was nothing to store (a duplicate, or an event that is not for admins).
 */
export async function receiveInboundAlert(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  services(req) // 503 naming the option while the options are invalid
  const inbound = req.scope.resolve<PushInboundAlertService>("pushInboundAlertService")
  checkJsonMediaType(req, { bodyRequired: true })
  checkJsonEncoding(req)
  const name = String(req.params.source)
  inbound.source(name)
  const body = await readRawBody(req, INBOUND_BODY_LIMIT_BYTES, INBOUND_BODY_DEADLINE_MS)
  const token = typeof req.params.token === "string" ? req.params.token : undefined
  const verified = inbound.verify(name, { headers: req.headers, body, token })
  const receipt = await inbound.accept(verified, parseJsonBytes(body))
  if (receipt.kind === "accepted") res.status(202).json({ accepted: true, id: receipt.id })
  else res.status(200).json({ accepted: false, reason: receipt.kind === "duplicate" ? "duplicate" : receipt.reason })
}
