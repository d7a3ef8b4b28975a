import { generateEntityId, Logger } from "@medusajs/medusa"
import { hostname } from "node:os"
import type { EntityManager } from "typeorm"
import { backoffDelayMs } from "../core/backoff"
import { forEachConcurrent } from "../core/concurrency"
import { PayloadTooLargeError } from "../core/errors"
import type { Urgency } from "../core/event-types"
import type { DeliveryOutcome } from "../core/outcome"
import { buildPayload, NotificationPayload } from "../core/payload"
import type { PushResult } from "../core/push-transport"
import { endpointHash } from "../core/redact"
import { audienceCondition, audienceOf } from "../lib/audience"
import type { PushDeliveryStatus } from "../models/push-delivery"
import type { PushMessage } from "../models/push-message"
import type PushMessageService from "./push-message"
import type { AttemptRecord } from "./push-message"
import type PushSubscriptionService from "./push-subscription"
import type WebPushService from "./web-push"

type Dependencies = {
  manager: EntityManager
  logger: Logger
  eventBusService: { emit(events: Array<{ eventName: string; data: unknown }>): Promise<unknown> }
  webPushService: WebPushService
  pushMessageService: PushMessageService
  pushSubscriptionService: PushSubscriptionService
}

/** Event whose jobs carry one batch of a large audience; any instance of the store may take one. */
export const BATCH_EVENT = "web_push.batch"

/** Names this process in the batches it takes (which instance did what, after a crash or under load). */
const INSTANCE = `${hostname()}:${process.pid}`

/** A delivery claimed for sending, with what the sender needs of its device. */
interface ClaimedDelivery {
  id: string
  attempts: number
  message_id: string
  subscription_id: string
  endpoint: string
  p256dh: string
  auth: string
}

const CLAIM_RETURNING = `d."id", d."attempts", d."message_id", s."id" AS subscription_id, s."endpoint", s."p256dh", s."auth"`

/** At most this many outcomes per write. */
const RECORD_CHUNK = 200

interface StoredResult {
  record: AttemptRecord
  delivery: ClaimedDelivery
  outcome: DeliveryOutcome
}

/** The payload a message's notification carries, with the ids that let a click be recorded. */
function payloadFor(message: PushMessage, deliveryId: string): string {
  const stored = message.payload as unknown as Omit<NotificationPayload, "timestamp" | "data">
  return buildPayload({
    title: stored.title,
    body: stored.body,
    url: stored.url,
    icon: stored.icon,
    badge: stored.badge,
    image: stored.image,
    tag: stored.tag,
    renotify: stored.tag !== undefined,
    timestamp: new Date(message.created_at).getTime(),
    data: { message_id: message.id, delivery_id: deliveryId, url: stored.url ?? null },
  })
}

/**
 * The delivery engine: fans a message out to its audience (inline when small, else in batches
 * claimed by any instance), sends through the web-push service, stores every outcome, and takes
 * over due retries and the work of crashed instances (leases). No network call happens inside a
 * database transaction.
 */
export default class PushDispatcherService {
  private readonly deps_: Dependencies

  constructor(deps: Dependencies) {
    this.deps_ = deps
  }

  private get options() {
    return this.deps_.webPushService.options
  }

  private query<T>(sql: string, params: unknown[]): Promise<T> {
    return this.deps_.manager.query(sql, params)
  }

  /** Sends a freshly recorded message to its audience; returns it with its counts. */
  async dispatch(message: PushMessage): Promise<PushMessage> {
    const { sql, params } = audienceCondition(audienceOf(message), 1)
    const [{ total }] = await this.query<Array<{ total: number }>>(
      `SELECT count(*)::int AS total FROM "push_subscription" s WHERE ${sql}`,
      params
    )
    await this.deps_.pushMessageService.setTargetCount(message.id, total)
    if (total <= this.options.batchSize) {
      await this.sendRange(message, null, null)
    } else {
      const batchIds = await this.createBatches(message)
      await this.deps_.eventBusService.emit(batchIds.map((id) => ({ eventName: BATCH_EVENT, data: { batch_id: id } })))
    }
    return (await this.deps_.pushMessageService.refreshCounts(message.id)) ?? message
  }

  /** Splits the audience into ranges of `batch_size` subscription ids (one query, no ids held but the bounds). */
  private async createBatches(message: PushMessage): Promise<string[]> {
    const { sql, params } = audienceCondition(audienceOf(message), 1)
    const bounds = await this.query<Array<{ id: string }>>(
      `SELECT "id" FROM (
         SELECT s."id", row_number() OVER (ORDER BY s."id") AS n, count(*) OVER () AS total
         FROM "push_subscription" s WHERE ${sql}) t
       WHERE t.n % $${params.length + 1} = 0 OR t.n = t.total
       ORDER BY "id"`,
      [...params, this.options.batchSize]
    )
    const ids = bounds.map(() => generateEntityId(undefined, "pushbat"))
    await this.query(
      `INSERT INTO "push_batch" ("id", "message_id", "after_subscription_id", "last_subscription_id")
       SELECT b.id, $1, b.after_id, b.last_id FROM unnest($2::text[], $3::text[], $4::text[]) AS b(id, after_id, last_id)`,
      [message.id, ids, [null, ...bounds.slice(0, -1).map((b) => b.id)], bounds.map((b) => b.id)]
    )
    return ids
  }

  /** Takes one batch (unless another instance holds it) and sends it; at most two at once per process. */
  processBatch(batchId: string): Promise<void> {
    return this.deps_.webPushService.inBatchSlot(() => this.runBatch(batchId))
  }

  private async runBatch(batchId: string): Promise<void> {
    const [claimed] = await this.query<[Array<{ message_id: string; after_subscription_id: string | null; last_subscription_id: string }>, number]>(
      `UPDATE "push_batch" SET "status" = 'running', "attempts" = "attempts" + 1, "updated_at" = now(),
         "lease_until" = now() + $2 * interval '1 millisecond', "claimed_by" = $3
       WHERE "id" = $1 AND ("status" = 'pending' OR ("status" = 'running' AND "lease_until" < now()))
       RETURNING "message_id", "after_subscription_id", "last_subscription_id"`,
      [batchId, this.options.leaseMs, INSTANCE]
    )
    const batch = claimed[0]
    if (!batch) return
    const message = await this.deps_.pushMessageService.retrieve(batch.message_id)
    if (message) await this.sendRange(message, batch.after_subscription_id, batch.last_subscription_id, batchId)
    await this.query(`UPDATE "push_batch" SET "status" = 'done', "updated_at" = now() WHERE "id" = $1`, [batchId])
    if (message) await this.deps_.pushMessageService.refreshCounts(message.id)
  }

  /**
   * Creates the deliveries of one range of the audience (a device already addressed is skipped),
   * claims those not already claimed elsewhere, and sends them.
   */
  private async sendRange(message: PushMessage, after: string | null, last: string | null, batchId?: string): Promise<void> {
    const { sql, params } = audienceCondition(audienceOf(message), 5)
    await this.query(
      `INSERT INTO "push_delivery" ("id", "message_id", "subscription_id", "status", "next_attempt_at")
       SELECT 'pushdel_' || upper(replace(gen_random_uuid()::text, '-', '')), $1, s."id", 'pending',
              now() + $4 * interval '1 millisecond'
       FROM "push_subscription" s
       WHERE ($2::text IS NULL OR s."id" > $2) AND ($3::text IS NULL OR s."id" <= $3) AND ${sql}
       ON CONFLICT ("message_id", "subscription_id") DO NOTHING`,
      [message.id, after, last, this.options.leaseMs, ...params]
    )
    const [claimed] = await this.query<[ClaimedDelivery[], number]>(
      `UPDATE "push_delivery" d SET "status" = 'sending', "next_attempt_at" = now() + $4 * interval '1 millisecond'
       FROM "push_subscription" s
       WHERE s."id" = d."subscription_id" AND d."message_id" = $1
         AND ($2::text IS NULL OR d."subscription_id" > $2) AND ($3::text IS NULL OR d."subscription_id" <= $3)
         AND (d."status" = 'pending' OR (d."status" IN ('sending', 'retrying') AND d."next_attempt_at" <= now()))
       RETURNING ${CLAIM_RETURNING}`,
      [message.id, after, last, this.options.leaseMs]
    )
    await this.sendClaimed(claimed, new Map([[message.id, message]]), batchId)
  }

  /**
   * Takes over deliveries that are due: retries whose time has come, and deliveries or batches
   * whose lease ran out (their instance crashed). Returns how many deliveries it sent.
   */
  async processDue(limit = 200): Promise<number> {
    const batches = await this.query<Array<{ id: string }>>(
      `SELECT "id" FROM "push_batch"
       WHERE ("status" = 'running' AND "lease_until" < now())
          OR ("status" = 'pending' AND "created_at" < now() - $1 * interval '1 millisecond')
       ORDER BY "created_at" LIMIT 5`,
      [this.options.leaseMs]
    )
    for (const batch of batches) await this.processBatch(batch.id)

    const [claimed] = await this.query<[ClaimedDelivery[], number]>(
      `WITH due AS (
         SELECT "id" FROM "push_delivery"
         WHERE "status" IN ('pending', 'sending', 'retrying') AND "next_attempt_at" <= now()
         ORDER BY "next_attempt_at" LIMIT $1 FOR UPDATE SKIP LOCKED)
       UPDATE "push_delivery" d SET "status" = 'sending', "next_attempt_at" = now() + $2 * interval '1 millisecond'
       FROM due, "push_subscription" s
       WHERE d."id" = due."id" AND s."id" = d."subscription_id"
       RETURNING ${CLAIM_RETURNING}`,
      [limit, this.options.leaseMs]
    )
    if (!claimed.length) return 0
    const messages = new Map<string, PushMessage>()
    for (const id of new Set(claimed.map((c) => c.message_id))) {
      const message = await this.deps_.pushMessageService.retrieve(id)
      if (message) messages.set(id, message)
    }
    await this.sendClaimed(claimed, messages)
    for (const id of messages.keys()) await this.deps_.pushMessageService.refreshCounts(id)
    return claimed.length
  }

  /**
   * Sends claimed deliveries (the web-push service caps requests in flight). Outcomes are stored
   * as they come, group-commit style: while one write is under way the next results gather, so
   * a crash leaves only the requests in flight in doubt. Leases of the deliveries not yet stored
   * (and of the batch) are renewed meanwhile, so no other instance takes over live work.
   */
  private async sendClaimed(claimed: ClaimedDelivery[], messages: Map<string, PushMessage>, batchId?: string): Promise<void> {
    const open = new Set(claimed.map((c) => c.id))
    const heartbeat = setInterval(() => {
      this.renewLeases([...open], batchId).catch((err: Error) => this.deps_.logger.warn(`web-push: lease renewal failed: ${err.message}`))
    }, Math.max(250, Math.floor(this.options.leaseMs / 3)))
    heartbeat.unref()

    const buffer: StoredResult[] = []
    let writing: Promise<void> | undefined
    const write = (): void => {
      if (writing || !buffer.length) return
      writing = (async () => {
        while (buffer.length) {
          const chunk = buffer.splice(0, RECORD_CHUNK)
          await this.store(chunk)
          for (const r of chunk) open.delete(r.delivery.id)
        }
      })().finally(() => {
        writing = undefined
      })
    }
    try {
      await forEachConcurrent(claimed, this.options.concurrency, async (delivery) => {
        const message = messages.get(delivery.message_id)
        const result: PushResult = message
          ? await this.sendOne(message, delivery)
          : { outcome: { kind: "rejected", reason: "message_missing" } }
        buffer.push({ record: this.recordFor(delivery, result), delivery, outcome: result.outcome })
        write()
      })
      while (writing || buffer.length) {
        await writing
        write()
      }
    } finally {
      clearInterval(heartbeat)
    }
  }

  private async renewLeases(deliveryIds: string[], batchId?: string): Promise<void> {
    if (deliveryIds.length) {
      await this.query(
        `UPDATE "push_delivery" SET "next_attempt_at" = now() + $2 * interval '1 millisecond'
         WHERE "id" = ANY($1) AND "status" = 'sending'`,
        [deliveryIds, this.options.leaseMs]
      )
    }
    if (batchId) {
      await this.query(
        `UPDATE "push_batch" SET "lease_until" = now() + $2 * interval '1 millisecond' WHERE "id" = $1 AND "status" = 'running'`,
        [batchId, this.options.leaseMs]
      )
    }
  }

  private async sendOne(message: PushMessage, delivery: ClaimedDelivery): Promise<PushResult> {
    let payload: string
    try {
      payload = payloadFor(message, delivery.id)
    } catch (err) {
      if (err instanceof PayloadTooLargeError) return { outcome: { kind: "rejected", reason: "payload_too_large" } }
      throw err
    }
    return this.deps_.webPushService.send(delivery, {
      payload,
      ttl: message.ttl,
      urgency: message.urgency as Urgency,
      topic: message.topic ?? undefined,
    })
  }

  private recordFor(delivery: ClaimedDelivery, result: PushResult): AttemptRecord {
    const { outcome } = result
    const attempts = delivery.attempts + 1
    let status: PushDeliveryStatus = outcome.kind === "retry" ? "retrying" : outcome.kind === "delivered" ? "delivered" : outcome.kind
    if (status === "retrying" && attempts >= this.options.maxAttempts) status = "failed"
    const nextAttemptAt =
      status === "retrying" && outcome.kind === "retry"
        ? new Date(Date.now() + backoffDelayMs(attempts, { baseMs: this.options.retryBaseMs, retryAfterMs: outcome.retryAfterMs }))
        : null
    return {
      deliveryId: delivery.id,
      status,
      statusCode: result.statusCode ?? null,
      error: outcome.kind === "delivered" ? null : outcome.reason,
      nextAttemptAt,
    }
  }

  /** Stores outcomes; a gone device is removed (matched on id and endpoint: a fresh re-subscribe survives). */
  private async store(results: StoredResult[]): Promise<void> {
    if (!results.length) return
    const { pushMessageService, pushSubscriptionService, logger } = this.deps_
    await pushMessageService.recordAttempts(results.map((r) => r.record))
    const delivered: string[] = []
    const failed: string[] = []
    for (const { delivery, outcome, record } of results) {
      if (outcome.kind === "delivered") {
        delivered.push(delivery.subscription_id)
        continue
      }
      logger.warn(`web-push: delivery ${delivery.id} to device ${endpointHash(delivery.endpoint)}: ${record.status} (${outcome.reason})`)
      if (outcome.kind === "gone") await pushSubscriptionService.removeGone(delivery.subscription_id, delivery.endpoint)
      else failed.push(delivery.subscription_id)
    }
    await pushSubscriptionService.recordResults(delivered, failed)
    if (failed.length) await pushSubscriptionService.retireFailing(this.options.retireFailingAfterHours)
  }
}
