import type { Admin, Catalog } from "./seed"
import type { HttpClient } from "./http"

export interface Customer {
  id: string
  email: string
  token: string
}

export interface PlacedOrder {
  id: string
  displayId: number
  cartId: string
  customerId: string
}

/** Registers a customer through the store API and signs them in (bearer token). */
export async function registerCustomer(http: HttpClient, email: string, firstName = "Ada"): Promise<Customer> {
  const password = "customer-secret"
  const { customer } = await http.expect<{ customer: { id: string } }>(200, "POST", "/store/customers", {
    body: { first_name: firstName, last_name: "Lovelace", email, password },
  })
  const { access_token } = await http.expect<{ access_token: string }>(200, "POST", "/store/auth/token", {
    body: { email, password },
  })
  return { id: customer.id, email, token: access_token }
}

/**
 * Medusa's checkout, as a storefront drives it: cart, line item, address, shipping method,
 * payment session, completion. Without a customer token it is a guest checkout. The address is in
 * Germany unless `countryCode` names another country of the catalog's region.
 */
export async function placeOrder(
  http: HttpClient,
  catalog: Catalog,
  who: { token?: string; email: string },
  { countryCode = "de" }: { countryCode?: string } = {}
): Promise<PlacedOrder> {
  const auth = who.token ? { token: who.token } : {}
  const { cart } = await http.expect<{ cart: { id: string } }>(200, "POST", "/store/carts", {
    ...auth,
    body: { region_id: catalog.regionId },
  })
  await http.expect(200, "POST", `/store/carts/${cart.id}/line-items`, {
    ...auth,
    body: { variant_id: catalog.variantId, quantity: 2 },
  })
  return completeCart(http, catalog, who, cart.id, { countryCode })
}

/** Checks out a cart that has items: address, shipping method, payment session, completion. */
export async function completeCart(
  http: HttpClient,
  catalog: Catalog,
  who: { token?: string; email: string },
  cartId: string,
  { countryCode = "de" }: { countryCode?: string } = {}
): Promise<PlacedOrder> {
  const auth = who.token ? { token: who.token } : {}
  const cart = { id: cartId }
  await http.expect(200, "POST", `/store/carts/${cart.id}`, {
    ...auth,
    body: {
      email: who.email,
      shipping_address: {
        first_name: "Ada",
        last_name: "Lovelace",
        address_1: "Hauptstrasse 1",
        city: "Berlin",
        postal_code: "10115",
        country_code: countryCode,
      },
    },
  })
  await http.expect(200, "POST", `/store/carts/${cart.id}/shipping-methods`, {
    ...auth,
    body: { option_id: catalog.shippingOptionId },
  })
  await http.expect(200, "POST", `/store/carts/${cart.id}/payment-sessions`, auth)
  const done = await http.expect<{ type: string; data: { id: string; display_id: number; customer_id: string } }>(
    200,
    "POST",
    `/store/carts/${cart.id}/complete`,
    auth
  )
  if (done.type !== "order") throw new Error(`cart completion gave ${done.type}, not an order`)
  return { id: done.data.id, displayId: done.data.display_id, cartId: cart.id, customerId: done.data.customer_id }
}

/** The warehouse ships: a fulfillment, then a shipment with a tracking number, through the admin API. */
export async function shipOrder(
  http: HttpClient,
  admin: Admin,
  orderId: string,
  opts: { trackingNumber?: string; noNotification?: boolean } = {}
): Promise<{ fulfillmentId: string }> {
  const auth = { apiToken: admin.apiToken }
  const { order } = await http.expect<{ order: { items: Array<{ id: string; quantity: number }> } }>(
    200,
    "GET",
    `/admin/orders/${orderId}`,
    auth
  )
  const fulfilled = await http.expect<{ order: { fulfillments: Array<{ id: string }> } }>(
    200,
    "POST",
    `/admin/orders/${orderId}/fulfillment`,
    {
      ...auth,
      body: {
        items: order.items.map((i) => ({ item_id: i.id, quantity: i.quantity })),
        no_notification: opts.noNotification ?? false,
      },
    }
  )
  const fulfillmentId = fulfilled.order.fulfillments[fulfilled.order.fulfillments.length - 1].id
  await http.expect(200, "POST", `/admin/orders/${orderId}/shipment`, {
    ...auth,
    body: {
      fulfillment_id: fulfillmentId,
      tracking_numbers: opts.trackingNumber ? [opts.trackingNumber] : [],
      no_notification: opts.noNotification ?? false,
    },
  })
  return { fulfillmentId }
}
