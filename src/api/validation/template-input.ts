import { InvalidRequestError } from "../../core/errors/api-errors"
import { URGENCIES, Urgency } from "../../core/catalogue/event-types"
import { checkTemplateLink, LinkPolicy } from "../../core/templates/link-policy"
import type { TemplateOverride } from "../../core/templates/localized-template"
import { locale as parseLocale, objectBody, onlyKnown, ttl } from "./fields"

const LIMITS = { title: 200, body: 1000, url: 1024, icon: 1024, image: 1024 } as const

/** Where a template's links may lead: the rule, and the base its paths resolve against (storefront or admin). */
export interface TemplateLinks {
  readonly baseUrl: string
  readonly policy: LinkPolicy
}

const LINK_FIELDS: ReadonlySet<string> = new Set(["url", "icon", "image"])

/**
 * `POST /admin/push/templates/:event/:audience`: `{ locale, enabled?, title?, body?, url?, icon?, image?, ttl?, urgency? }`.
 * `url`, `icon` and `image` follow the link rule (see `checkLink`), judged with stand-in values for placeholders.
 */
export function parseTemplateBody(raw: unknown, defaultLocale: string, links: TemplateLinks): { locale: string; fields: TemplateOverride } {
  const body = objectBody(raw)
  onlyKnown(body, ["locale", "enabled", "ttl", "urgency", ...Object.keys(LIMITS)])
  const locale = parseLocale(body.locale) ?? defaultLocale
  const fields: TemplateOverride = {}
  for (const [field, max] of Object.entries(LIMITS) as Array<[keyof typeof LIMITS, number]>) {
    const value = body[field]
    if (value === undefined) continue
    if (value !== null && (typeof value !== "string" || value.length > max)) {
      throw new InvalidRequestError(field, `${field} must be text of at most ${max} characters, or null to clear it`)
    }
    fields[field] = value === null || value.trim() === "" ? null : value.replace(/[\u0000-\u001f\u007f]/g, " ").trim()
    const saved = fields[field]
    if (LINK_FIELDS.has(field) && typeof saved === "string") {
      const checked = checkTemplateLink(saved, links.baseUrl, links.policy)
      if (!checked.ok) throw new InvalidRequestError(field, `${field} ${checked.problem}`)
    }
  }
  if (body.enabled !== undefined && body.enabled !== null && typeof body.enabled !== "boolean") {
    throw new InvalidRequestError("enabled", "enabled must be true or false")
  }
  if (body.enabled !== undefined) fields.enabled = body.enabled as boolean | null
  const seconds = ttl(body.ttl)
  if (seconds !== undefined) fields.ttl = seconds
  if (body.urgency !== undefined && body.urgency !== null && !(URGENCIES as readonly unknown[]).includes(body.urgency)) {
    throw new InvalidRequestError("urgency", `urgency must be one of ${URGENCIES.join(", ")}`)
  }
  if (body.urgency !== undefined) fields.urgency = body.urgency as Urgency | null
  return { locale, fields }
}
