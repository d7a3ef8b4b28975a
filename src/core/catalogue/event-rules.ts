import { EVENT_CATALOGUE } from "./default-events"
import { PluginOptionsError } from "../errors/plugin-errors"
import { isPlainObject } from "../options/option-values"
import {
  AUDIENCES,
  MAX_TTL_SECONDS,
  isTtlSeconds,
  eventKey,
  type EventKey,
  PLUGIN_SENT_KINDS,
  RESOURCE_KINDS,
  URGENCIES,
  type Audience,
  type CatalogueEntry,
  type EventRule,
  type EventRuleOverride,
  type EventsOption,
  type TemplateFields,
} from "./event-types"

const STRING_FIELDS = ["category", "title", "body", "url", "icon", "badge", "image", "tag"] as const
const OVERRIDE_KEYS = new Set<string>(["enabled", "loads", "ttl", "urgency", "locales", ...STRING_FIELDS])
const LOCALE_KEYS = new Set<string>(["title", "body", "url", "icon", "image"])
const EVENT_NAME = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/

function describe(value: unknown): string {
  if (value === null) return "null"
  if (Array.isArray(value)) return "an array"
  return typeof value === "string" ? `"${value}"` : `${typeof value} ${String(value)}`
}

/** Checks one override object and returns it typed; errors name `path.<field>`. */
function validateOverride(value: unknown, path: string): EventRuleOverride {
  if (!isPlainObject(value)) {
    throw new PluginOptionsError(path, `must be false or an object, got ${describe(value)}`)
  }
  for (const key of Object.keys(value)) {
    if (!OVERRIDE_KEYS.has(key)) {
      throw new PluginOptionsError(`${path}.${key}`, `is not a known setting (use ${[...OVERRIDE_KEYS].join(", ")})`)
    }
  }
  const { enabled, loads, ttl, urgency } = value
  if (enabled !== undefined && typeof enabled !== "boolean") {
    throw new PluginOptionsError(`${path}.enabled`, `must be true or false, got ${describe(enabled)}`)
  }
  if (loads !== undefined && !(RESOURCE_KINDS as readonly unknown[]).includes(loads)) {
    throw new PluginOptionsError(`${path}.loads`, `must be one of ${RESOURCE_KINDS.join(", ")}, got ${describe(loads)}`)
  }
  if (ttl !== undefined && !isTtlSeconds(ttl)) {
    throw new PluginOptionsError(`${path}.ttl`, `must be a whole number of seconds from 0 to ${MAX_TTL_SECONDS}, got ${describe(ttl)}`)
  }
  if (urgency !== undefined && !(URGENCIES as readonly unknown[]).includes(urgency)) {
    throw new PluginOptionsError(`${path}.urgency`, `must be one of ${URGENCIES.join(", ")}, got ${describe(urgency)}`)
  }
  for (const field of STRING_FIELDS) {
    const v = value[field]
    if (v !== undefined && (typeof v !== "string" || v.trim() === "")) {
      throw new PluginOptionsError(`${path}.${field}`, `must be a non-empty string, got ${describe(v)}`)
    }
  }
  validateLocales(value.locales, `${path}.locales`)
  return value as EventRuleOverride
}

/** `locales: { fr: { title, body, ... }, "fr-CA": { ... } }`: per-language text. */
function validateLocales(value: unknown, path: string): void {
  if (value === undefined) return
  if (!isPlainObject(value)) throw new PluginOptionsError(path, `must be an object keyed by language tag, got ${describe(value)}`)
  for (const [tag, texts] of Object.entries(value)) {
    let canonical: string | undefined
    try {
      canonical = Intl.getCanonicalLocales(tag)[0]
    } catch {
      canonical = undefined
    }
    if (canonical !== tag) {
      throw new PluginOptionsError(`${path}.${tag}`, `is not a language tag written as "${canonical ?? "fr-CA"}"`)
    }
    if (!isPlainObject(texts)) throw new PluginOptionsError(`${path}.${tag}`, `must be an object, got ${describe(texts)}`)
    for (const [field, text] of Object.entries(texts)) {
      if (!LOCALE_KEYS.has(field)) {
        throw new PluginOptionsError(`${path}.${tag}.${field}`, `is not a translatable field (use ${[...LOCALE_KEYS].join(", ")})`)
      }
      if (typeof text !== "string" || text.trim() === "") {
        throw new PluginOptionsError(`${path}.${tag}.${field}`, `must be a non-empty string, got ${describe(text)}`)
      }
    }
  }
}

function applyOverride(base: EventRule, o: EventRuleOverride): EventRule {
  const template: TemplateFields = { ...base.template }
  for (const field of ["title", "body", "url", "icon", "badge", "image", "tag"] as const) {
    const v = o[field]
    if (v !== undefined) template[field] = v
  }
  if (o.ttl !== undefined) template.ttl = o.ttl
  if (o.urgency !== undefined) template.urgency = o.urgency
  return {
    event: base.event,
    audience: base.audience,
    loads: o.loads ?? base.loads,
    category: o.category ?? base.category,
    template,
    locales: { ...base.locales, ...o.locales },
  }
}

function newRule(event: string, audience: Audience, o: EventRuleOverride, path: string): EventRule {
  for (const field of ["title", "body"] as const) {
    if (o[field] === undefined) {
      throw new PluginOptionsError(`${path}.${field}`, `is required: "${event}" is not in the built-in catalogue`)
    }
  }
  const base: EventRule = {
    event,
    audience,
    loads: "none",
    // Admins opt into store events by name; customers into categories.
    category: audience === "admin" ? event : "order_updates",
    template: { title: "", body: "", url: "/", ttl: 86400, urgency: "normal" },
  }
  return applyOverride(base, o)
}

/**
 * Merges the built-in catalogue with the `events` option: `false` (for an
 * event or one audience) or `enabled: false` removes a rule; an override
 * replaces fields; an event not in the catalogue needs at least title and body. `extra`: entries
 * beside the built-in catalogue (the inbound sources' events), overridden the same way.
 * Throws {@link PluginOptionsError} naming the offending option path.
 */
export function buildEventRules(events: EventsOption | undefined, extra: readonly CatalogueEntry[] = []): EventRule[] {
  const rules = new Map<EventKey, EventRule>()
  for (const entry of [...EVENT_CATALOGUE, ...extra]) {
    rules.set(eventKey(entry.event, entry.audience), { ...entry, template: { ...entry.template } })
  }
  if (events === undefined) return [...rules.values()]
  if (!isPlainObject(events)) {
    throw new PluginOptionsError("events", `must be an object keyed by event name, got ${describe(events)}`)
  }
  for (const [event, perAudience] of Object.entries(events as Record<string, unknown>)) {
    const eventPath = `events.${event}`
    if (!EVENT_NAME.test(event)) {
      throw new PluginOptionsError(eventPath, 'is not a valid event name (e.g. "order.placed")')
    }
    if (perAudience === false) {
      for (const audience of AUDIENCES) rules.delete(eventKey(event, audience))
      continue
    }
    if (!isPlainObject(perAudience)) {
      throw new PluginOptionsError(eventPath, `must be false or an object with "customer" and/or "admin", got ${describe(perAudience)}`)
    }
    for (const [audienceKey, raw] of Object.entries(perAudience)) {
      const path = `${eventPath}.${audienceKey}`
      if (!(AUDIENCES as readonly string[]).includes(audienceKey)) {
        throw new PluginOptionsError(path, 'is not an audience (use "customer" or "admin")')
      }
      const audience = audienceKey as Audience
      if (raw === undefined) continue
      if (raw === false) {
        rules.delete(eventKey(event, audience))
        continue
      }
      const override = validateOverride(raw, path)
      if (override.enabled === false) {
        rules.delete(eventKey(event, audience))
        continue
      }
      const existing = rules.get(eventKey(event, audience))
      rules.set(eventKey(event, audience), existing ? applyOverride(existing, override) : newRule(event, audience, override, path))
    }
  }
  return [...rules.values()]
}

/** Distinct event names the rules subscribe to, in rule order (not those the plugin sends on its own). */
export function eventNames(rules: readonly EventRule[]): string[] {
  return [...new Set(rules.filter((r) => !PLUGIN_SENT_KINDS.includes(r.loads)).map((r) => r.event))]
}
