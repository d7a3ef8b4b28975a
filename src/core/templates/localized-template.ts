import { EVENT_CATALOGUE } from "../catalogue/default-events"
import { eventKey, type Audience, type EventRule, type TemplateFields, type Urgency } from "../catalogue/event-types"
import { localeChain } from "./locale"
import { TRANSLATIONS } from "./translations"

/** An override of some fields of a template for one locale (from the options or the admin). */
export interface TemplateOverride {
  enabled?: boolean | null
  title?: string | null
  body?: string | null
  url?: string | null
  icon?: string | null
  image?: string | null
  ttl?: number | null
  urgency?: Urgency | null
}

export type OverridesByLocale = Readonly<Record<string, TemplateOverride>>

/** The fields an override holds (and the columns `push_template` saves them in). */
export const OVERRIDE_FIELDS = ["enabled", "title", "body", "url", "icon", "image", "ttl", "urgency"] as const

/** A saved override as stored: its locale and the override's fields (urgency as the text the column holds). */
export type SavedOverride = { readonly locale: string } & { readonly [F in (typeof OVERRIDE_FIELDS)[number]]: TemplateOverride[F] | string }

/** Saved overrides, one per locale, keyed by locale and holding the override's fields only. */
export function overridesByLocale(rows: readonly SavedOverride[]): Record<string, TemplateOverride> {
  return Object.fromEntries(
    rows.map((row) => [row.locale, Object.fromEntries(OVERRIDE_FIELDS.map((f) => [f, row[f]])) as TemplateOverride])
  )
}

const TEXT_FIELDS = ["title", "body", "url", "icon", "image"] as const

function catalogueTemplate(event: string, audience: Audience): TemplateFields | undefined {
  return EVENT_CATALOGUE.find((e) => e.event === event && e.audience === audience)?.template
}

function apply(template: TemplateFields, override: TemplateOverride | undefined): TemplateFields {
  if (!override) return template
  const next: TemplateFields = { ...template }
  for (const field of TEXT_FIELDS) {
    const value = override[field]
    if (typeof value === "string" && value !== "") next[field] = value
  }
  if (typeof override.ttl === "number") next.ttl = override.ttl
  if (override.urgency) next.urgency = override.urgency
  return next
}

/**
 * The template a reader gets, field by field, from the most general to the most specific:
 * the rule (catalogue, with the store owner's option overrides), then for each locale from the
 * store's default to the reader's own (`en` ... `fr` ... `fr-CA`): the shipped translation (only
 * of fields the owner left as shipped), the `locales` option, then the admin's saved overrides.
 */
export function templateFor(
  rule: EventRule,
  locale: string | null | undefined,
  defaultLocale: string,
  saved: OverridesByLocale = {}
): TemplateFields {
  const shipped = catalogueTemplate(rule.event, rule.audience)
  const untouched = (field: "title" | "body"): boolean => shipped !== undefined && rule.template[field] === shipped[field]
  let template: TemplateFields = { ...rule.template }
  for (const candidate of localeChain(locale, defaultLocale).reverse()) {
    const translated = TRANSLATIONS[candidate]?.[eventKey(rule.event, rule.audience)]
    if (translated) {
      if (untouched("title")) template.title = translated.title
      if (untouched("body")) template.body = translated.body
    }
    template = apply(template, rule.locales?.[candidate])
    template = apply(template, saved[candidate])
  }
  return template
}

/** Whether the admin switched this rule off (an override of the store's default locale). */
export function isEnabled(saved: OverridesByLocale, defaultLocale: string): boolean {
  return saved[defaultLocale]?.enabled !== false
}
