import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { randomUUID } from "node:crypto"
import { InvalidRequestError } from "../../../../core/errors/api-errors"
import { checkCategories } from "../../../validation/fields"
import { parseBroadcastBody } from "../../../validation/request-validation"
import { summary } from "../../../../services/push-notification"
import { services } from "../../../helpers"

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,100}$/

/**
 * An announcement to every customer who opted into `category`, or to a `segment` of them
 * (customer groups, regions, order history, device language, subscription date; see
 * `BroadcastSegment`: an unknown key, or a group or region the store does not have, is a 400
 * naming the field). `dry_run: true` answers the
 * recipient count without sending; otherwise 202 with the message, whose counts show progress.
 * Both carry how many devices get it now (`sending_now`) and how many wait for their delivery
 * window (`held_for_window`, the first opening at `next_window_opens_at`).
 * An `Idempotency-Key` header makes a retried request answer the first one's message.
 */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const { adminSends, options } = services(req)
  const input = parseBroadcastBody(req.body, options.links)
  checkCategories([input.category], options.preferences.categories, "category")
  await adminSends.checkSegment(input.segment)
  if (input.dryRun) {
    res.json({ dry_run: true, segment: input.segment, ...(await adminSends.broadcastReach(input.category, input.segment, input.sendAt)) })
    return
  }
  const header = req.get("idempotency-key")
  if (header !== undefined && !IDEMPOTENCY_KEY.test(header)) {
    throw new InvalidRequestError("Idempotency-Key", "the Idempotency-Key header must be 8 to 100 letters, digits or _.:-")
  }
  const { message, reach } = await adminSends.broadcast(input, header ?? randomUUID())
  res.status(202).json({ message: summary(message), segment: message.segment ?? null, ...reach })
}
