import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { adminUserId, services } from "../../../../helpers"
import { automationKey, parseAutomationPatch } from "../../../../validation/automation-input"

/** Turns an automation on or off, or sets the cart reminders' delays (`{ enabled?, delays_minutes? }`). */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const key = automationKey(req.params.key)
  const patch = parseAutomationPatch(key, req.body)
  const { automations } = services(req)
  res.json({ automation: await automations.update(key, patch, adminUserId(req)) })
}

/** Forgets the admin's changes: the automation follows the plugin options again. */
export async function DELETE(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const key = automationKey(req.params.key)
  res.json({ automation: await services(req).automations.reset(key) })
}
