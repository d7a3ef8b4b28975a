import { clickTokenKey } from "../security/click-token"
import { PluginOptionsError } from "../errors/plugin-errors"
import { buildEventRules } from "../catalogue/event-rules"
import { resolveAdminAlerts, summaryEvent, type AdminAlertsOption, type ResolvedAdminAlerts } from "../catalogue/alert-floods"
import { inboundCatalogueEntries } from "../catalogue/inbound-events"
import { resolveInboundSources, type InboundSourcesOption, type ResolvedInboundSource } from "./inbound-options"
import { EventRule, EventsOption } from "../catalogue/event-types"
import { createEndpointPolicy, DEFAULT_PUSH_HOSTS, EndpointPolicy } from "../security/endpoint-policy"
import { validateVapidKeys, type VapidDetails } from "../keys/keys"
import { validateVapidSubject } from "../keys/vapid-subject"
import { checkTemplateLink, linkBase, LinkPolicy } from "../templates/link-policy"
import { pauseRule, PauseRule } from "../delivery/outcome-signal"
import { PreferenceOptions, resolvePreferenceOptions, ResolvedPreferences } from "./preference-options"
import type { RateLimit } from "../rate-limits/rate-limit"
import { positiveInteger } from "./option-values"
import { resolveProductAlerts, type ProductAlertsOption, type ResolvedProductAlerts } from "./product-alert-options"
import { attributionWindowHours, type AttributionOptions } from "./attribution-options"
import { resolveWelcome, type ResolvedWelcome, type WelcomeOption } from "./welcome-options"
import { resolveAbandonedCart, type AbandonedCartOption, type ResolvedAbandonedCart } from "./abandoned-cart-options"

/** The options a store owner passes in `medusa-config.js`. */
export interface WebPushPluginOptions extends PreferenceOptions, AttributionOptions {
  /** VAPID public key, base64url (a 65-byte P-256 point). `npx medusa-plugin-web-push vapid` makes a pair. */
  vapid_public_key: string
  /** VAPID private key, base64url (32 bytes). Keep it in an environment variable, never in the repository. */
  vapid_private_key: string
  /** Contact for push services: `mailto:ops@your-store.com` or `https://your-store.com`. Apple refuses placeholders. */
  vapid_subject: string
  /**
   * Base URL of the storefront; customer notification links are resolved against it.
   * @defaultValue "http://localhost:8000"
   */
  storefront_url?: string
  /**
   * Base URL of the Medusa admin; admin notification links are resolved against it.
   * @defaultValue "http://localhost:7001"
   */
  admin_url?: string
  /**
   * This Medusa backend's public URL, as browsers reach it (`https://api.your-store.com`). Safari
   * 18.4+ shows notifications by itself (Declarative Web Push) and opens their link without asking
   * the service worker: with this set, that link goes through `GET /store/push/clicks/:id` on the
   * backend, which records the click and redirects. Unset, the link is the target itself, and such
   * clicks are not counted (nor attributed). https, or http on localhost.
   * @defaultValue undefined
   */
  backend_url?: string
  /**
   * Hosts, besides the storefront's and the admin's, that notification links (`url`) and pictures
   * (`icon`, `image`) may point to, over https: a help centre, a carrier's tracking site, an image
   * CDN. `*.example.com` matches its subdomains. Any other link is refused when a template or a
   * broadcast is saved, and left out when a notification is sent.
   * @defaultValue []
   */
  link_allowlist?: string[]
  /**
   * Per event and audience: `false` to turn off, or template overrides; any other Medusa event can be
   * mapped here with an audience and a template.
   * @defaultValue {} (the built-in catalogue)
   */
  events?: EventsOption
  /** Icon URL shown with every notification unless a template sets one. @defaultValue undefined */
  default_icon?: string
  /** Monochrome badge URL (Android status bar). @defaultValue undefined */
  default_badge?: string
  /**
   * Accept `https://localhost` / `https://127.0.0.1` push endpoints (tests, the demo). Honoured only
   * when `NODE_ENV` is `development` or `test`; anywhere else (production, staging, unset) the
   * option is refused at boot.
   * @defaultValue false
   */
  allow_loopback_endpoints?: boolean
  /**
   * Extra push-service host names accepted as endpoints, added to the built-in list (FCM, Mozilla,
   * Apple, Microsoft). `*.example-push.com` matches subdomains.
   * @defaultValue []
   */
  endpoint_allowlist?: string[]
  /** Time to wait for a push service's answer, in milliseconds. @defaultValue 10000 */
  request_timeout_ms?: number
  /** At most this many requests to push services at once, per store process. @defaultValue 50 */
  concurrency?: number
  /**
   * Audiences larger than this are split into batches of this many devices, emitted as jobs on
   * Medusa's event bus so that every instance of the store takes some.
   * @defaultValue 500
   */
  batch_size?: number
  /** Attempts per device before a retryable failure (429, 5xx, timeout) is given up on. @defaultValue 5 */
  max_attempts?: number
  /**
   * First retry after a random delay of up to this many milliseconds, doubling with each attempt
   * (a longer `Retry-After` from the push service wins).
   * @defaultValue 10000
   */
  retry_base_ms?: number
  /** How often each instance looks for deliveries due for a retry, in milliseconds. @defaultValue 1000 */
  retry_poll_ms?: number
  /**
   * How long a claimed batch or delivery stays with the instance sending it; after that (a crash,
   * a restart) another instance takes it over. Longer than a batch takes to send.
   * @defaultValue 120000
   */
  lease_ms?: number
  /**
   * A device is removed after a run of `retire_after_failures` failures that point at it (HTTP 400)
   * whose first is older than this; 404/410 remove it at once. 401/403, 429, 5xx, timeouts, network
   * errors and policy refusals never count.
   * @defaultValue 72
   */
  retire_failing_after_hours?: number
  /** Failures pointing at a device, in a row (no success between), before it can be removed. @defaultValue 3 */
  retire_after_failures?: number
  /**
   * A push service (endpoint origin) is paused when at least this many of its outcomes in one send
   * run, from devices that succeeded before, are 80% or more 401/403/5xx/timeouts/network errors
   * (or 80% or more HTTP 400): its deliveries wait, unsent, until the pause ends (the first pause
   * is not counted against `max_attempts`, later ones are).
   * @defaultValue 10
   */
  push_service_pause_threshold?: number
  /** The first pause of a failing push service, in milliseconds; each failed probe doubles it, up to 8 times. @defaultValue 300000 */
  push_service_pause_ms?: number
  /**
   * Requests per client to the public routes, counted per IP address (IPv6 per /64) and, when
   * signed in, per customer (or admin); over the limit the route answers 429 with `Retry-After`.
   * When the store runs Redis (`projectConfig.redis_url`) the allowances are kept there, shared
   * by every instance; otherwise in each process's memory.
   * @defaultValue { subscribe_per_minute: 10, contact_per_hour: 5, clicks_per_minute: 60, preferences_per_minute: 20, unsubscribe_per_minute: 20 }
   */
  rate_limits?: RateLimitsOption
  /**
   * How many reverse proxies in front of the store to trust for the client address the rate
   * limits count by: the address is taken that many entries from the right of
   * `X-Forwarded-For` (0: the connection's own address, the header ignored). Set it to the
   * number of proxies that append to the header (a load balancer and a CDN: 2); more lets a
   * client pick its own address. The default is Medusa's own (`trust proxy` 1).
   * @defaultValue 1
   */
  trust_proxy?: number
  /** Devices one customer, admin or guest order may register; beyond this a customer's or admin's new one replaces their oldest, and a guest order refuses more. @defaultValue 10 */
  max_devices_per_owner?: number
  /** How long after checkout a guest may subscribe with the order's `cart_id`, in hours. @defaultValue 24 */
  guest_subscription_window_hours?: number
  /**
   * How long a guest's device receives its order's notifications, in days after the order was
   * placed; at least `guest_subscription_window_hours`. @defaultValue 30
   */
  guest_subscription_days?: number
  /**
   * Admin alerts for contact messages per window: past this many messages within
   * `contact_alert_window_minutes`, admins get one summary push per window instead of one per message.
   * @defaultValue 3
   */
  contact_alert_limit?: number
  /** The window (and cool-down) of `contact_alert_limit`, in minutes. @defaultValue 10 */
  contact_alert_window_minutes?: number
  /**
   * No admin alert storms: per admin event, at most `limit` single alerts per window; the rest of
   * the window's alerts become one summary ("37 new orders", with the totals) when it ends.
   * @defaultValue { limit: 5, window_minutes: 10 } (the contact form: `contact_alert_limit`, 3)
   */
  admin_alerts?: AdminAlertsOption
  /**
   * Other systems that alert admins through `POST /hooks/web-push/alerts/<name>`: chat tools
   * (Chatwoot, Crisp) and anything that signs Standard Webhooks. Each is the admin event `inbound.<name>`.
   * @defaultValue {}
   */
  inbound_sources?: InboundSourcesOption
  /**
   * Back-in-stock and price-drop alerts devices ask for (`POST /store/push/alerts`).
   * @defaultValue { enabled: true, max_per_device: 50, reconcile_minutes: 15, expire_days: 180 }
   */
  product_alerts?: ProductAlertsOption
  /**
   * A welcome notification (template `web_push.welcome`) on a customer device's first subscription.
   * @defaultValue { enabled: false }
   */
  welcome?: WelcomeOption
  /**
   * Abandoned-cart reminders (category `cart_reminders`): a cart with items, of a signed-in
   * customer or registered by a device (`POST /store/push/carts`), not completed, gets a reminder
   * after each delay.
   * @defaultValue { enabled: true, delays_minutes: [60] }
   */
  abandoned_cart?: AbandonedCartOption
}

/** `rate_limits`: per client (IP address, and customer when signed in). */
export interface RateLimitsOption {
  /** `POST /store/push/subscriptions` and `.../renew` together, per minute. @defaultValue 10 */
  subscribe_per_minute?: number
  /** `POST /store/contact-messages`, per hour. @defaultValue 5 */
  contact_per_hour?: number
  /** `POST /store/push/clicks`, per minute. @defaultValue 60 */
  clicks_per_minute?: number
  /** `POST /store/push/preferences`, per minute. @defaultValue 20 */
  preferences_per_minute?: number
  /** `DELETE /store/push/subscriptions` and `DELETE /admin/push/subscriptions` together, per minute. @defaultValue 20 */
  unsubscribe_per_minute?: number
  /** `POST /hooks/web-push/alerts/...` (inbound alerts), per sender address, per minute. @defaultValue 120 */
  inbound_per_minute?: number
}

/** Options after validation, in the shape the services use. */
export interface ResolvedOptions {
  readonly preferences: ResolvedPreferences
  readonly vapid: VapidDetails
  readonly storefrontUrl: string
  readonly adminUrl: string
  /** `backend_url`: where click links of declarative notifications point; unset, they point at the target. */
  readonly backendUrl?: string
  /** Where notification links may lead (storefront, admin, `link_allowlist`). */
  readonly links: LinkPolicy
  /** `links`, and the inbound sources' chat tools: where an inbound alert may lead (see {@link linksForEvent}). */
  readonly inboundLinks: LinkPolicy
  /** Key of the per-delivery click tokens, derived from the VAPID private key. */
  readonly clickTokenKey: Buffer
  readonly rules: readonly EventRule[]
  readonly defaultIcon?: string
  readonly defaultBadge?: string
  readonly endpointPolicy: EndpointPolicy
  readonly requestTimeoutMs: number
  readonly concurrency: number
  readonly batchSize: number
  readonly maxAttempts: number
  readonly retryBaseMs: number
  readonly retryPollMs: number
  readonly leaseMs: number
  readonly retireFailingAfterHours: number
  readonly retireAfterFailures: number
  readonly pushServicePause: PauseRule
  readonly rateLimits: {
    readonly subscribe: RateLimit
    readonly contact: RateLimit
    readonly click: RateLimit
    readonly preferences: RateLimit
    readonly unsubscribe: RateLimit
    readonly inbound: RateLimit
  }
  readonly trustProxy: number
  readonly maxDevicesPerOwner: number
  readonly guestSubscriptionWindowHours: number
  readonly guestSubscriptionDays: number
  /** Per admin event, how many single alerts a window allows before they are summarised. */
  readonly adminAlerts: ResolvedAdminAlerts
  /** `inbound_sources`, validated (secrets included: never log them). */
  readonly inboundSources: readonly ResolvedInboundSource[]
  readonly productAlerts: ResolvedProductAlerts
  /** `attribution_window_hours`: 0 when attribution is off. */
  readonly attributionWindowHours: number
  /** `welcome`: whether a customer device's first subscription gets the welcome notification. */
  readonly welcome: ResolvedWelcome
  /** `abandoned_cart`, validated. */
  readonly abandonedCart: ResolvedAbandonedCart
}

/** Every option this plugin takes (the README documents each one; a test checks it). */
export const KNOWN_OPTIONS: ReadonlySet<string> = new Set([
  "default_locale",
  "categories",
  "delivery_window",
  "held_categories",
  "frequency_caps",
  "vapid_public_key",
  "vapid_private_key",
  "vapid_subject",
  "storefront_url",
  "admin_url",
  "backend_url",
  "link_allowlist",
  "events",
  "default_icon",
  "default_badge",
  "allow_loopback_endpoints",
  "endpoint_allowlist",
  "request_timeout_ms",
  "concurrency",
  "batch_size",
  "max_attempts",
  "retry_base_ms",
  "retry_poll_ms",
  "lease_ms",
  "retire_failing_after_hours",
  "retire_after_failures",
  "push_service_pause_threshold",
  "push_service_pause_ms",
  "rate_limits",
  "trust_proxy",
  "max_devices_per_owner",
  "guest_subscription_window_hours",
  "guest_subscription_days",
  "contact_alert_limit",
  "contact_alert_window_minutes",
  "admin_alerts",
  "inbound_sources",
  "product_alerts",
  "attribution_window_hours",
  "welcome",
  "abandoned_cart",
])

const RATE_LIMIT_KEYS: ReadonlySet<string> = new Set([
  "subscribe_per_minute",
  "contact_per_hour",
  "clicks_per_minute",
  "preferences_per_minute",
  "unsubscribe_per_minute",
  "inbound_per_minute",
])

/**
 * Medusa adds `resolve` to every plugin's options; `enableUI: true` is how a store tells
 * `@medusajs/admin` (v7) to build the plugin's admin extension into its dashboard.
 */
const MEDUSA_ADDED_OPTIONS: ReadonlySet<string> = new Set(["resolve", "enableUI"])

function baseUrl(value: unknown, option: string, fallback: string): string {
  if (value === undefined) return fallback
  if (typeof value !== "string") throw new PluginOptionsError(option, "must be a URL string")
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new PluginOptionsError(option, `must be an absolute http(s) URL, got "${value.slice(0, 80)}"`)
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new PluginOptionsError(option, "must be an http(s) URL")
  }
  return url.toString().replace(/\/+$/, "")
}

function optionalUrl(value: unknown, option: string): string | undefined {
  return value === undefined ? undefined : baseUrl(value, option, "")
}

/** A URL browsers open from a notification: https, or http on this machine (development). */
function secureUrl(value: unknown, option: string): string | undefined {
  const url = optionalUrl(value, option)
  if (url === undefined) return undefined
  const { protocol, hostname, search, hash } = new URL(url)
  const local = hostname === "localhost" || hostname === "127.0.0.1" || hostname === "[::1]"
  if (protocol !== "https:" && !local) throw new PluginOptionsError(option, "must be an https URL (http only on localhost)")
  if (search !== "" || hash !== "")
    throw new PluginOptionsError(option, "must not carry a query (?) or a fragment (#): paths are added to it")
  return url
}

/**
 * A guest may not subscribe for an order whose subscription would already have ended. The window
 * is validated beside it (`guest_subscription_window_hours`, default 24).
 */
function guestSubscriptionDays(value: unknown, windowHours: unknown): number {
  const days = positiveInteger(value, "guest_subscription_days", 30, 365)
  if (typeof windowHours === "number" && days * 24 < windowHours) {
    throw new PluginOptionsError("guest_subscription_days", `must cover guest_subscription_window_hours (${windowHours} hours)`)
  }
  return days
}

function hostList(value: unknown, option: string): string[] {
  if (value === undefined) return []
  if (!Array.isArray(value) || value.some((h) => typeof h !== "string" || !/^(\*\.)?[a-z0-9.-]+$/i.test(h))) {
    throw new PluginOptionsError(option, 'must be a list of host names such as "push.example.net" or "*.example.net"')
  }
  return value.map((h: string) => h.toLowerCase())
}

function linkHosts(value: unknown): string[] {
  if (value === undefined) return []
  const ok = (h: unknown): boolean =>
    typeof h === "string" && /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*$/i.test(h) && !(h.startsWith("*.") && !h.slice(2).includes("."))
  if (!Array.isArray(value) || !value.every(ok)) {
    throw new PluginOptionsError("link_allowlist", 'must be a list of host names such as "help.example.com" or "*.example.com"')
  }
  return value.map((h: string) => h.toLowerCase())
}

/** Links in the `events` option follow the link rule; an error names the option path of the field. */
function checkEventLinks(rules: readonly EventRule[], links: LinkPolicy): void {
  for (const rule of rules) {
    const path = `events.${rule.event}.${rule.audience}`
    const base = linkBase(rule.audience, links)
    const fields: Array<[string, Partial<Record<"url" | "icon" | "image" | "badge", string>>]> = [
      [path, rule.template],
      ...Object.entries(rule.locales ?? {}).map(([tag, texts]): [string, typeof texts] => [`${path}.locales.${tag}`, texts]),
    ]
    for (const [prefix, template] of fields) {
      for (const field of ["url", "icon", "image", "badge"] as const) {
        const value = template[field]
        if (value === undefined) continue
        const checked = checkTemplateLink(value, base, links)
        if (!checked.ok) throw new PluginOptionsError(`${prefix}.${field}`, checked.problem)
      }
    }
  }
}

function rateLimits(value: unknown): ResolvedOptions["rateLimits"] {
  if (value !== undefined && (value === null || typeof value !== "object" || Array.isArray(value))) {
    throw new PluginOptionsError("rate_limits", "must be an object such as { subscribe_per_minute: 10, contact_per_hour: 5 }")
  }
  const limits = (value ?? {}) as Record<string, unknown>
  for (const key of Object.keys(limits)) {
    if (!RATE_LIMIT_KEYS.has(key)) throw new PluginOptionsError(`rate_limits.${key}`, "is not a rate limit of this plugin")
  }
  return {
    subscribe: {
      limit: positiveInteger(limits.subscribe_per_minute, "rate_limits.subscribe_per_minute", 10, 100_000),
      windowMs: 60_000,
    },
    contact: {
      limit: positiveInteger(limits.contact_per_hour, "rate_limits.contact_per_hour", 5, 100_000),
      windowMs: 3_600_000,
    },
    click: { limit: positiveInteger(limits.clicks_per_minute, "rate_limits.clicks_per_minute", 60, 100_000), windowMs: 60_000 },
    preferences: {
      limit: positiveInteger(limits.preferences_per_minute, "rate_limits.preferences_per_minute", 20, 100_000),
      windowMs: 60_000,
    },
    unsubscribe: {
      limit: positiveInteger(limits.unsubscribe_per_minute, "rate_limits.unsubscribe_per_minute", 20, 100_000),
      windowMs: 60_000,
    },
    inbound: { limit: positiveInteger(limits.inbound_per_minute, "rate_limits.inbound_per_minute", 120, 100_000), windowMs: 60_000 },
  }
}

function proxyHops(value: unknown): number {
  if (value === undefined) return 1
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 16) {
    throw new PluginOptionsError("trust_proxy", "must be the number of reverse proxies in front of the store, a whole number from 0 to 16")
  }
  return value
}

/** Where `allow_loopback_endpoints` may be on: never staging, production or an unset NODE_ENV. */
const LOOPBACK_ENVIRONMENTS = ["development", "test"]

/**
 * Validates the plugin options and returns them resolved. Throws a {@link PluginOptionsError}
 * whose message names the bad option.
 */
export function resolveOptions(raw: unknown, env: { NODE_ENV?: string } = process.env): ResolvedOptions {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new PluginOptionsError("options", "must be an object with vapid_public_key, vapid_private_key and vapid_subject")
  }
  const options = raw as Record<string, unknown>
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key) && !MEDUSA_ADDED_OPTIONS.has(key)) {
      throw new PluginOptionsError(key, "is not an option of this plugin")
    }
  }
  const { publicKey, privateKey } = validateVapidKeys(options.vapid_public_key, options.vapid_private_key)
  const subject = validateVapidSubject(options.vapid_subject)

  const allowLoopback = options.allow_loopback_endpoints === undefined ? false : options.allow_loopback_endpoints
  if (typeof allowLoopback !== "boolean") {
    throw new PluginOptionsError("allow_loopback_endpoints", "must be true or false")
  }
  if (allowLoopback && !LOOPBACK_ENVIRONMENTS.includes(env.NODE_ENV ?? "")) {
    const now = env.NODE_ENV === undefined ? "unset" : `"${env.NODE_ENV.replace(/[^\x20-\x7e]/g, "?").slice(0, 40)}"`
    throw new PluginOptionsError("allow_loopback_endpoints", `is honoured only when NODE_ENV is "development" or "test" (it is ${now})`)
  }

  const storefrontUrl = baseUrl(options.storefront_url, "storefront_url", "http://localhost:8000")
  const adminUrl = baseUrl(options.admin_url, "admin_url", "http://localhost:7001")
  const inboundSources = resolveInboundSources(options.inbound_sources)
  const links: LinkPolicy = { storefrontUrl, adminUrl, allowedHosts: linkHosts(options.link_allowlist) }
  // An inbound alert, and it alone, may lead to its chat tool's conversation.
  const inboundLinks: LinkPolicy = {
    ...links,
    allowedHosts: [...new Set([...links.allowedHosts, ...inboundSources.flatMap((s) => s.linkHosts)])],
  }
  const rules = buildEventRules(options.events as EventsOption | undefined, inboundCatalogueEntries(inboundSources))
  checkEventLinks(rules, links)

  return {
    vapid: { subject, publicKey, privateKey },
    preferences: resolvePreferenceOptions(options as PreferenceOptions),
    storefrontUrl,
    adminUrl,
    backendUrl: secureUrl(options.backend_url, "backend_url"),
    links,
    inboundLinks,
    clickTokenKey: clickTokenKey(privateKey),
    rules,
    defaultIcon: optionalUrl(options.default_icon, "default_icon"),
    defaultBadge: optionalUrl(options.default_badge, "default_badge"),
    endpointPolicy: createEndpointPolicy({
      allowLoopback,
      allowedHosts: [...DEFAULT_PUSH_HOSTS, ...hostList(options.endpoint_allowlist, "endpoint_allowlist")],
    }),
    requestTimeoutMs: positiveInteger(options.request_timeout_ms, "request_timeout_ms", 10_000, 120_000),
    concurrency: positiveInteger(options.concurrency, "concurrency", 50, 1_000),
    batchSize: positiveInteger(options.batch_size, "batch_size", 500, 10_000),
    maxAttempts: positiveInteger(options.max_attempts, "max_attempts", 5, 50),
    retryBaseMs: positiveInteger(options.retry_base_ms, "retry_base_ms", 10_000, 86_400_000),
    retryPollMs: positiveInteger(options.retry_poll_ms, "retry_poll_ms", 1_000, 3_600_000),
    leaseMs: positiveInteger(options.lease_ms, "lease_ms", 120_000, 86_400_000),
    retireFailingAfterHours: positiveInteger(options.retire_failing_after_hours, "retire_failing_after_hours", 72, 24 * 365),
    retireAfterFailures: positiveInteger(options.retire_after_failures, "retire_after_failures", 3, 1_000),
    pushServicePause: pauseRule(
      positiveInteger(options.push_service_pause_threshold, "push_service_pause_threshold", 10, 100_000),
      positiveInteger(options.push_service_pause_ms, "push_service_pause_ms", 300_000, 86_400_000)
    ),
    rateLimits: rateLimits(options.rate_limits),
    trustProxy: proxyHops(options.trust_proxy),
    maxDevicesPerOwner: positiveInteger(options.max_devices_per_owner, "max_devices_per_owner", 10, 1_000),
    guestSubscriptionWindowHours: positiveInteger(options.guest_subscription_window_hours, "guest_subscription_window_hours", 24, 24 * 90),
    guestSubscriptionDays: guestSubscriptionDays(options.guest_subscription_days, options.guest_subscription_window_hours),
    adminAlerts: resolveAdminAlerts(options.admin_alerts, options.contact_alert_limit, options.contact_alert_window_minutes),
    inboundSources,
    productAlerts: resolveProductAlerts(options.product_alerts),
    attributionWindowHours: attributionWindowHours(options.attribution_window_hours),
    welcome: resolveWelcome(options.welcome),
    abandonedCart: resolveAbandonedCart(options.abandoned_cart),
  }
}

/** Where a notification of `event` may lead: an inbound source's alerts also to its chat tool. */
export function linksForEvent(options: Pick<ResolvedOptions, "links" | "inboundLinks" | "inboundSources">, event: string): LinkPolicy {
  return options.inboundSources.some((s) => event === s.event || event === summaryEvent(s.event)) ? options.inboundLinks : options.links
}
