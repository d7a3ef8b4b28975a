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

/** A plural noun in the languages the plugin ships ("new orders"); English is the fallback. */
export type SummaryNoun = { readonly en: string } & Readonly<Partial<Record<string, string>>>

/** What a summary says and where it leads. */
export interface SummaryWording {
  readonly noun: SummaryNoun
  /** A path in the admin or an absolute URL: the list the summary is about. */
  readonly url: string
  /** The summary adds up the orders' totals (new orders: the takings); other events only count. */
  readonly totals?: boolean
}

/** Nouns the inbound sources' summaries use (see `inbound-events.ts`). */
export const CHAT_MESSAGES: SummaryNoun = {
  en: "new chat messages",
  fr: "nouveaux messages de chat",
  de: "neue Chatnachrichten",
  es: "mensajes de chat nuevos",
}

/** "alerts from ops": a generic source's summary, `{name}` filled in. */
export function alertsFrom(name: string): SummaryNoun {
  return { en: `alerts from ${name}`, fr: `alertes de ${name}`, de: `Meldungen von ${name}`, es: `alertas de ${name}` }
}

const WORDING: Readonly<Record<string, SummaryWording>> = {
  "order.placed": {
    noun: { en: "new orders", fr: "nouvelles commandes", de: "neue Bestellungen", es: "pedidos nuevos" },
    url: "/a/orders",
    totals: true,
  },
  "order.payment_capture_failed": {
    noun: { en: "failed payment captures", fr: "encaissements échoués", de: "fehlgeschlagene Zahlungseinzüge", es: "cobros fallidos" },
    url: "/a/orders",
  },
  "order.return_requested": {
    noun: { en: "return requests", fr: "demandes de retour", de: "Rücksendeanfragen", es: "solicitudes de devolución" },
    url: "/a/orders",
  },
  "contact_message.created": {
    noun: {
      en: "new contact messages",
      fr: "nouveaux messages de contact",
      de: "neue Kontaktnachrichten",
      es: "mensajes de contacto nuevos",
    },
    url: "/a/contact-messages",
  },
}

/** How a summary of `event` reads; `fallback` names an event the catalogue has no wording for. */
export function summaryWording(event: string, fallback?: SummaryWording): SummaryWording {
  return (
    WORDING[event] ??
    fallback ?? {
      noun: { en: `alerts: ${event}`, fr: `alertes : ${event}`, de: `Meldungen: ${event}`, es: `alertas: ${event}` },
      url: "/a/web-push",
    }
  )
}

/** "in the last 10 minutes", and the sentence for a summary without totals, per language. */
const PHRASES: Readonly<Record<string, { span(minutes: number): string; all(span: string): string }>> = {
  en: { span: (m) => `in the last ${m} minute${m === 1 ? "" : "s"}`, all: (span) => `All ${span}: open the admin to see them.` },
  fr: {
    span: (m) => (m === 1 ? "au cours de la dernière minute" : `au cours des ${m} dernières minutes`),
    all: (span) => `Tous ${span} : ouvrez l'admin pour les voir.`,
  },
  de: {
    span: (m) => (m === 1 ? "in der letzten Minute" : `in den letzten ${m} Minuten`),
    all: (span) => `Alle ${span}: im Admin ansehen.`,
  },
  es: {
    span: (m) => (m === 1 ? "en el último minuto" : `en los últimos ${m} minutos`),
    all: (span) => `Todos ${span}: ábrelos en el admin.`,
  },
}

/**
 * The summary's text in `locale`'s language (English when the plugin does not ship it): "37 new
 * orders" / "€4,210.00 in the last 10 minutes." Plain: no customer's or visitor's words in it.
 */
export function summaryText(
  wording: SummaryWording,
  window: WindowCount,
  windowMs: number,
  locale: string
): { title: string; body: string } {
  const language = locale.split("-")[0].toLowerCase()
  const phrases = PHRASES[language] ?? PHRASES.en
  const noun = PHRASES[language] ? (wording.noun[language] ?? wording.noun.en) : wording.noun.en
  const minutes = Math.max(1, Math.round(windowMs / 60_000))
  const totals = Object.entries(wording.totals ? window.totals : {})
    .filter(([, amount]) => amount > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, amount]) => formatMoney(amount, currency, locale))
  const span = phrases.span(minutes)
  return {
    title: `${window.count} ${noun}`,
    body: totals.length ? `${totals.join(" + ")} ${span}.` : phrases.all(span),
  }
}
