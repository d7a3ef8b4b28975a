import type { TemplateFields, Urgency } from "../catalogue/event-types"
import { allowedLink, LinkPolicy, resolveLink } from "./link-policy"
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
  /** Where links may lead; a rendered link the rule refuses is replaced by the base URL (a picture is left out). */
  readonly links: LinkPolicy
  readonly icon?: string
  readonly badge?: string
}

function encodeLinkPart(value: string): string {
  return /^https?:\/\//i.test(value) ? value : encodeURIComponent(value)
}

function optional(template: string | undefined, context: TemplateContext): string | undefined {
  if (template === undefined) return undefined
  const value = renderTemplate(template, context)
  return value === "" ? undefined : value
}

/** A picture's link, rendered and resolved, when the link rule allows it. */
function picture(template: string | undefined, context: TemplateContext, defaults: BuildDefaults): string | undefined {
  const value = optional(template, context)
  return value === undefined ? undefined : allowedLink(value, defaults.baseUrl, defaults.links)
}

/** Renders every field of a template with the event's context. Values are plain text. */
export function renderNotification(template: TemplateFields, context: TemplateContext, defaults: BuildDefaults): RenderedNotification {
  // A value that is itself a link (a tracking URL) is kept whole; any other value is escaped.
  const link = renderTemplate(template.url, context, { encode: encodeLinkPart, tidy: false })
  return {
    title: renderTemplate(template.title, context),
    body: renderTemplate(template.body, context),
    // Checked again with the real values: a value that is itself a link must lead somewhere allowed too.
    url: allowedLink(link || "/", defaults.baseUrl, defaults.links) ?? resolveLink("/", defaults.baseUrl),
    icon: picture(template.icon, context, defaults) ?? defaults.icon,
    badge: picture(template.badge, context, defaults) ?? defaults.badge,
    image: picture(template.image, context, defaults),
    tag: optional(template.tag, context),
    ttl: template.ttl,
    urgency: template.urgency,
  }
}
