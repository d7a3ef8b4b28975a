import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { NotFoundError } from "../../../../core/errors/api-errors"
import { adminUserId, services } from "../../../helpers"

/** Sends a test notification to every device of the calling admin and answers with the outcome. */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const message = await services(req).adminSends.sendTest(adminUserId(req))
  if (!message) throw new NotFoundError("You have no device with push enabled; enable push on this device first")
  res.json({ message })
}
