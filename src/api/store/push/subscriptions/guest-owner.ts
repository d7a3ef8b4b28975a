import type { CartService, MedusaRequest, OrderService } from "@medusajs/medusa"
import { InvalidRequestError, UnauthorizedError } from "../../../../core/errors/api-errors"
import { services } from "../../../helpers"

const DAY_MS = 86_400_000

/**
 * A guest proves an order by the id of the cart that was completed into it, within
 * `guest_subscription_window_hours` after checkout. The device then belongs to that one order
 * (never to the customer row Medusa shares between every guest order with the same e-mail) until
 * `guest_subscription_days` after it was placed. Medusa shows an order's cart id to anyone who
 * knows its display id and e-mail, so an order of a registered account is claimed by signing in.
 */
export async function guestOwner(req: MedusaRequest, cartId: string | undefined): Promise<{ order_id: string; guest_expires_at: Date }> {
  if (!cartId) {
    throw new UnauthorizedError("Sign in, or pass the cart_id of a completed order, to subscribe")
  }
  const { guestSubscriptionWindowHours: hours, guestSubscriptionDays: days } = services(req).options
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
    .retrieveByCartId(cartId, { relations: ["customer"] })
    .catch(() => undefined)
  if (!order) throw refused
  if (order.customer?.has_account) {
    throw new UnauthorizedError("This order belongs to a registered account: sign in to subscribe to it (its cart_id cannot claim it)")
  }
  return { order_id: order.id, guest_expires_at: new Date(new Date(order.created_at).getTime() + days * DAY_MS) }
}
