import type { CartService, MedusaRequest, OrderService } from "@medusajs/medusa"
import { InvalidRequestError, UnauthorizedError } from "../../../../core/api-errors"

/** How long after checkout a guest may subscribe with the cart id alone. */
export const GUEST_PROOF_WINDOW_MS = 24 * 60 * 60 * 1000

/**
 * A guest proves an order by the id of the cart that was completed into it, within a window
 * after checkout; the device then belongs to that order's customer (Medusa v1 gives guests one).
 */
export async function guestOwner(req: MedusaRequest, cartId: string | undefined): Promise<{ customer_id: string }> {
  if (!cartId) {
    throw new UnauthorizedError("Sign in, or pass the cart_id of a completed order, to subscribe")
  }
  const refused = new InvalidRequestError("cart_id", "cart_id must be the cart of an order placed in the last 24 hours")
  const cart = await req.scope
    .resolve<CartService>("cartService")
    .retrieve(cartId, { select: ["id", "completed_at"] })
    .catch(() => undefined)
  if (!cart?.completed_at || Date.now() - new Date(cart.completed_at).getTime() > GUEST_PROOF_WINDOW_MS) throw refused
  const order = await req.scope
    .resolve<OrderService>("orderService")
    .retrieveByCartId(cartId, { select: ["id", "customer_id"] })
    .catch(() => undefined)
  if (!order?.customer_id) throw refused
  return { customer_id: order.customer_id }
}
