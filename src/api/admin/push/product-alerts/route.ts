import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { InvalidRequestError } from "../../../../core/errors/api-errors"
import { services } from "../../../helpers"

const PRODUCT_ID = /^prod_[A-Za-z0-9]{1,60}$/

/** Open back-in-stock and price-drop alerts per variant of one product (`?product_id=`): the product page's widget. */
export async function GET(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const productId = req.query.product_id
  if (typeof productId !== "string" || !PRODUCT_ID.test(productId)) {
    throw new InvalidRequestError("product_id", "product_id must be a product id such as prod_01H...")
  }
  res.json({ product_id: productId, variants: await services(req).productAlerts.countsForProduct(productId) })
}
