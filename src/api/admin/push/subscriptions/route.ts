import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { adminEventNames } from "../../../../core/catalogue/admin-events"
import { parseSubscriptionBody } from "../../../validation/request-validation"
import { checkCategories } from "../../../validation/fields"
import type PushPreferenceService from "../../../../services/push-preference"
import { adminUserId, page, queryString, services } from "../../../helpers"
import { register, removeByProof } from "../../../subscription-registration"

const OWNER_ID = /^[A-Za-z0-9_]{1,80}$/

/** Registers this browser for the signed-in admin: store-event alerts arrive on it. */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const userId = adminUserId(req)
  const { options } = services(req)
  const input = parseSubscriptionBody(req.body, options.endpointPolicy, { allowCartId: false })
  // An admin's device receives the store events they chose (or their role's defaults).
  const adminEvents = adminEventNames(options.rules)
  checkCategories(input.categories, adminEvents)
  const categories =
    input.categories ?? (await req.scope.resolve<PushPreferenceService>("pushPreferenceService").adminEvents(userId, adminEvents))
  const subscription = await register(req, { ...input, categories }, { user_id: userId })
  res.status(201).json({ subscription })
}

/** Removes a device by its endpoint and auth secret. */
export const DELETE = removeByProof

/** Devices, filtered by `customer_id`, `user_id` or `owner_type` (customer | admin). */
export async function GET(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const { limit, offset } = page(req)
  const ownerType = queryString(req, "owner_type", /^(customer|admin)$/) as "customer" | "admin" | undefined
  const filter = {
    customer_id: queryString(req, "customer_id", OWNER_ID),
    user_id: queryString(req, "user_id", OWNER_ID),
    owner_type: ownerType,
  }
  const [subscriptions, count] = await services(req).subscriptions.list(filter, { limit, offset })
  res.json({ subscriptions, count, limit, offset })
}
