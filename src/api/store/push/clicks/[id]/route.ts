import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { InvalidRequestError } from "../../../../../core/errors/api-errors"
import { CLICK_REDIRECT_TOKEN_PARAM } from "../../../../../core/security/click-link"
import { CLICK_TOKEN, DELIVERY_ID } from "../../../../../core/security/click-token"
import { services } from "../../../../helpers"

/**
 * The link a notification shown by the browser itself opens (Declarative Web Push, with the
 * `backend_url` option): records the click when `t` is the delivery's click token, then redirects
 * (303) to the notification's own link, or to the storefront (or admin) when there is none to
 * give. The link comes from the store, never from the request: not an open redirect.
 */
export async function GET(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const { clicks } = services(req)
  const id = String(req.params.id)
  if (!DELIVERY_ID.test(id)) throw new InvalidRequestError("id", "id must be a delivery id (pushdel_...)")
  const token = (req.query as Record<string, unknown>)[CLICK_REDIRECT_TOKEN_PARAM]
  if (token !== undefined && (typeof token !== "string" || !CLICK_TOKEN.test(token))) {
    throw new InvalidRequestError(
      CLICK_REDIRECT_TOKEN_PARAM,
      `${CLICK_REDIRECT_TOKEN_PARAM} must be the click token the notification carries`
    )
  }
  // Express answers HEAD with this handler: a link preview follows, but is no click.
  const target = await clicks.follow(id, token, { record: req.method !== "HEAD" })
  res.setHeader("Cache-Control", "no-store")
  res.setHeader("Referrer-Policy", "no-referrer")
  res.redirect(303, target)
}
