import type { Logger } from "@medusajs/medusa"
import { forEachConcurrent } from "../core/concurrency"
import type { EventRule } from "../core/event-types"
import { renderNotification, RenderedNotification } from "../core/notification-builder"
import { PayloadTooLargeError } from "../core/errors"
import { buildPayload } from "../core/payload"
import type { PushResult } from "../core/push-transport"
import { endpointHash } from "../core/redact"
import type { PushMessage } from "../models/push-message"
import type PushContextService from "./push-context"
import type PushMessageService from "./push-message"
import type PushSubscriptionService from "./push-subscription"
import type { SubscriptionTarget } from "./push-subscription"
import type WebPushService from "./web-push"

type Dependencies = {
  logger: Logger
  webPushService: WebPushService
  pushSubscriptionService: PushSubscriptionService
  pushMessageService: PushMessageService
  pushContextService: PushContextService
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

function summary(message: PushMessage): MessageSummary {
  const { id, status, target_count, delivered_count, gone_count, failed_count } = message
  return { id, status, target_count, delivered_count, gone_count, failed_count }
}

/**
 * The orchestrator: turns a store event into notifications (catalogue rule -> data -> template ->
 * audience), records each one once, and delivers it to every target device.
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
    const rules = this.deps_.webPushService.options.rules.filter((r) => r.event === eventName)
    let firstError: unknown
    for (const rule of rules) {
      // One audience failing (say, the order cannot be loaded) never stops the other.
      try {
        await this.notify(rule, eventData)
      } catch (err) {
        firstError ??= err
        this.deps_.logger.error(`web-push: ${eventName} for ${rule.audience} failed: ${(err as Error).message}`)
      }
    }
    if (firstError !== undefined) throw firstError
  }

  /** Sends a test notification to every device of one admin user and waits for the outcomes. */
  async sendTest(userId: string): Promise<MessageSummary | null> {
    const targets = await this.deps_.pushSubscriptionService.targetsForUser(userId)
    if (!targets.length) return null
    const { options } = this.deps_.webPushService
    const rendered: RenderedNotification = {
      title: "Test notification",
      body: "Push notifications work on this device.",
      url: `${options.adminUrl}/a/settings`,
      icon: options.defaultIcon,
      badge: options.defaultBadge,
      tag: "web-push-test",
      ttl: 300,
      urgency: "high",
    }
    const message = await this.deps_.pushMessageService.createOnce({
      idempotency_key: `test|${userId}|${Date.now()}|${Math.random().toString(36).slice(2)}`,
      event_name: "web_push.test",
      audience: "test",
      template_key: "web_push.test",
      resource_id: userId,
      category: null,
      payload: { ...rendered },
      ttl: rendered.ttl,
      urgency: rendered.urgency,
      topic: null,
    })
    return message ? summary(await this.deliver(message, rendered, targets)) : null
  }

  private async notify(rule: EventRule, data: EventData): Promise<void> {
    const { logger, pushContextService, pushSubscriptionService, pushMessageService, webPushService } = this.deps_
    const loaded = await pushContextService.load(rule.loads, data)
    if (!loaded) {
      logger.warn(`web-push: ${rule.event} carries no resource id; nothing sent to ${rule.audience}`)
      return
    }
    let targets: SubscriptionTarget[] = []
    if (rule.audience === "admin") {
      targets = await pushSubscriptionService.targetsForAdmins(rule.category)
    } else if (loaded.customerId) {
      targets = await pushSubscriptionService.targetsForCustomer(loaded.customerId, rule.category)
    }
    if (!targets.length) return

    const { options } = webPushService
    const rendered = renderNotification(rule.template, loaded.context, {
      baseUrl: rule.audience === "admin" ? options.adminUrl : options.storefrontUrl,
      icon: options.defaultIcon,
      badge: options.defaultBadge,
    })
    const templateKey = `${rule.event}:${rule.audience}`
    const message = await pushMessageService.createOnce({
      idempotency_key: `${rule.event}|${loaded.resourceKey}|${rule.audience}|${templateKey}`,
      event_name: rule.event,
      audience: rule.audience,
      template_key: templateKey,
      resource_id: loaded.resourceId,
      category: rule.category,
      payload: { ...rendered },
      ttl: rendered.ttl,
      urgency: rendered.urgency,
      topic: rendered.tag ?? null,
    })
    if (!message) return // this occurrence was handled before: a redelivered or repeated event
    await this.deliver(message, rendered, targets)
  }

  /** One delivery row per device, then every device in parallel (capped); one failure never stops the others. */
  private async deliver(message: PushMessage, rendered: RenderedNotification, targets: SubscriptionTarget[]): Promise<PushMessage> {
    const { logger, pushMessageService, pushSubscriptionService, webPushService } = this.deps_
    const deliveries = await pushMessageService.createDeliveries(
      message.id,
      targets.map((t) => t.id)
    )
    const byId = new Map(targets.map((t) => [t.id, t]))
    const delivered: string[] = []
    const failed: string[] = []
    const timestamp = new Date(message.created_at).getTime()

    await forEachConcurrent(deliveries, webPushService.options.concurrency, async (delivery) => {
      const target = byId.get(delivery.subscription_id) as SubscriptionTarget
      const result = await this.sendOne(message, rendered, target, delivery.id, timestamp)
      await pushMessageService.recordAttempt(delivery.id, result.outcome, result.statusCode)
      if (result.outcome.kind === "delivered") {
        delivered.push(target.id)
        return
      }
      logger.warn(
        `web-push: delivery ${delivery.id} to device ${endpointHash(target.endpoint)}: ${result.outcome.kind} (${result.outcome.reason})`
      )
      if (result.outcome.kind === "gone") {
        await pushSubscriptionService.removeGone(target.id, target.endpoint)
      } else {
        failed.push(target.id)
      }
    })
    await pushSubscriptionService.recordResults(delivered, failed)
    return (await pushMessageService.refreshCounts(message.id)) ?? message
  }

  private async sendOne(
    message: PushMessage,
    rendered: RenderedNotification,
    target: SubscriptionTarget,
    deliveryId: string,
    timestamp: number
  ): Promise<PushResult> {
    let payload: string
    try {
      payload = buildPayload({
        title: rendered.title,
        body: rendered.body,
        url: rendered.url,
        icon: rendered.icon,
        badge: rendered.badge,
        image: rendered.image,
        tag: rendered.tag,
        renotify: rendered.tag !== undefined,
        timestamp,
        data: { message_id: message.id, delivery_id: deliveryId, url: rendered.url },
      })
    } catch (err) {
      if (err instanceof PayloadTooLargeError) return { outcome: { kind: "rejected", reason: "payload_too_large" } }
      throw err
    }
    return this.deps_.webPushService.send(target, {
      payload,
      ttl: rendered.ttl,
      urgency: rendered.urgency,
      topic: message.topic ?? undefined,
    })
  }
}
