import type { CartService, MedusaRequest, OrderService } from "@medusajs/medusa"
import { InvalidRequestError, UnauthorizedError } from "../../../../core/api-errors"
import { services } from "../../../helpers"

/**
 * A guest proves an order by the id of the cart that was completed into it, within
 * `guest_subscription_window_hours` after checkout; the device then belongs to that order's
 * customer (Medusa v1 gives guests one).
 */
export async function guestOwner(req: MedusaRequest, cartId: string | undefined): Promise<{ customer_id: string }> {
  if (!cartId) {
    throw new UnauthorizedError("Sign in, or pass the cart_id of a completed order, to subscribe")
  }
  const hours = services(req).webPush.options.guestSubscriptionWindowHours
  const refused = new InvalidRequestError("cart_id", `cart_id must be the cart of an order placed in the last ${hours} hours`)
  const cart = await req.scope
    .resolve<CartService>("cartService")
    .retrieve(cartId, { select: ["id", "completed_at"] })
    .catch(() => undefined)
  const completedAt = cart?.completed_at ? new Date(cart.completed_at).getTime() : NaN
  const age = Date.now() - completedAt
  // A completion time in the future (clock skew aside) is as suspect as an old one.
  if (!(age >= -60_000 && age <= hours * 3_600_000)) throw refused
  const order = await req.scope
    .resolve<OrderService>("orderService")
    .retrieveByCartId(cartId, { select: ["id", "customer_id"] })
    .catch(() => undefined)
  if (!order?.customer_id) throw refused
  return { customer_id: order.customer_id }
}
