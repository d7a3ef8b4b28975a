import { isChatProvider, type ResolvedInboundSource } from "../options/inbound-options"
import { alertsFrom, CHAT_MESSAGES, type SummaryWording } from "./alert-floods"
import type { CatalogueEntry } from "./event-types"

const DAY = 86_400
/** Where an alert without a link of its own leads: the plugin's delivery log in the admin. */
const DELIVERY_LOG = "/a/web-push"

/**
 * The admin event of each inbound source (`inbound.<name>`), as catalogue entries: templates,
 * preferences, role defaults and flood control then work as for the store's own events. The
 * `events` option overrides them like any other (`events: { "inbound.chat": { admin: { title } } }`).
 */
export function inboundCatalogueEntries(sources: readonly ResolvedInboundSource[]): CatalogueEntry[] {
  return sources.map((source) => ({
    event: source.event,
    audience: "admin",
    loads: "inbound_alert",
    category: source.event,
    template: isChatProvider(source.provider)
      ? {
          title: 'New chat message from {{inbound.name | "a visitor"}}',
          body: "{{inbound.text}}",
          url: `{{inbound.url | "${DELIVERY_LOG}"}}`,
          tag: "inbound-{{inbound.id}}",
          ttl: DAY,
          urgency: "high",
        }
      : {
          title: "{{inbound.title}}",
          body: "{{inbound.text}}",
          url: `{{inbound.url | "${DELIVERY_LOG}"}}`,
          tag: "inbound-{{inbound.id}}",
          ttl: DAY,
          urgency: "high",
        },
  }))
}

/** How a flood of a source's alerts is summarised, and where the summary leads (the chat tool's inbox). */
export function inboundSummaryWording(source: ResolvedInboundSource): SummaryWording {
  if (source.provider === "chatwoot" && source.baseUrl) return { noun: CHAT_MESSAGES, url: `${source.baseUrl}/app` }
  if (source.provider === "crisp") return { noun: CHAT_MESSAGES, url: "https://app.crisp.chat/" }
  return { noun: alertsFrom(source.name), url: DELIVERY_LOG }
}
