import type { Container } from "./medusa-app"
import type { HttpClient } from "./http"

export interface Admin {
  id: string
  email: string
  apiToken: string
}

export interface Catalog {
  regionId: string
  productId: string
  variantId: string
  shippingOptionId: string
}

interface UserService {
  create(user: { email: string; api_token?: string; role?: string; first_name?: string }, password: string): Promise<{ id: string }>
}

/** An admin user with a password and an API token, created through Medusa's user service. */
export async function createAdmin(container: Container, email: string, password = "supersecret"): Promise<Admin> {
  const apiToken = `test_token_${Math.random().toString(36).slice(2)}`
  const user = await container
    .resolve<UserService>("userService")
    .create({ email, api_token: apiToken, role: "admin", first_name: email.split("@")[0] }, password)
  return { id: user.id, email, apiToken }
}

/** A bearer token for an admin, from Medusa's own `POST /admin/auth/token`. */
export async function adminBearer(http: HttpClient, email: string, password = "supersecret"): Promise<string> {
  const body = await http.expect<{ access_token: string }>(200, "POST", "/admin/auth/token", { body: { email, password } })
  return body.access_token
}

/** A region (EUR, Germany), a shipping option and one product, all through the admin API. */
export async function seedCatalog(http: HttpClient, admin: Admin): Promise<Catalog> {
  const auth = { apiToken: admin.apiToken }
  await http.expect(200, "POST", "/admin/store/currencies/eur", auth)
  const { region } = await http.expect<{ region: { id: string } }>(200, "POST", "/admin/regions", {
    ...auth,
    body: {
      name: "Europe",
      currency_code: "eur",
      tax_rate: 0,
      payment_providers: ["manual"],
      fulfillment_providers: ["manual"],
      countries: ["de", "fr"],
    },
  })
  const { shipping_option } = await http.expect<{ shipping_option: { id: string } }>(200, "POST", "/admin/shipping-options", {
    ...auth,
    body: {
      name: "Standard",
      region_id: region.id,
      provider_id: "manual",
      data: { id: "manual-fulfillment" },
      price_type: "flat_rate",
      amount: 500,
    },
  })
  const { product } = await http.expect<{ product: { id: string; variants: Array<{ id: string }> } }>(200, "POST", "/admin/products", {
    ...auth,
    body: {
      title: "Medusa Hoodie",
      status: "published",
      options: [{ title: "Size" }],
      variants: [
        {
          title: "M",
          prices: [{ currency_code: "eur", amount: 4200 }],
          options: [{ value: "M" }],
          manage_inventory: false,
        },
      ],
    },
  })
  return { regionId: region.id, productId: product.id, variantId: product.variants[0].id, shippingOptionId: shipping_option.id }
}

export interface ProductSpec {
  title: string
  handle?: string
  thumbnail?: string
  /** Each variant: its title, its price in EUR (cents) and its stock (managed). */
  variants: Array<{ title: string; eur: number; stock: number }>
}

/** A published product with stock-managed variants, through the admin API; its id and its variants' ids by title. */
export async function createProduct(
  http: HttpClient,
  admin: Pick<Admin, "apiToken">,
  spec: ProductSpec
): Promise<{ id: string; variantIds: Record<string, string> }> {
  const { product } = await http.expect<{ product: { id: string; variants: Array<{ id: string; title: string }> } }>(
    200,
    "POST",
    "/admin/products",
    {
      apiToken: admin.apiToken,
      body: {
        title: spec.title,
        ...(spec.handle ? { handle: spec.handle } : {}),
        ...(spec.thumbnail ? { thumbnail: spec.thumbnail } : {}),
        status: "published",
        options: [{ title: "Option" }],
        variants: spec.variants.map((v) => ({
          title: v.title,
          prices: [{ currency_code: "eur", amount: v.eur }],
          options: [{ value: v.title }],
          inventory_quantity: v.stock,
        })),
      },
    }
  )
  return { id: product.id, variantIds: Object.fromEntries(product.variants.map((v) => [v.title, v.id])) }
}
