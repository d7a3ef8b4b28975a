import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { NotFoundError } from "../../../../core/errors/api-errors"
import { parsePreferencesBody } from "../../../validation/preferences-input"
import { toPublicSubscription } from "../../../../core/subscriptions/public-subscription"
import { services } from "../../../helpers"
import { CART_REMINDERS_CATEGORY } from "../../../../core/carts/cart-reminder-schedule"
import type PushCartReminderService from "../../../../services/push-cart-reminder"

/**
 * A device changes what it receives (categories), its language or its time zone; the endpoint and
 * auth secret prove it is this device, for customers and guests alike.
 */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const { options, subscriptions } = services(req)
  const { proof, preferences } = parsePreferencesBody(req.body, options.preferences.categories)
  const device = await subscriptions.findByProof(proof.endpoint, proof.auth)
  if (!device) throw new NotFoundError("No subscription has this endpoint and auth secret")
  await subscriptions.assertTimeZoneKnown(preferences.time_zone)
  const updated = await subscriptions.updatePreferences(device.id, preferences)
  if (device.customer_id && !device.categories.includes(CART_REMINDERS_CATEGORY) && updated?.categories.includes(CART_REMINDERS_CATEGORY)) {
    // Cart reminders switched on: the customer's open cart is reminded of from now.
    await req.scope.resolve<PushCartReminderService>("pushCartReminderService").watchOpenCarts(device.customer_id)
  }
  res.json({ subscription: updated ? toPublicSubscription(updated) : toPublicSubscription(device) })
}
