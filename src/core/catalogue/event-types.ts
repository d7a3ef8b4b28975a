/** Who a notification is for: the customer the event concerns, or store admins. */
export type Audience = "customer" | "admin"

/** RFC 8030 `Urgency` header values. */
export type Urgency = "very-low" | "low" | "normal" | "high"

/** What the orchestrator loads to build the template context for an event. */
export type ResourceKind =
  | "order"
  | "order_shipment"
  | "swap_shipment"
  | "claim_shipment"
  | "order_refund"
  | "contact_message"
  | "inbound_alert"
  | "product_alert"
  | "subscription"
  | "cart"
  | "none"

/** Template strings (see `renderTemplate`) and delivery settings for one notification. */
export interface TemplateFields {
  title: string
  body: string
  /** Path relative to the storefront (customer) or admin (admin) base URL, or an absolute https URL. */
  url: string
  icon?: string
  badge?: string
  image?: string
  /** Notifications sharing a tag replace each other on the device. */
  tag?: string
  /** Seconds the push service keeps an undelivered message (0 to 2419200). */
  ttl: number
  urgency: Urgency
}

/** One built-in event -> audience -> template mapping. */
export interface CatalogueEntry {
  event: string
  audience: Audience
  loads: ResourceKind
  /** Preference category a subscriber opts into, e.g. `order_updates`. */
  category: string
  template: TemplateFields
}

/** Plugin-option override of one event for one audience; any field may be left out. */
export interface EventRuleOverride {
  /** @defaultValue true */
  enabled?: boolean
  loads?: ResourceKind
  category?: string
  title?: string
  body?: string
  url?: string
  icon?: string
  badge?: string
  image?: string
  tag?: string
  ttl?: number
  urgency?: Urgency
  /** Text per language tag, e.g. `{ fr: { title: "...", body: "..." } }`; falls back `fr-CA` -> `fr` -> default. */
  locales?: Record<string, LocaleTexts>
}

/** The fields of a template that are written per language. */
export interface LocaleTexts {
  title?: string
  body?: string
  url?: string
  icon?: string
  image?: string
}

/**
 * The `events` plugin option: per event name, `false` to turn the event off,
 * or per audience an override (`false` turns that audience off).
 */
export type EventsOption = Record<string, false | Partial<Record<Audience, EventRuleOverride | false>>>

/** The effective mapping after defaults and options are merged. */
export interface EventRule {
  event: string
  audience: Audience
  loads: ResourceKind
  category: string
  template: TemplateFields
  /** Per-language text from the `locales` option. */
  locales?: Readonly<Record<string, LocaleTexts>>
}

export const AUDIENCES: readonly Audience[] = ["customer", "admin"]
export const URGENCIES: readonly Urgency[] = ["very-low", "low", "normal", "high"]
export const RESOURCE_KINDS: readonly ResourceKind[] = [
  "order",
  "order_shipment",
  "swap_shipment",
  "claim_shipment",
  "order_refund",
  "contact_message",
  "inbound_alert",
  "product_alert",
  "subscription",
  "cart",
  "none",
]

/**
 * What the plugin sends on its own (a product alert when stock or a price changes, a cart's
 * reminder when its step is due), not on a store event of its rule's name: such rules are not
 * subscribed to the event bus.
 */
export const PLUGIN_SENT_KINDS: readonly ResourceKind[] = ["product_alert", "cart"]
/** Longest TTL push services accept: 28 days. */
export const MAX_TTL_SECONDS = 2419200

/** Whether `value` is a TTL a push service accepts: whole seconds from 0 to `MAX_TTL_SECONDS`. */
export function isTtlSeconds(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= MAX_TTL_SECONDS
}

/**
 * A category name: a customer category (`promotions`, or one of the store's own) or, for an admin
 * device, a store event (`order.placed`): lower-case letters, digits, `_`, `-` and `.`, at most 80.
 */
export const CATEGORY_NAME = /^[a-z0-9][a-z0-9_.-]{0,79}$/

/** How `CATEGORY_NAME` reads in an error message. */
export const CATEGORY_NAME_RULE = "lower-case letters, digits, _, - and ."

/**
 * One notification of the catalogue: a store event for one audience, written `order.placed:customer`
 * (event names hold no `:`). The same key names the message's `template_key`, the rule in the
 * catalogue and its shipped translations.
 */
export type EventKey = `${string}:${Audience}`

export function eventKey(event: string, audience: Audience): EventKey {
  return `${event}:${audience}`
}
