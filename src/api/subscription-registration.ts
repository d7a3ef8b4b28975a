import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { ConflictError, NotFoundError } from "../core/errors/api-errors"
import { parseEndpointProof } from "./validation/request-validation"
import type { SubscriptionInput } from "../services/push-subscription"
import { PublicSubscription, toPublicSubscription } from "../core/subscriptions/public-subscription"
import { SubscriptionOwner } from "../core/subscriptions/subscription-owner"
import { services, userAgentSummary } from "./helpers"

/**
 * Shared by the store and admin routes: re-checks the endpoint against DNS (no private
 * addresses), then stores the device for its owner.
 */
export async function register(req: MedusaRequest, input: SubscriptionInput, owner: SubscriptionOwner): Promise<PublicSubscription> {
  const { webPush, subscriptions } = services(req)
  await webPush.assertEndpointAllowed(input.endpoint)
  await subscriptions.assertTimeZoneKnown(input.timeZone)
  const saved = await subscriptions.upsert(input, owner, userAgentSummary(req.get("user-agent")))
  if (!saved) {
    throw new ConflictError(
      "This endpoint is registered to another owner; unsubscribe it with its auth secret first",
      "subscription.endpoint"
    )
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
