import type { Logger } from "@medusajs/medusa"
import { randomUUID } from "node:crypto"
import { ConflictError, InvalidRequestError, NotFoundError } from "../core/errors/api-errors"
import { audienceOf, AudienceSpec } from "../core/delivery/audience"
import type { EngineClock } from "../core/delivery/clock"
import { sameSegment, type BroadcastSegment } from "../core/delivery/segment"
import { unknownSegmentId } from "../delivery/segment-sql"
import type { EntityManager } from "typeorm"
import { MESSAGE } from "../core/delivery/statuses"
import { describeError } from "../core/errors/plugin-errors"
import { checkLink, linkBase, LinkPolicy } from "../core/templates/link-policy"
import { RenderedNotification } from "../core/templates/notification-builder"
import { resolveLink } from "../core/templates/link-policy"
import { linksForEvent, type ResolvedOptions } from "../core/options/plugin-options"
import type { PushMessage } from "../models/push-message"
import type PushDispatcherService from "./push-dispatcher"
import type { MessageView } from "./push-message"
import type PushMessageService from "./push-message"
import { recordRendered, summary, MessageSummary } from "./push-notification"
import type { AudienceReach } from "./push-subscription"
import type PushSubscriptionService from "./push-subscription"

/** An admin's announcement to every customer who opted into a category. */
export interface BroadcastInput {
  readonly title: string
  readonly body: string
  readonly url?: string
  readonly icon?: string
  readonly image?: string
  readonly category: string
  /** Which of the category's customers it reaches (see `BroadcastSegment`); null: all of them. */
  readonly segment: BroadcastSegment | null
  readonly dryRun: boolean
  /** Start the broadcast then (ISO 8601 with a zone); at once when absent. */
  readonly sendAt?: Date
}

type Dependencies = {
  manager: EntityManager
  logger: Logger
  webPushOptions: ResolvedOptions
  webPushClock: EngineClock
  pushSubscriptionService: PushSubscriptionService
  pushMessageService: PushMessageService
  pushDispatcherService: PushDispatcherService
}

/** A recorded broadcast's reach (a retried request answers the first one's): its deliveries held for their window. */
export function recordedReach(message: MessageView): AudienceReach {
  const held = Math.min(message.held_count, message.target_count)
  return {
    recipient_count: message.target_count,
    sending_now: message.target_count - held,
    held_for_window: held,
    next_window_opens_at: message.next_window_opens_at,
  }
}

/** A stored message may predate the link rule (or a shorter `link_allowlist`): its links are checked again. */
function checkStoredLinks(message: PushMessage, links: LinkPolicy): void {
  const payload = message.payload as Record<string, unknown>
  for (const field of ["url", "icon", "image"] as const) {
    const value = payload[field]
    if (typeof value !== "string" || value === "") continue
    const checked = checkLink(value, linkBase(message.audience, links), links)
    if (!checked.ok) throw new InvalidRequestError(field, `${field} of this message ${checked.problem}; it cannot be sent again`)
  }
}

/**
 * Messages an admin sends by hand: a test push to their own devices, a broadcast to a category's
 * customers, a recorded message sent again. Each is recorded like an event's message and started
 * the one way such a message starts (`start`).
 */
export default class PushAdminSendService {
  private readonly deps_: Dependencies

  constructor(deps: Dependencies) {
    this.deps_ = deps
  }

  /** Sends a test notification to every device of one admin user and waits for the outcomes. */
  async sendTest(userId: string): Promise<MessageSummary | null> {
    const audience: AudienceSpec = { kind: "user", userId }
    if (!(await this.deps_.pushSubscriptionService.hasAudience(audience))) return null
    const options = this.deps_.webPushOptions
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
    const message = await recordRendered(this.deps_.pushMessageService, rendered, audience, {
      idempotency_key: `test|${userId}|${Date.now()}|${Math.random().toString(36).slice(2)}`,
      event_name: "web_push.test",
      template_key: "web_push.test",
      resource_id: userId,
    })
    return message ? summary(await this.start(message, "test")) : null
  }

  /** When a broadcast goes, and its segment is evaluated: `sendAt` when that is later than the engine's now. */
  private broadcastTime(sendAt?: Date): Date {
    const now = this.deps_.webPushClock.now()
    return sendAt && sendAt.getTime() > now.getTime() ? sendAt : now
  }

  /** Refuses (400 naming the field) a segment naming a customer group or region this store does not have. */
  async checkSegment(segment: BroadcastSegment | null): Promise<void> {
    const unknown = segment ? await unknownSegmentId(this.deps_.manager, segment) : null
    if (!unknown) return
    const [field, id] = unknown
    const what = field === "region_ids" ? "region" : "customer group"
    throw new InvalidRequestError(`segment.${field}`, `segment.${field}: "${id}" is not a ${what} of this store`)
  }

  /**
   * How many devices a broadcast to this category and segment would reach, how many of them now
   * and how many when their delivery window opens (counted at `sendAt` when that is later than the
   * engine's now).
   */
  broadcastReach(category: string, segment: BroadcastSegment | null = null, sendAt?: Date): Promise<AudienceReach> {
    return this.reachAt(category, segment, this.broadcastTime(sendAt))
  }

  private reachAt(category: string, segment: BroadcastSegment | null, at: Date): Promise<AudienceReach> {
    return this.deps_.pushSubscriptionService.countAudienceByWindow({ kind: "broadcast", category, segment, at }, category, at)
  }

  /**
   * Records a broadcast and starts sending it in the background (see `start`); answers at once with
   * the message and its reach. The same idempotency key (an admin's retried request) never sends
   * twice: it answers the first broadcast as recorded, or 409 when the key was used for another one.
   */
  async broadcast(input: BroadcastInput, idempotencyKey: string): Promise<{ message: PushMessage; reach: AudienceReach }> {
    const options = this.deps_.webPushOptions
    const at = this.broadcastTime(input.sendAt)
    const reach = await this.reachAt(input.category, input.segment, at)
    const rendered: RenderedNotification = {
      title: input.title,
      body: input.body,
      url: resolveLink(input.url ?? "/", options.storefrontUrl),
      icon: input.icon ? resolveLink(input.icon, options.storefrontUrl) : options.defaultIcon,
      badge: options.defaultBadge,
      image: input.image ? resolveLink(input.image, options.storefrontUrl) : undefined,
      tag: `broadcast-${idempotencyKey.slice(0, 40)}`,
      ttl: 86_400,
      urgency: "low",
    }
    const message = await recordRendered(
      this.deps_.pushMessageService,
      rendered,
      { kind: "broadcast", category: input.category, segment: input.segment, at },
      {
        idempotency_key: `broadcast|${idempotencyKey}`,
        event_name: "web_push.broadcast",
        template_key: "web_push.broadcast",
        resource_id: null,
        send_at: input.sendAt && input.sendAt.getTime() > this.deps_.webPushClock.now().getTime() ? input.sendAt : null,
      }
    )
    if (!message) return this.earlierBroadcast(input, idempotencyKey)
    // A scheduled broadcast is started by the retry poller at send_at.
    if (message.status !== MESSAGE.scheduled) await this.start(message, "broadcast")
    return { message, reach }
  }

  /** A retried broadcast request: the first one's message and reach, if it was the same broadcast. */
  private async earlierBroadcast(input: BroadcastInput, idempotencyKey: string): Promise<{ message: PushMessage; reach: AudienceReach }> {
    const [[earlier]] = await this.deps_.pushMessageService.list(
      { idempotency_key: `broadcast|${idempotencyKey}` },
      { limit: 1, offset: 0 }
    )
    const payload = earlier?.payload as { title?: unknown; body?: unknown } | undefined
    const same =
      earlier?.category === input.category &&
      payload?.title === input.title &&
      payload?.body === input.body &&
      sameSegment(earlier.segment, input.segment)
    if (!earlier || !same) throw new ConflictError("This Idempotency-Key was used for another broadcast", "Idempotency-Key")
    return { message: earlier, reach: recordedReach(earlier) }
  }

  /**
   * Sends a recorded message again: a new message with the same payload to the same audience (the
   * audience as it is now: devices added since are included, removed ones are not), recorded like
   * any other and started like any other (see `start`).
   */
  async resend(originalId: string): Promise<PushMessage> {
    const { pushMessageService, webPushOptions, webPushClock } = this.deps_
    const original = await pushMessageService.retrieve(originalId)
    if (!original) throw new NotFoundError("No message has this id")
    checkStoredLinks(original, linksForEvent(webPushOptions, original.event_name))
    const created = await pushMessageService.createOnce({
      idempotency_key: `resend|${original.id}|${randomUUID()}`,
      event_name: original.event_name,
      audience: audienceOf(original, webPushClock.now()),
      template_key: original.template_key,
      resource_id: original.resource_id,
      payload: original.payload,
      ttl: original.ttl,
      urgency: original.urgency,
      topic: original.topic,
    })
    if (!created) throw new ConflictError("The message could not be recorded again; try again")
    return this.start(created, "resend")
  }

  /**
   * The one way a message an admin sends starts: a broadcast (any number of devices) goes on in the
   * background, its progress in the message's counts (a crash midway is taken over by the retry
   * poller through leases, so nothing depends on that promise); a personal, admin or test message
   * is sent before the answer, which carries its counts.
   */
  private async start(message: PushMessage, what: "test" | "broadcast" | "resend"): Promise<PushMessage> {
    if (message.audience !== "broadcast") return this.deps_.pushDispatcherService.dispatch(message)
    this.deps_.pushDispatcherService.dispatch(message).catch((err: unknown) => {
      this.deps_.logger.error(`web-push: ${what} ${message.id} failed to start: ${describeError(err)}`)
    })
    return message
  }
}
