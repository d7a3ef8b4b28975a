import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { NotFoundError } from "../../../../core/errors/api-errors"
import type PushCartReminderService from "../../../../services/push-cart-reminder"
import type { PushSubscription } from "../../../../models/push-subscription"
import { parseCartWatchBody } from "../../../validation/cart-watch-input"
import { services } from "../../../helpers"

/**
 * The device the body proves (endpoint and auth secret), and the cart it names. Taken whether cart
 * reminders are on or off: the link between the device and the cart also credits the cart's order
 * to what the device clicked (revenue attribution), and reminders switched on later find it.
 */
async function provenDevice(req: MedusaRequest): Promise<{ device: PushSubscription; cartId: string; carts: PushCartReminderService }> {
  const { subscriptions } = services(req)
  const { proof, cartId } = parseCartWatchBody(req.body)
  const device = await subscriptions.findByProof(proof.endpoint, proof.auth)
  if (!device) throw new NotFoundError("No subscription has this endpoint and auth secret")
  return { device, cartId, carts: req.scope.resolve<PushCartReminderService>("pushCartReminderService") }
}

/**
 * This device gets the cart's abandoned-cart reminders. The answer is the same whatever the cart:
 * one that does not exist, is completed, or belongs to another registered account is not watched,
 * and the caller is not told.
 */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const { device, cartId, carts } = await provenDevice(req)
  await carts.watch(cartId, device)
  res.status(202).json({ cart_id: cartId })
}

/** This device no longer gets the cart's reminders (same answer whatever the cart). */
export async function DELETE(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const { device, cartId, carts } = await provenDevice(req)
  await carts.unwatch(cartId, device.id)
  res.json({ cart_id: cartId })
}
