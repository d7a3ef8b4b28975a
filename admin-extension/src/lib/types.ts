/** What the plugin's admin routes answer (see the README's API section). */

export interface PushConfig {
  configured: boolean
  /** Why push is off (the option at fault), when it is. */
  error: string | null
  vapid_public_key?: string
  vapid_subject?: string
  storefront_url?: string
  admin_url?: string
  /** `backend_url`: where Safari's own taps on a notification are counted; null when unset. */
  backend_url?: string | null
  /** Where the admin's service worker is served, on the backend's origin. */
  service_worker_url: string
  /** Push services failing for most devices at once: nothing is sent to them until the pause ends. */
  paused_push_services: PausedPushService[]
}

export interface PausedPushService {
  host: string
  /** ISO date-time. */
  paused_until: string
  reason: string
  status_code: number | null
  since: string
  failures: number
}

export interface DayOutcomes {
  day: string
  delivered: number
  failed: number
  gone: number
}

export interface PushStats {
  customer_devices: number
  admin_devices: number
  messages_today: number
  /** Delivered share of finished deliveries over the last 14 days; null when none finished. */
  delivery_rate: number | null
  series: DayOutcomes[]
  attribution: AttributionFigures
}

/** An amount in one currency, in minor units (cents). */
export interface Money {
  currency_code: string
  amount: number
}

/** Attributed revenue of one UTC day, per currency. */
export interface RevenueDay {
  day: string
  revenue: Money[]
}

/** Clicks and credited orders of some messages. */
export interface ClickFigures {
  delivered: number
  clicks: number
  /** Clicks per delivered notification; null when none was delivered. */
  click_rate: number | null
  orders: number
  revenue: Money[]
}

export interface EventFigures extends ClickFigures {
  event_name: string
  template_key: string
  messages: number
}

export interface BroadcastFigures extends ClickFigures {
  id: string
  title: string | null
  created_at: string
}

/** Revenue attribution over a period of UTC days (`GET /admin/push/stats?from=&to=`). */
export interface AttributionFigures {
  /** `attribution_window_hours` (0: attribution off). */
  window_hours: number
  from: string
  to: string
  /** Orders credited in the period, and their revenue. */
  orders: number
  revenue: Money[]
  daily: RevenueDay[]
  /** Messages sent in the period, per event and template. */
  by_event: EventFigures[]
  /** Broadcasts sent in the period, newest first. */
  broadcasts: BroadcastFigures[]
}

export interface Device {
  id: string
  customer_id: string | null
  /** A guest's device: the order it receives notifications about, until `guest_expires_at`. */
  order_id: string | null
  guest_expires_at: string | null
  user_id: string | null
  categories: string[]
  locale: string | null
  user_agent: string | null
  /** The reader's IANA time zone, for the delivery window; null when the browser did not say. */
  time_zone: string | null
  push_service: string
  created_at: string
  updated_at: string
  last_success_at: string | null
  expiration_time: string | null
}

export type MessageAudience = "customer" | "admin" | "broadcast" | "test" | "watchers" | "device"

/** RFC 8030 Urgency. */
export type Urgency = "very-low" | "low" | "normal" | "high"

export interface PushMessage {
  id: string
  idempotency_key: string
  event_name: string
  audience: MessageAudience
  template_key: string
  resource_id: string | null
  category: string | null
  target_customer_id: string | null
  /** The order of a personal message: its unexpired guest devices receive it too. */
  target_order_id: string | null
  /** When a personal message was recorded (guest devices expired by then are not in its audience); a broadcast's segment is evaluated at it. */
  audience_at: string | null
  target_user_id: string | null
  /** A broadcast's segment; null for every other message. */
  segment: BroadcastSegment | null
  /** The one device of a device message (the welcome); for a personal message, one device besides its customer's (the device that registered the cart a reminder is about). */
  target_subscription_id: string | null
  /** The notification in the store's default language. */
  payload: { title?: string; body?: string; url?: string; image?: string; icon?: string }
  /** The notification per language of its readers. */
  localized_payloads: Record<string, { title?: string; body?: string; url?: string; image?: string; icon?: string }> | null
  context_locale: string | null
  send_at: string | null
  ttl: number
  urgency: Urgency
  topic: string | null
  status: string
  target_count: number
  delivered_count: number
  gone_count: number
  failed_count: number
  /** Deliveries clicked (the first click of each). */
  clicked_count: number
  /** Clicks per delivered notification; null when none was delivered. */
  click_rate: number | null
  /** Orders credited to this message (revenue attribution), and their revenue per currency. */
  orders: number
  revenue: Money[]
  /** Why the last fan-out failed; the message is `failed` after `max_attempts` of them. */
  last_error: string | null
  /** Fan-outs started (the first when the message was recorded). */
  fanout_attempts: number
  /** Until when an instance holds the fan-out. */
  fanout_until: string | null
  /** Deliveries waiting for their reader's delivery window (held categories at night). */
  held_count: number
  /** The earliest opening among them; null when none waits. */
  next_window_opens_at: string | null
  /** An admin alert past its event's limit: the summary message it was folded into (it was not sent on its own). */
  summary_id: string | null
  created_at: string
  updated_at: string
}

/** What `POST /admin/push/broadcasts` answers about its audience (dry run and send alike). */
/** Which of a category's customers a broadcast reaches; every key given must hold (see the README's Broadcast segments). */
export interface BroadcastSegment {
  customer_group_ids?: string[]
  region_ids?: string[]
  ordered_within_days?: number
  never_ordered?: true
  locales?: string[]
  subscribed_since?: string
}

export interface BroadcastReach {
  /** The segment as the server understood it; null without one. */
  segment: BroadcastSegment | null
  recipient_count: number
  sending_now: number
  held_for_window: number
  /** The earliest opening among the held devices; null when none is held or the category is not held. */
  next_window_opens_at: string | null
}

export interface Delivery {
  id: string
  message_id: string
  subscription_id: string
  status: string
  attempts: number
  last_status_code: number | null
  last_error: string | null
  /** When it is tried next; for a `scheduled` delivery, when the reader's delivery window opens. */
  next_attempt_at: string | null
  delivered_at: string | null
  clicked_at: string | null
  created_at: string
  updated_at: string
}

/** An override of a notification's text for one language, as the admin sends it; null clears a saved value. */
export interface TemplateFields {
  enabled?: boolean | null
  title?: string | null
  body?: string | null
  url?: string | null
  icon?: string | null
  image?: string | null
  ttl?: number | null
  urgency?: string | null
}

/** A saved override for one language: null where it keeps the default. */
export interface SavedOverride {
  enabled: boolean | null
  title: string | null
  body: string | null
  url: string | null
  icon: string | null
  image: string | null
  ttl: number | null
  urgency: Urgency | null
}

/** A notification's default text and delivery settings. */
export interface TemplateDefault {
  title: string
  body: string
  url: string
  icon?: string
  image?: string
  ttl: number
  urgency: Urgency
}

export interface PushTemplate {
  event: string
  audience: "customer" | "admin"
  category: string
  loads:
    "order" | "order_shipment" | "order_refund" | "swap_shipment" | "claim_shipment" | "contact_message" | "inbound_alert" | "cart" | "none"
  variables: string[]
  default: TemplateDefault
  overrides: Record<string, SavedOverride>
  locales: string[]
}

/** A notification as the push service would carry it. */
export interface RenderedNotification {
  title: string
  body: string
  url: string
  icon?: string
  badge?: string
  image?: string
  tag?: string
  ttl: number
  urgency: Urgency
}

export interface RenderedPreview {
  notification: RenderedNotification
  /** The record it was rendered with (a recent order, a contact message). */
  resource_id: string
  locale: string
}

export interface Preferences {
  events: string[]
  available: Array<{ event: string }>
}

export interface ContactMessage {
  id: string
  name: string
  email: string
  subject: string | null
  message: string
  customer_id: string | null
  read_at: string | null
  created_at: string
  updated_at: string
}

/** A system that alerts admins through the plugin's hook (`inbound_sources`); never its secret. */
export interface InboundSource {
  name: string
  provider: "chatwoot" | "crisp" | "generic"
  /** `signature`: the provider signs with the secret; `token`: the hook's URL holds a token (a secret itself). */
  verification: "signature" | "token"
  /** Its admin event, `inbound.<name>`. */
  event: string
  hook_path: string
  /** The URL to paste into the provider, on the backend as the admin reached it. */
  hook_url: string
  /** When it last sent an alert (tests not counted); null: never. */
  last_received_at: string | null
  received_count: number
}

/** `GET /admin/push/product-alerts`: open alerts per variant of a product. */
export interface VariantAlertCounts {
  variant_id: string
  back_in_stock: number
  price_drop: number
}

/** `GET /admin/push/automations`: one automation (abandoned cart, back in stock, price drop, welcome). */
export interface Automation {
  key: "abandoned_cart" | "back_in_stock" | "price_drop" | "welcome"
  title: string
  description: string
  /** Its templates' events (audience customer). */
  events: string[]
  /** The plugin option that sets its default. */
  option: string
  enabled: boolean
  delays_minutes: number[]
  changed_by_admin: boolean
  waiting: number | null
  last_30_days: { messages: number; delivered: number }
}
