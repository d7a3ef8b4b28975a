import { InvalidRequestError } from "../../core/errors/api-errors"
import { objectBody, onlyKnown } from "./fields"
import { CART_ID, EndpointProof, parseEndpointProof } from "./request-validation"

/** `POST` and `DELETE /store/push/carts`: `{ endpoint, auth, cart_id }`; the endpoint and auth secret prove the device. */
export function parseCartWatchBody(raw: unknown): { proof: EndpointProof; cartId: string } {
  const body = objectBody(raw)
  onlyKnown(body, ["endpoint", "auth", "cart_id"])
  const cartId = body.cart_id
  if (typeof cartId !== "string" || !CART_ID.test(cartId)) throw new InvalidRequestError("cart_id", "cart_id must be a cart id (cart_...)")
  return { proof: parseEndpointProof({ endpoint: body.endpoint, auth: body.auth }), cartId }
}
