/**
 * No alert storms: every admin event has a limit per window. The first `limit` occurrences of an
 * event within a window each alert admins; past that, they are folded into one summary per window,
 * sent when the window ends, with the count (and, for orders, the totals per currency). The window
 * opens with the first occurrence after the last one closed, so a quiet store alerts at once.
 * Counting is done in the database (one row per event), so it holds across instances and restarts.
 */
import { PluginOptionsError } from "../errors/plugin-errors"
import { formatMoney } from "../templates/money"
import { isPlainObject, positiveInteger, refuseUnknownKeys } from "../options/option-values"

/** One event's limit: `limit` single alerts per window of `windowMs`; null means no limit. */
export interface FloodPolicy {
  readonly limit: number
  readonly windowMs: number
}

/** `admin_alerts` in `medusa-config.js`. */
export interface AdminAlertsOption {
  /** Single alerts per event per window, for events without their own setting. @defaultValue 5 */
  limit?: number
  /** The window, in minutes. @defaultValue 10 */
  window_minutes?: number
  /**
   * Per admin event: its own `{ limit, window_minutes }`, or `false` for an alert every time.
   * @defaultValue { "contact_message.created": { limit: 3 } } (or `contact_alert_limit`)
   */
  events?: Record<string, { limit?: number; window_minutes?: number } | false>
}

export interface ResolvedAdminAlerts {
  /** The policy of one admin event, or null when it is never summarised. */
  policyFor(event: string): FloodPolicy | null
}

const MAX_LIMIT = 10_000
const MAX_WINDOW_MINUTES = 7 * 24 * 60
const CONTACT_EVENT = "contact_message.created"

/**
 * Validates `admin_alerts`; `contact_alert_limit` and `contact_alert_window_minutes` (the older
 * options) still set the contact form's limit when `admin_alerts.events` does not.
 */
export function resolveAdminAlerts(value: unknown, contactLimit: unknown, contactWindowMinutes: unknown): ResolvedAdminAlerts {
  const raw = value === undefined ? {} : value
  if (!isPlainObject(raw)) throw new PluginOptionsError("admin_alerts", "must be an object such as { limit: 5, window_minutes: 10 }")
  refuseUnknownKeys(raw, ["limit", "window_minutes", "events"], "admin_alerts")
  const limit = positiveInteger(raw.limit, "admin_alerts.limit", 5, MAX_LIMIT)
  const windowMinutes = positiveInteger(raw.window_minutes, "admin_alerts.window_minutes", 10, MAX_WINDOW_MINUTES)
  const perEvent = new Map<string, FloodPolicy | null>()
  perEvent.set(CONTACT_EVENT, {
    limit: positiveInteger(contactLimit, "contact_alert_limit", 3, MAX_LIMIT),
    windowMs: positiveInteger(contactWindowMinutes, "contact_alert_window_minutes", windowMinutes, MAX_WINDOW_MINUTES) * 60_000,
  })
  const events = raw.events ?? {}
  if (!isPlainObject(events))
    throw new PluginOptionsError("admin_alerts.events", 'must be an object keyed by admin event, such as { "order.placed": { limit: 10 } }')
  for (const [event, setting] of Object.entries(events)) {
    const path = `admin_alerts.events.${event}`
    if (setting === false) {
      perEvent.set(event, null)
      continue
    }
    if (!isPlainObject(setting)) throw new PluginOptionsError(path, "must be false or an object such as { limit: 10, window_minutes: 10 }")
    refuseUnknownKeys(setting, ["limit", "window_minutes"], path)
    perEvent.set(event, {
      limit: positiveInteger(setting.limit, `${path}.limit`, limit, MAX_LIMIT),
      windowMs: positiveInteger(setting.window_minutes, `${path}.window_minutes`, windowMinutes, MAX_WINDOW_MINUTES) * 60_000,
    })
  }
  const fallback: FloodPolicy = { limit, windowMs: windowMinutes * 60_000 }
  return { policyFor: (event) => (perEvent.has(event) ? (perEvent.get(event) ?? null) : fallback) }
}

/** An event's window as the database counted it, after this occurrence. */
export interface WindowCount {
  readonly windowStart: Date
  /** Occurrences in the window, this one included. */
  readonly count: number
  /** Order totals in the window per currency (lower-case code), in the currency's smallest unit. */
  readonly totals: Readonly<Record<string, number>>
}

export type FloodPlan = { readonly kind: "single" } | { readonly kind: "summary"; readonly idempotencyKey: string; readonly sendAt: Date }

/** The event name a summary is recorded under: `order.placed.summary`. */
export function summaryEvent(event: string): string {
  return `${event}.summary`
}

/** Whether this occurrence alerts on its own or is folded into its window's summary. */
export function planAlert(event: string, window: WindowCount, policy: FloodPolicy): FloodPlan {
  if (window.count <= policy.limit) return { kind: "single" }
  return {
    kind: "summary",
    idempotencyKey: `${summaryEvent(event)}|${window.windowStart.toISOString()}`,
    sendAt: new Date(window.windowStart.getTime() + policy.windowMs),
  }
}

/** What a summary says and where it leads; `noun` is plural ("new orders"). */
export interface SummaryWording {
  readonly noun: string
  /** The summary adds up the orders' totals (new orders: the takings); other events only count. */
  readonly totals?: boolean
  /** A path in the admin or an absolute URL: the list the summary is about. */
  readonly url: string
}

const WORDING: Readonly<Record<string, SummaryWording>> = {
  "order.placed": { noun: "new orders", url: "/a/orders", totals: true },
  "order.payment_capture_failed": { noun: "failed payment captures", url: "/a/orders" },
  "order.return_requested": { noun: "return requests", url: "/a/orders" },
  "contact_message.created": { noun: "new contact messages", url: "/a/contact-messages" },
}

/** How a summary of `event` reads; `fallback` names an event the catalogue has no wording for. */
export function summaryWording(event: string, fallback?: SummaryWording): SummaryWording {
  return WORDING[event] ?? fallback ?? { noun: `alerts: ${event}`, url: "/a/web-push" }
}

/**
 * The summary's text: "37 new orders" / "€4,210.00 in the last 10 minutes". Plain: no customer's or
 * visitor's words in it.
 */
export function summaryText(
  wording: SummaryWording,
  window: WindowCount,
  windowMs: number,
  locale: string
): { title: string; body: string } {
  const minutes = Math.max(1, Math.round(windowMs / 60_000))
  const totals = Object.entries(wording.totals ? window.totals : {})
    .filter(([, amount]) => amount > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, amount]) => formatMoney(amount, currency, locale))
  const span = `in the last ${minutes} minute${minutes === 1 ? "" : "s"}`
  return {
    title: `${window.count} ${wording.noun}`,
    body: totals.length ? `${totals.join(" + ")} ${span}.` : `All ${span}: open the admin to see them.`,
  }
}
