import { formatMoney } from "./money"

/** The parts of a Medusa order a template can use; structural, so the core needs no Medusa import. */
export interface OrderLike {
  readonly id: string
  readonly display_id?: number | null
  readonly email?: string | null
  readonly currency_code?: string | null
  readonly total?: number | null
  readonly subtotal?: number | null
  readonly shipping_total?: number | null
  readonly items?: ReadonlyArray<{ readonly title?: string | null; readonly quantity?: number | null }> | null
  readonly customer?: CustomerLike | null
  readonly shipping_address?: { readonly first_name?: string | null; readonly last_name?: string | null } | null
  readonly created_at?: Date | string | null
}

/** The parts of a Medusa cart a reminder can use; `items` in the order they were added. */
export interface CartLike {
  readonly id: string
  readonly total?: number | null
  readonly region?: { readonly currency_code?: string | null } | null
  readonly items?: ReadonlyArray<{
    readonly title?: string | null
    readonly thumbnail?: string | null
    readonly quantity?: number | null
  }> | null
  readonly customer?: CustomerLike | null
}

export interface CustomerLike {
  readonly id?: string
  readonly first_name?: string | null
  readonly last_name?: string | null
  readonly email?: string | null
}

export interface FulfillmentLike {
  readonly id: string
  readonly tracking_numbers?: readonly string[] | null
  readonly tracking_links?: ReadonlyArray<{ readonly tracking_number?: string | null; readonly url?: string | null }> | null
}

export interface ContactMessageLike {
  readonly id: string
  readonly name: string
  readonly email: string
  readonly subject?: string | null
  readonly message: string
}

export interface InboundAlertLike {
  readonly id: string
  readonly source: string
  readonly title: string | null
  readonly name: string | null
  readonly text: string
  readonly url: string | null
  readonly kind: string | null
}

export type TemplateContext = Record<string, unknown>

const EXCERPT_CHARS = 140

/** The first `max` characters of a text on a word boundary, with an ellipsis when cut. */
export function excerpt(text: string, max = EXCERPT_CHARS): string {
  const flat = text.replace(/\s+/g, " ").trim()
  const chars = Array.from(flat)
  if (chars.length <= max) return flat
  const cut = chars.slice(0, max).join("")
  const space = cut.lastIndexOf(" ")
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`
}

function money(amount: number | null | undefined, currency: string | null | undefined, locale: string): string | undefined {
  if (typeof amount !== "number" || !currency) return undefined
  return formatMoney(amount, currency, locale)
}

/** `order` and `customer` variables: amounts formatted in the order's currency and the reader's locale. */
export function orderContext(order: OrderLike, locale = "en"): TemplateContext {
  const customer = order.customer ?? {}
  const items = order.items ?? []
  return {
    order: {
      id: order.id,
      display_id: order.display_id ?? undefined,
      email: order.email ?? undefined,
      currency_code: order.currency_code?.toUpperCase(),
      total: money(order.total, order.currency_code, locale),
      subtotal: money(order.subtotal, order.currency_code, locale),
      shipping_total: money(order.shipping_total, order.currency_code, locale),
      item_count: items.reduce((n, item) => n + (item.quantity ?? 0), 0),
      date: order.created_at ? new Intl.DateTimeFormat(locale, { dateStyle: "medium" }).format(new Date(order.created_at)) : undefined,
      first_item: items[0]?.title ?? undefined,
    },
    customer: {
      id: customer.id,
      first_name: customer.first_name || order.shipping_address?.first_name || undefined,
      last_name: customer.last_name || order.shipping_address?.last_name || undefined,
      email: customer.email || order.email || undefined,
    },
  }
}

/** `cart` and `customer` variables: the item count (quantities added up), the first item's title and picture, the total. */
export function cartContext(cart: CartLike, locale = "en"): TemplateContext {
  const items = cart.items ?? []
  const customer = cart.customer ?? {}
  return {
    cart: {
      id: cart.id,
      item_count: items.reduce((n, item) => n + (item.quantity ?? 0), 0),
      first_item: items[0]?.title ?? undefined,
      thumbnail: items.find((item) => item.thumbnail)?.thumbnail ?? undefined,
      total: money(cart.total, cart.region?.currency_code, locale),
    },
    customer: { id: customer.id, first_name: customer.first_name || undefined, last_name: customer.last_name || undefined },
  }
}

/** `shipment` variables: tracking numbers joined, and the first tracking link when the carrier gave one. */
export function shipmentContext(fulfillment: FulfillmentLike): TemplateContext {
  const links = fulfillment.tracking_links ?? []
  const numbers = [...(fulfillment.tracking_numbers ?? []), ...links.map((l) => l.tracking_number ?? "")]
    .map((n) => n.trim())
    .filter(Boolean)
  const unique = [...new Set(numbers)]
  return {
    shipment: {
      id: fulfillment.id,
      tracking_numbers: unique.length ? unique.join(", ") : undefined,
      tracking_url: links.find((l) => l.url)?.url ?? undefined,
    },
  }
}

/** `contact_message` variables; the message itself only as a short excerpt. */
export function contactMessageContext(message: ContactMessageLike): TemplateContext {
  return {
    contact_message: {
      id: message.id,
      name: message.name,
      email: message.email,
      subject: message.subject ?? undefined,
      excerpt: excerpt(message.message),
    },
  }
}

/** An inbound alert as `inbound.*` (`event` is the sender's own label); absent fields stay empty for fallbacks. */
export function inboundAlertContext(alert: InboundAlertLike): TemplateContext {
  return {
    inbound: {
      id: alert.id,
      source: alert.source,
      title: alert.title ?? undefined,
      name: alert.name ?? undefined,
      text: alert.text,
      url: alert.url ?? undefined,
      event: alert.kind ?? undefined,
    },
  }
}

/** `customer` alone (a notification about the customer's device, such as the welcome): names only. */
export function customerContext(customer: CustomerLike): TemplateContext {
  return { customer: { id: customer.id, first_name: customer.first_name || undefined, last_name: customer.last_name || undefined } }
}

/** Event data as `data.*`: only primitive top-level values, never nested objects. */
export function eventDataContext(data: unknown): TemplateContext {
  const flat: Record<string, string | number | boolean> = {}
  if (data && typeof data === "object") {
    for (const [key, value] of Object.entries(data)) {
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") flat[key] = value
    }
  }
  return { data: flat }
}
