import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { UnauthorizedError } from "../../../../core/errors/api-errors"
import { parseSubscriptionBody } from "../../../validation/request-validation"
import { checkCategories } from "../../../validation/fields"
import { customerId, page, services } from "../../../helpers"
import { register, removeByProof } from "../../../subscription-registration"
import { guestOwner } from "./guest-owner"

/**
 * Registers this browser for the signed-in customer, or, for a guest, for the one order placed
 * with `cart_id` (a completed cart proves the order; an order of a registered account needs its
 * customer signed in).
 */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const { options } = services(req)
  const input = parseSubscriptionBody(req.body, options.endpointPolicy, { allowCartId: true })
  checkCategories(input.categories, options.preferences.categories)
  const signedIn = customerId(req)
  const owner = signedIn ? { customer_id: signedIn } : await guestOwner(req, input.cartId)
  const subscription = await register(req, input, owner, { welcome: true })
  res.status(201).json({ subscription })
}

/** Removes a device: whoever holds its endpoint and auth secret may. */
export const DELETE = removeByProof

/** The signed-in customer's own devices (guest devices belong to an order, and are not listed). */
export async function GET(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const customer = customerId(req)
  if (!customer) throw new UnauthorizedError("A customer must be signed in to list their devices")
  const { limit, offset } = page(req)
  const [subscriptions, count] = await services(req).subscriptions.list({ customer_id: customer }, { limit, offset })
  res.json({ subscriptions, count, limit, offset })
}
