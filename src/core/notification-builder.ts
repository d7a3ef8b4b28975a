import type { TemplateFields, Urgency } from "./event-types"
import { renderTemplate } from "./template"
import type { TemplateContext } from "./template-context"

/** A notification rendered from a template, before it is addressed to a device. */
export interface RenderedNotification {
  readonly title: string
  readonly body: string
  readonly url: string
  readonly icon?: string
  readonly badge?: string
  readonly image?: string
  readonly tag?: string
  readonly ttl: number
  readonly urgency: Urgency
}

export interface BuildDefaults {
  /** Storefront base URL for customer notifications, admin base URL for admin ones. */
  readonly baseUrl: string
  readonly icon?: string
  readonly badge?: string
}

/** Resolves a rendered link against the base URL, keeping a base path such as `/de`. */
export function resolveLink(link: string, baseUrl: string): string {
  if (/^https?:\/\//i.test(link)) return link
  const base = baseUrl.replace(/\/+$/, "")
  return link.startsWith("/") ? `${base}${link}` : `${base}/${link}`
}

function encodeLinkPart(value: string): string {
  return /^https?:\/\//i.test(value) ? value : encodeURIComponent(value)
}

function optional(template: string | undefined, context: TemplateContext): string | undefined {
  if (template === undefined) return undefined
  const value = renderTemplate(template, context)
  return value === "" ? undefined : value
}

/** Renders every field of a template with the event's context. Values are plain text. */
export function renderNotification(
  template: TemplateFields,
  context: TemplateContext,
  defaults: BuildDefaults
): RenderedNotification {
  // A value that is itself a link (a tracking URL) is kept whole; any other value is escaped.
  const link = renderTemplate(template.url, context, { encode: encodeLinkPart, tidy: false })
  return {
    title: renderTemplate(template.title, context),
    body: renderTemplate(template.body, context),
    url: resolveLink(link || "/", defaults.baseUrl),
    icon: optional(template.icon, context) ?? defaults.icon,
    badge: optional(template.badge, context) ?? defaults.badge,
    image: optional(template.image, context),
    tag: optional(template.tag, context),
    ttl: template.ttl,
    urgency: template.urgency,
  }
}
