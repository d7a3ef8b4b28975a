import type { Logger } from "@medusajs/medusa"
import { summaryWording } from "../core/catalogue/alert-floods"
import { inboundSummaryWording } from "../core/catalogue/inbound-events"
import { describeError } from "../core/errors/plugin-errors"
import { eventKey, type EventRule } from "../core/catalogue/event-types"
import { normaliseLocale } from "../core/templates/locale"
import { isEnabled, templateFor } from "../core/templates/localized-template"
import { renderNotification, RenderedNotification } from "../core/templates/notification-builder"
import type { AudienceSpec } from "../core/delivery/audience"
import type { PushMessage } from "../models/push-message"
import type PushAlertFloodService from "./push-alert-flood"
import type PushContextService from "./push-context"
import type { LoadedEvent } from "./push-context"
import type PushDispatcherService from "./push-dispatcher"
import type PushMessageService from "./push-message"
import type PushSubscriptionService from "./push-subscription"
import type PushTemplateService from "./push-template"
import type { EngineClock } from "../core/delivery/clock"
import { linksForEvent, type ResolvedOptions } from "../core/options/plugin-options"

type Dependencies = {
  logger: Logger
  webPushOptions: ResolvedOptions
  webPushClock: EngineClock
  pushSubscriptionService: PushSubscriptionService
  pushMessageService: PushMessageService
  pushContextService: PushContextService
  pushDispatcherService: PushDispatcherService
  pushTemplateService: PushTemplateService
  pushAlertFloodService: PushAlertFloodService
}

export interface MessageSummary {
  id: string
  status: string
  target_count: number
  delivered_count: number
  gone_count: number
  failed_count: number
}

type EventData = Record<string, unknown>

export function summary(message: PushMessage): MessageSummary {
  const { id, status, target_count, delivered_count, gone_count, failed_count } = message
  return { id, status, target_count, delivered_count, gone_count, failed_count }
}

/**
 * The orchestrator: turns a store event into notifications (catalogue rule -> data -> template ->
 * audience), records each one once, and hands it to the dispatcher.
 */
export default class PushNotificationService {
  private readonly deps_: Dependencies

  constructor(deps: Dependencies) {
    this.deps_ = deps
  }

  /** Handles one occurrence of a store event. `no_notification: true` in its data means nothing is sent. */
  async handleEvent(eventName: string, data: unknown): Promise<void> {
    const eventData: EventData = data && typeof data === "object" ? (data as EventData) : {}
    if (eventData.no_notification === true) return
    const rules = this.deps_.webPushOptions.rules.filter((r) => r.event === eventName)
    let firstError: unknown
    for (const rule of rules) {
      // One audience failing (say, the order cannot be loaded) never stops the other.
      try {
        await this.notify(rule, eventData)
      } catch (err) {
        firstError ??= err
        this.deps_.logger.error(`web-push: ${eventName} for ${rule.audience} failed: ${describeError(err)}`)
      }
    }
    if (firstError !== undefined) throw firstError
  }

  private async notify(rule: EventRule, data: EventData): Promise<void> {
    const { logger, pushContextService, pushSubscriptionService, pushTemplateService, webPushOptions: options, webPushClock } = this.deps_
    const loaded = await pushContextService.load(rule.loads, data)
    if (!loaded) {
      // Without an id the event is malformed; with one, its resource is gone (a device renewed
      // before its welcome was handled): nothing to tell, and nothing wrong.
      if (typeof data.id === "string" && data.id !== "")
        logger.debug(`web-push: ${rule.event}: ${rule.loads} ${data.id} is gone; nothing sent to ${rule.audience}`)
      else logger.warn(`web-push: ${rule.event} carries no resource id; nothing sent to ${rule.audience}`)
      return
    }
    let audience: AudienceSpec | undefined
    if (rule.audience === "admin") audience = { kind: "admin", category: rule.category }
    else if (loaded.deviceId) {
      // One device (the welcome): whatever categories it chose.
      audience = { kind: "device", subscriptionId: loaded.deviceId, category: rule.category }
    } else if (loaded.customerId || loaded.orderId || loaded.subscriptionId) {
      // A cart's reminder: the customer's devices and the device that registered the cart.
      const { customerId, orderId, subscriptionId } = loaded
      audience = { kind: "customer", customerId, orderId, at: webPushClock.now(), category: rule.category, subscriptionId }
    }
    if (!audience || !(await pushSubscriptionService.hasAudience(audience))) return

    const { defaultLocale } = options.preferences
    const saved = await pushTemplateService.overridesFor(rule.event, rule.audience)
    if (!isEnabled(saved, defaultLocale)) return
    const render = (locale: string): RenderedNotification =>
      renderNotification(templateFor(rule, locale, defaultLocale, saved), loaded.contextFor(locale), {
        baseUrl: rule.audience === "admin" ? options.adminUrl : options.storefrontUrl,
        links: linksForEvent(options, rule.event),
        icon: options.defaultIcon,
        badge: options.defaultBadge,
      })
    // One rendering per language among the readers' devices (a device without one reads the order's, else the store's).
    const locales = new Set([defaultLocale])
    for (const locale of await pushSubscriptionService.audienceLocales(audience)) {
      locales.add(normaliseLocale(locale) ?? loaded.locale ?? defaultLocale)
    }
    const rendered = render(defaultLocale)
    const templateKey = eventKey(rule.event, rule.audience)
    const idempotencyKey = `${rule.event}|${loaded.resourceKey}|${rule.audience}|${templateKey}`
    const message = await recordRendered(this.deps_.pushMessageService, rendered, audience, {
      idempotency_key: idempotencyKey,
      event_name: rule.event,
      template_key: templateKey,
      resource_id: loaded.resourceId,
      localized_payloads: Object.fromEntries([...locales].map((l) => [l, { ...render(l) }])),
      context_locale: loaded.locale,
    })
    // Handled before (a redelivered or repeated event): sent again only if it was never fanned out.
    if (!message) return this.deps_.pushDispatcherService.resumeByKey(idempotencyKey)
    if (rule.audience === "admin" && (await this.admitAdminAlert(rule, message, loaded, [...locales])) === "summarised") return
    await this.deps_.pushDispatcherService.dispatch(message)
  }

  /** Past its event's limit in the window (`admin_alerts`), an admin alert is folded into the window's summary. */
  private admitAdminAlert(rule: EventRule, message: PushMessage, loaded: LoadedEvent, locales: string[]): Promise<"single" | "summarised"> {
    const source = this.deps_.webPushOptions.inboundSources.find((s) => s.event === rule.event)
    const wording = summaryWording(rule.event, source ? inboundSummaryWording(source) : undefined)
    return this.deps_.pushAlertFloodService.admit(rule, message, loaded.amount ?? null, wording, locales)
  }
}

/** What a rendered notification is recorded under. */
export interface RecordKeys {
  /** Its id when the caller needs it before recording. */
  id?: string
  idempotency_key: string
  event_name: string
  template_key: string
  resource_id: string | null
  localized_payloads?: Record<string, Record<string, unknown>>
  context_locale?: string | null
  send_at?: Date | null
}

/** Records a rendered notification once; `null` when its idempotency key was seen before. */
export function recordRendered(
  messages: Pick<PushMessageService, "createOnce">,
  rendered: RenderedNotification,
  audience: AudienceSpec,
  keys: RecordKeys
): Promise<PushMessage | null> {
  return messages.createOnce({
    ...keys,
    audience,
    payload: { ...rendered },
    ttl: rendered.ttl,
    urgency: rendered.urgency,
    topic: rendered.tag ?? null,
  })
}
