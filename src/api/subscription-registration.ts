import type { EventBusService, Logger, MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { describeError } from "../core/errors/plugin-errors"
import { WELCOME_EVENT } from "../core/options/welcome-options"
import { ConflictError, NotFoundError } from "../core/errors/api-errors"
import { parseEndpointProof } from "./validation/request-validation"
import type { SubscriptionInput } from "../services/push-subscription"
import { PublicSubscription, toPublicSubscription } from "../core/subscriptions/public-subscription"
import { SubscriptionOwner } from "../core/subscriptions/subscription-owner"
import { services, userAgentSummary } from "./helpers"
import { CART_REMINDERS_CATEGORY } from "../core/carts/cart-reminder-schedule"
import type PushCartReminderService from "../services/push-cart-reminder"

/**
 * Shared by the store and admin routes: re-checks the endpoint against DNS (no private
 * addresses), then stores the device for its owner. A signed-in customer's device whose endpoint
 * is new to the store gets the welcome notification when `welcome.enabled` (through its event, like
 * any other notification; a renewal goes through `replace`, and a guest's or admin's device gets none).
 */
export async function register(
  req: MedusaRequest,
  input: SubscriptionInput,
  owner: SubscriptionOwner,
  { welcome = false }: { welcome?: boolean } = {}
): Promise<PublicSubscription> {
  const { webPush, subscriptions, automations } = services(req)
  await webPush.assertEndpointAllowed(input.endpoint)
  await subscriptions.assertTimeZoneKnown(input.timeZone)
  const saved = await subscriptions.upsert(input, owner, userAgentSummary(req.get("user-agent")))
  if (!saved) {
    throw new ConflictError(
      "This endpoint is registered to another owner; unsubscribe it with its auth secret first",
      "subscription.endpoint"
    )
  }
  if ("customer_id" in owner && saved.categories.includes(CART_REMINDERS_CATEGORY)) {
    // The customer's cart with items in it from before this device subscribed is reminded of too.
    await req.scope.resolve<PushCartReminderService>("pushCartReminderService").watchOpenCarts(owner.customer_id)
  }
  if (welcome && saved.new_endpoint && "customer_id" in owner && (await automations.settings()).welcome.enabled) {
    // The device is saved whatever happens to its welcome.
    await req.scope
      .resolve<EventBusService>("eventBusService")
      .emit(WELCOME_EVENT, { id: saved.id })
      .catch((err: unknown) => req.scope.resolve<Logger>("logger").warn(`web-push: welcome not queued: ${describeError(err)}`))
  }
  return toPublicSubscription(saved)
}

/** `DELETE .../push/subscriptions` (store and admin): whoever holds the endpoint and its auth secret may remove the device. */
export async function removeByProof(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const proof = parseEndpointProof(req.body)
  const removed = await services(req).subscriptions.removeByProof(proof.endpoint, proof.auth)
  if (!removed) throw new NotFoundError("No subscription has this endpoint and auth secret")
  res.json({ deleted: true })
}
