/**
 * What the starter expects of a store beyond test/support's European catalog: a region with the
 * United States (its default country code, NEXT_PUBLIC_DEFAULT_REGION=us), priced in dollars (the
 * store's default currency), with
 * a shipping option, and the seeded product priced there too, all through the admin API; and a
 * product sold out, for the product page's "notify me".
 */
import type { HttpClient } from "../support/http"
import type { Admin, Catalog } from "../support/seed"

export async function addUsRegion(http: HttpClient, admin: Admin, europe: Catalog): Promise<Catalog> {
  const auth = { apiToken: admin.apiToken }
  // usd is already the store's default currency
  const { region } = await http.expect<{ region: { id: string } }>(200, "POST", "/admin/regions", {
    ...auth,
    body: {
      name: "United States",
      currency_code: "usd",
      tax_rate: 0,
      payment_providers: ["manual"],
      fulfillment_providers: ["manual"],
      countries: ["us"],
    },
  })
  const { shipping_option } = await http.expect<{ shipping_option: { id: string } }>(200, "POST", "/admin/shipping-options", {
    ...auth,
    body: {
      name: "Standard US",
      region_id: region.id,
      provider_id: "manual",
      data: { id: "manual-fulfillment" },
      price_type: "flat_rate",
      amount: 800,
    },
  })
  const { variants } = await http.expect<{ variants: Array<{ product_id: string }> }>(
    200,
    "GET",
    `/admin/variants?id=${europe.variantId}`,
    auth
  )
  await http.expect(200, "POST", `/admin/products/${variants[0].product_id}/variants/${europe.variantId}`, {
    ...auth,
    body: {
      prices: [
        { currency_code: "eur", amount: 4200 },
        { currency_code: "usd", amount: 4500 },
      ],
    },
  })
  return { regionId: region.id, productId: europe.productId, variantId: europe.variantId, shippingOptionId: shipping_option.id }
}

/** A product the starter's product page shows as out of stock (its one variant has none). */
export interface SoldOutProduct {
  productId: string
  variantId: string
  handle: string
  title: string
}

/**
 * A published product in both regions' currencies whose one variant manages its stock and has
 * none, made before `next build` (the starter renders product pages at build time).
 */
export async function addSoldOutProduct(http: HttpClient, admin: Admin): Promise<SoldOutProduct> {
  const title = "Wool Beanie"
  const handle = "wool-beanie"
  const { product } = await http.expect<{ product: { id: string; variants: Array<{ id: string }> } }>(200, "POST", "/admin/products", {
    apiToken: admin.apiToken,
    body: {
      title,
      handle,
      status: "published",
      options: [{ title: "Colour" }],
      variants: [
        {
          title: "Red",
          prices: [
            { currency_code: "eur", amount: 2500 },
            { currency_code: "usd", amount: 2700 },
          ],
          options: [{ value: "Red" }],
          manage_inventory: true,
          allow_backorder: false,
          inventory_quantity: 0,
        },
      ],
    },
  })
  return { productId: product.id, variantId: product.variants[0].id, handle, title }
}
