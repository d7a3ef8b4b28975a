import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { NotFoundError } from "../../../../../core/errors/api-errors"
import { checkCategories } from "../../../../validation/fields"
import { parseRenewBody } from "../../../../validation/request-validation"
import { toPublicSubscription } from "../../../../../core/subscriptions/public-subscription"
import { customerId, services, userAgentSummary } from "../../../../helpers"
import { register } from "../../../../subscription-registration"

/**
 * The service worker's `pushsubscriptionchange`: the browser replaced its subscription. The old
 * endpoint and auth secret prove the device (also when the push service already answered 410 for
 * it and it was removed); the new subscription inherits its owner and choices. Without a known
 * previous subscription, a signed-in customer simply subscribes again.
 */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const { options, webPush, subscriptions } = services(req)
  const { previous, input } = parseRenewBody(req.body, options.endpointPolicy)
  const old = previous
    ? ((await subscriptions.findByProof(previous.endpoint, previous.auth)) ??
      (await subscriptions.findGone(previous.endpoint, previous.auth)))
    : undefined
  if (!old?.user_id) checkCategories(input.categories, options.preferences.categories)
  if (!old) {
    const signedIn = customerId(req)
    if (!signedIn) throw new NotFoundError("The previous subscription is unknown; subscribe again")
    res.status(201).json({ subscription: await register(req, input, { customer_id: signedIn }) })
    return
  }
  await webPush.assertEndpointAllowed(input.endpoint)
  await subscriptions.assertTimeZoneKnown(input.timeZone)
  const saved = await subscriptions.replace(old, input, userAgentSummary(req.get("user-agent")))
  res.status(201).json({ subscription: toPublicSubscription(saved) })
}
