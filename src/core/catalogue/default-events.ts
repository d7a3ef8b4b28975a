/**
 * The event catalogue: which Medusa event notifies which audience, with what default text. It is
 * data, merged with the plugin's `events` option by `buildEventRules` (event-rules.ts).
 */
import type { CatalogueEntry } from "./event-types"

const DAY = 86400
const ORDER_PAGE = "/order/confirmed/{{order.id}}"
const ADMIN_ORDER_PAGE = "/a/orders/{{order.id}}"
const ORDER_TAG = "order-{{order.id}}"
const ADMIN_ORDER_TAG = "admin-order-{{order.id}}"
const PRODUCT_PAGE = "/products/{{product.handle}}"
const TRACKING = 'Tracking: {{shipment.tracking_numbers | "see your order page"}}.'

/**
 * Built-in notifications. Context the orchestrator provides: `order` (with
 * `total` already formatted by `formatMoney`), `customer`, `shipment`
 * (`tracking_numbers`: string[]), `refund` (`amount` formatted),
 * `contact_message` (`excerpt`: a short plain-text preview), `cart` (`item_count`, `first_item`,
 * `thumbnail`, `total` formatted) and `reminder.step` (1 to 3) for the abandoned-cart reminder;
 * for product alerts `product` (`title`, `handle`, `thumbnail`), `variant` (`title`, absent for a
 * single-variant product) and `price` (`current`, `previous`, formatted); the welcome has
 * `customer` only.
 */
const entries: CatalogueEntry[] = [
  // customer: order updates
  {
    event: "order.placed",
    audience: "customer",
    loads: "order",
    category: "order_updates",
    template: {
      title: "Order #{{order.display_id}} confirmed",
      body: "Thanks {{customer.first_name}}! We received your order of {{order.total}}.",
      url: ORDER_PAGE,
      tag: ORDER_TAG,
      ttl: DAY,
      urgency: "normal",
    },
  },
  {
    event: "order.shipment_created",
    audience: "customer",
    loads: "order_shipment",
    category: "order_updates",
    template: {
      title: "Order #{{order.display_id}} has shipped",
      body: `Your order is on its way. ${TRACKING}`,
      url: ORDER_PAGE,
      tag: ORDER_TAG,
      ttl: 3 * DAY,
      urgency: "normal",
    },
  },
  {
    event: "order.canceled",
    audience: "customer",
    loads: "order",
    category: "order_updates",
    template: {
      title: "Order #{{order.display_id}} canceled",
      body: "Hi {{customer.first_name}}, your order has been canceled. Contact us if this is unexpected.",
      url: ORDER_PAGE,
      tag: ORDER_TAG,
      ttl: DAY,
      urgency: "normal",
    },
  },
  {
    event: "order.refund_created",
    audience: "customer",
    loads: "order_refund",
    category: "order_updates",
    template: {
      title: "Refund for order #{{order.display_id}}",
      body: "We refunded {{refund.amount}}. It can take a few days to show on your statement.",
      url: ORDER_PAGE,
      tag: ORDER_TAG,
      ttl: DAY,
      urgency: "normal",
    },
  },
  {
    event: "swap.shipment_created",
    audience: "customer",
    loads: "swap_shipment",
    category: "order_updates",
    template: {
      title: "Your exchange for order #{{order.display_id}} has shipped",
      body: `Your new items are on their way. ${TRACKING}`,
      url: ORDER_PAGE,
      tag: ORDER_TAG,
      ttl: 3 * DAY,
      urgency: "normal",
    },
  },
  {
    event: "claim.shipment_created",
    audience: "customer",
    loads: "claim_shipment",
    category: "order_updates",
    template: {
      title: "Your replacement for order #{{order.display_id}} has shipped",
      body: `Your replacement items are on their way. ${TRACKING}`,
      url: ORDER_PAGE,
      tag: ORDER_TAG,
      ttl: 3 * DAY,
      urgency: "normal",
    },
  },
  // customer: product alerts the reader asked for (sent when stock or a price changes, not on a store event)
  {
    event: "product_variant.back_in_stock",
    audience: "customer",
    loads: "product_alert",
    category: "product_alerts",
    template: {
      title: "Back in stock: {{product.title}}",
      body: '{{variant.title | "It"}} is available again. Get yours before it sells out.',
      url: PRODUCT_PAGE,
      image: "{{product.thumbnail}}",
      tag: "stock-{{variant.id}}",
      ttl: 2 * DAY,
      urgency: "normal",
    },
  },
  {
    event: "product_variant.price_drop",
    audience: "customer",
    loads: "product_alert",
    category: "product_alerts",
    template: {
      title: "Price drop: {{product.title}}",
      body: "Now {{price.current}} (was {{price.previous}}).",
      url: PRODUCT_PAGE,
      image: "{{product.thumbnail}}",
      tag: "price-{{variant.id}}",
      ttl: 2 * DAY,
      urgency: "normal",
    },
  },
  // customer: the welcome on a device's first subscription (sent only with the `welcome` option on)
  {
    event: "web_push.welcome",
    audience: "customer",
    loads: "subscription",
    category: "welcome",
    template: {
      title: "Notifications are on",
      body: 'Thanks {{customer.first_name | "for subscribing"}}! We will let you know when your orders move.',
      url: "/",
      tag: "welcome-{{customer.id}}",
      ttl: DAY,
      urgency: "normal",
    },
  },
  // customer: abandoned-cart reminders, raised by the plugin (services/push-cart-reminder), one per cart and step
  {
    event: "cart.abandoned",
    audience: "customer",
    loads: "cart",
    category: "cart_reminders",
    template: {
      title: "Your cart ({{cart.item_count}}) is waiting",
      body: 'Still thinking about {{cart.first_item | "it"}}? Your cart is saved for you.',
      url: "/cart",
      image: "{{cart.thumbnail}}",
      tag: "cart-{{cart.id}}",
      ttl: DAY,
      urgency: "low",
    },
  },
  // admin: store alerts
  {
    event: "order.placed",
    audience: "admin",
    loads: "order",
    category: "order.placed",
    template: {
      title: "New order #{{order.display_id}}",
      body: '{{order.total}} from {{customer.email | "a guest"}}',
      url: ADMIN_ORDER_PAGE,
      tag: ADMIN_ORDER_TAG,
      ttl: DAY,
      urgency: "high",
    },
  },
  {
    event: "contact_message.created",
    audience: "admin",
    loads: "contact_message",
    category: "contact_message.created",
    template: {
      title: 'New message from {{contact_message.name | "a visitor"}}',
      body: '{{contact_message.subject | "No subject"}}: {{contact_message.excerpt}}',
      url: "/a/contact-messages/{{contact_message.id}}",
      tag: "contact-message-{{contact_message.id}}",
      ttl: DAY,
      urgency: "high",
    },
  },
  {
    event: "order.payment_capture_failed",
    audience: "admin",
    loads: "order",
    category: "order.payment_capture_failed",
    template: {
      title: "Payment capture failed: order #{{order.display_id}}",
      body: "Capturing {{order.total}} failed. Check the payment before fulfilling.",
      url: ADMIN_ORDER_PAGE,
      tag: ADMIN_ORDER_TAG,
      ttl: DAY,
      urgency: "high",
    },
  },
  {
    event: "order.return_requested",
    audience: "admin",
    loads: "order",
    category: "order.return_requested",
    template: {
      title: "Return requested: order #{{order.display_id}}",
      body: '{{customer.email | "A customer"}} asked to return items from order #{{order.display_id}}.',
      url: ADMIN_ORDER_PAGE,
      tag: ADMIN_ORDER_TAG,
      ttl: DAY,
      urgency: "normal",
    },
  },
]

for (const entry of entries) {
  Object.freeze(entry.template)
  Object.freeze(entry)
}

export const EVENT_CATALOGUE: readonly CatalogueEntry[] = Object.freeze(entries)
