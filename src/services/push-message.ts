import { generateEntityId, TransactionBaseService } from "@medusajs/medusa"
import type { EntityManager } from "typeorm"
import { DELIVERY_SQL, MESSAGE_SQL, BATCH_SQL } from "../core/delivery/statuses"
import { audienceColumns, AudienceSpec } from "../core/delivery/audience"
import { claimableDeviceSql } from "../delivery/audience-sql"
import type { PushDelivery } from "../models/push-delivery"
import type { PushMessage } from "../models/push-message"
import type { EngineClock } from "../core/delivery/clock"
import type { ResolvedOptions } from "../core/options/plugin-options"

type Dependencies = { manager: EntityManager; webPushOptions: ResolvedOptions; webPushClock: EngineClock }

/**
 * Open deliveries of `push_delivery dd` that no device can take any more at `nowParam`: the device
 * was removed (renew, eviction, retire, unsubscribe, a departed admin), or it may no longer be
 * sent to (its admin was deleted, its guest subscription expired).
 */
function unreachableSql(nowParam: string): string {
  return `dd."status" IN (${DELIVERY_SQL.open})
    AND NOT EXISTS (SELECT 1 FROM "push_subscription" s WHERE s."id" = dd."subscription_id" AND ${claimableDeviceSql(nowParam)})`
}

/** How a delivery closed by `unreachableSql` is recorded. */
const CLOSE_UNREACHABLE = `"status" = ${DELIVERY_SQL.gone}, "updated_at" = now(),
  "last_error" = CASE WHEN EXISTS (SELECT 1 FROM "push_subscription" s WHERE s."id" = d."subscription_id")
                      THEN 'subscription_ended' ELSE 'subscription_removed' END`

export interface NewMessage {
  idempotency_key: string
  event_name: string
  audience: AudienceSpec
  template_key: string
  resource_id: string | null
  payload: Record<string, unknown>
  ttl: number
  urgency: string
  topic: string | null
  /** The notification per reader language, beside `payload` (the store's default language). */
  localized_payloads?: Record<string, Record<string, unknown>> | null
  context_locale?: string | null
  /** Hold the whole message until then (a scheduled broadcast). */
  send_at?: Date | null
}

/**
 * A message as the admin routes answer it: its deliveries waiting for the reader's delivery window
 * (`scheduled`) and the earliest of their openings (null when none waits).
 */
export type MessageView = PushMessage & { held_count: number; next_window_opens_at: Date | null }

/** The held-deliveries columns of `MessageView`, joined on a message row `m`. */
const HELD_JOIN = `LEFT JOIN LATERAL (
    SELECT count(*)::int AS held_count, min(hd."next_attempt_at") AS next_window_opens_at
    FROM "push_delivery" hd WHERE hd."message_id" = m."id" AND hd."status" = ${DELIVERY_SQL.scheduled}) h ON true`
const HELD_COLUMNS = `h."held_count", h."next_window_opens_at"`

export interface MessageFilter {
  idempotency_key?: string
  event_name?: string
  status?: string
  audience?: string
  resource_id?: string
}

/** The record of every send: one message per rendered notification, one delivery per device. */
export default class PushMessageService extends TransactionBaseService {
  private readonly container_: Dependencies

  constructor(container: Dependencies) {
    super(container)
    this.container_ = container
  }

  /**
   * Records a message (created at the engine's time, which its TTL counts from); `null` when its
   * idempotency key was seen before (a redelivered event). A
   * message to send now is recorded with a fan-out lease (`lease_ms`): if it is not fanned out by
   * then (a crash, a failure), the poller resumes it.
   */
  async createOnce(message: NewMessage): Promise<PushMessage | null> {
    const options = this.container_.webPushOptions
    const now = this.container_.webPushClock.now()
    const target = audienceColumns(message.audience)
    const rows: PushMessage[] = await this.activeManager_.query(
      `INSERT INTO "push_message"
         ("id", "idempotency_key", "event_name", "audience", "template_key", "resource_id", "category",
          "target_customer_id", "target_user_id", "payload", "ttl", "urgency", "topic", "status",
          "localized_payloads", "context_locale", "send_at", "target_order_id", "audience_at", "fanout_until", "fanout_attempts", "created_at",
          "target_subscription_id")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
               CASE WHEN $16::timestamptz IS NULL THEN ${MESSAGE_SQL.sending} ELSE ${MESSAGE_SQL.scheduled} END, $14, $15, $16, $17, $18,
               CASE WHEN $16::timestamptz IS NULL THEN $19::timestamptz + $20 * interval '1 millisecond' END,
               CASE WHEN $16::timestamptz IS NULL THEN 1 ELSE 0 END, $19, $21)
       ON CONFLICT ("idempotency_key") DO NOTHING
       RETURNING *`,
      [
        generateEntityId(undefined, "pushmsg"),
        message.idempotency_key,
        message.event_name,
        target.audience,
        message.template_key,
        message.resource_id,
        target.category,
        target.target_customer_id,
        target.target_user_id,
        JSON.stringify(message.payload),
        message.ttl,
        message.urgency,
        message.topic,
        message.localized_payloads ? JSON.stringify(message.localized_payloads) : null,
        message.context_locale ?? null,
        message.send_at ?? null,
        target.target_order_id,
        target.audience_at,
        now,
        options.leaseMs,
        target.target_subscription_id ?? null,
      ]
    )
    return rows[0] ?? null
  }

  /**
   * Takes messages to fan out, each with a lease so that one instance has it: `sending` messages
   * with neither deliveries nor batches whose lease has passed (recorded, then a crash or a failed
   * fan-out), or only the one with this idempotency key (a redelivered event). Only messages younger
   * than their TTL (by the engine's clock) are taken; older ones end `failed` with `expired`.
   */
  async claimUnsent(now: Date, limit: number, idempotencyKey: string | null = null): Promise<PushMessage[]> {
    const { leaseMs } = this.container_.webPushOptions
    // Older than its TTL: the push service would drop it anyway, and a week-old "shipped" is noise.
    await this.activeManager_.query(
      `UPDATE "push_message" SET "status" = ${MESSAGE_SQL.failed}, "last_error" = 'expired', "fanout_until" = NULL, "updated_at" = now()
       WHERE "id" IN (
         SELECT m."id" FROM "push_message" m
         WHERE m."status" = ${MESSAGE_SQL.sending} AND (m."fanout_until" IS NULL OR m."fanout_until" < $1)
           AND ($2::text IS NULL OR m."idempotency_key" = $2)
           AND GREATEST(m."created_at", m."send_at") + m."ttl" * interval '1 second' <= $1
           AND NOT EXISTS (SELECT 1 FROM "push_delivery" d WHERE d."message_id" = m."id")
           AND NOT EXISTS (SELECT 1 FROM "push_batch" b WHERE b."message_id" = m."id")
         LIMIT 100 FOR UPDATE SKIP LOCKED)`,
      [now, idempotencyKey]
    )
    const [rows]: [PushMessage[], number] = await this.activeManager_.query(
      `UPDATE "push_message" SET "fanout_until" = $1::timestamptz + $2 * interval '1 millisecond',
         "fanout_attempts" = "fanout_attempts" + 1, "updated_at" = now()
       WHERE "id" IN (
         SELECT m."id" FROM "push_message" m
         WHERE m."status" = ${MESSAGE_SQL.sending} AND (m."fanout_until" IS NULL OR m."fanout_until" < $1)
           AND ($4::text IS NULL OR m."idempotency_key" = $4)
           AND GREATEST(m."created_at", m."send_at") + m."ttl" * interval '1 second' > $1
           AND NOT EXISTS (SELECT 1 FROM "push_delivery" d WHERE d."message_id" = m."id")
           AND NOT EXISTS (SELECT 1 FROM "push_batch" b WHERE b."message_id" = m."id")
         ORDER BY m."fanout_until" NULLS FIRST LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [now, leaseMs, limit, idempotencyKey]
    )
    return rows
  }

  /**
   * A fan-out failed: the reason is kept, the message is retried after `retryAt` (by the poller or
   * a redelivered event), or, after `maxAttempts` fan-outs that created nothing, it ends `failed`
   * (one that got as far as deliveries or batches goes on through them).
   */
  async recordFanoutFailure(messageId: string, reason: string, retryAt: Date, maxAttempts: number): Promise<void> {
    await this.activeManager_.query(
      `UPDATE "push_message" SET "last_error" = $2, "fanout_until" = $3,
         "status" = CASE WHEN "fanout_attempts" >= $4
             AND NOT EXISTS (SELECT 1 FROM "push_delivery" d WHERE d."message_id" = $1)
             AND NOT EXISTS (SELECT 1 FROM "push_batch" b WHERE b."message_id" = $1) THEN ${MESSAGE_SQL.failed} ELSE "status" END,
         "updated_at" = now()
       WHERE "id" = $1 AND "status" = ${MESSAGE_SQL.sending}`,
      [messageId, reason.slice(0, 300), retryAt, maxAttempts]
    )
  }

  /**
   * Closes, as gone, open deliveries (of any open status) that no device can take any more (see
   * `unreachableSql`), at most `limit` per call, and refreshes their messages' counts. The poller
   * calls it before it claims, so such deliveries never fill its claim.
   */
  async closeUnreachable(now: Date, limit = 1000): Promise<number> {
    const [closed]: [Array<{ message_id: string }>, number] = await this.activeManager_.query(
      `UPDATE "push_delivery" d SET ${CLOSE_UNREACHABLE}
       WHERE d."id" IN (SELECT dd."id" FROM "push_delivery" dd WHERE ${unreachableSql("$1")} LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING d."message_id"`,
      [now, limit]
    )
    for (const id of new Set(closed.map((c) => c.message_id))) await this.refreshCounts(id)
    return closed.length
  }

  /** Sets how many devices a message is for, counted when it is fanned out. */
  async setTargetCount(messageId: string, count: number): Promise<void> {
    await this.activeManager_.query(`UPDATE "push_message" SET "target_count" = $2 WHERE "id" = $1`, [messageId, count])
  }

  /**
   * Recomputes a message's counts from its deliveries; `done` once no delivery or batch is open.
   * Deliveries whose device was removed meanwhile are closed as gone.
   */
  async refreshCounts(messageId: string): Promise<PushMessage | undefined> {
    await this.activeManager_.query(
      `UPDATE "push_delivery" d SET ${CLOSE_UNREACHABLE}
       WHERE d."id" IN (SELECT dd."id" FROM "push_delivery" dd WHERE dd."message_id" = $1 AND ${unreachableSql("$2")})`,
      [messageId, this.container_.webPushClock.now()]
    )
    const [rows]: [PushMessage[], number] = await this.activeManager_.query(
      `UPDATE "push_message" m SET
         "delivered_count" = c.delivered, "gone_count" = c.gone, "failed_count" = c.failed,
         "target_count" = GREATEST(m."target_count", c.total),
         "status" = CASE WHEN m."status" = ${MESSAGE_SQL.failed} THEN ${MESSAGE_SQL.failed} WHEN c.open = 0 AND NOT EXISTS (
             SELECT 1 FROM "push_batch" b WHERE b."message_id" = m."id" AND b."status" <> ${BATCH_SQL.done}) THEN ${MESSAGE_SQL.done} ELSE ${MESSAGE_SQL.sending} END,
         "updated_at" = now()
       FROM (SELECT count(*)::int AS total,
               count(*) FILTER (WHERE "status" = ${DELIVERY_SQL.delivered})::int AS delivered,
               count(*) FILTER (WHERE "status" = ${DELIVERY_SQL.gone})::int AS gone,
               count(*) FILTER (WHERE "status" IN (${DELIVERY_SQL.failedOnes}))::int AS failed,
               count(*) FILTER (WHERE "status" IN (${DELIVERY_SQL.open}))::int AS open
             FROM "push_delivery" WHERE "message_id" = $1) c
       WHERE m."id" = $1
       RETURNING m.*`,
      [messageId]
    )
    return rows[0]
  }

  async retrieve(id: string): Promise<PushMessage | undefined> {
    const rows: PushMessage[] = await this.activeManager_.query(`SELECT * FROM "push_message" WHERE "id" = $1`, [id])
    return rows[0]
  }

  /** One message as the admin sees it: with its held deliveries (see `MessageView`). */
  async retrieveView(id: string): Promise<MessageView | undefined> {
    const rows: MessageView[] = await this.activeManager_.query(
      `SELECT m.*, ${HELD_COLUMNS} FROM "push_message" m ${HELD_JOIN} WHERE m."id" = $1`,
      [id]
    )
    return rows[0]
  }

  /** Messages newest first, each with its held deliveries (one query for the page, no query per message). */
  async list(filter: MessageFilter, page: { limit: number; offset: number }): Promise<[MessageView[], number]> {
    const where: string[] = []
    const params: unknown[] = []
    for (const [column, value] of Object.entries(filter)) {
      if (value !== undefined) where.push(`"${column}" = $${params.push(value)}`)
    }
    const clause = where.length ? `WHERE ${where.join(" AND ")}` : ""
    const rows: MessageView[] = await this.activeManager_.query(
      `SELECT m.*, ${HELD_COLUMNS}
       FROM (SELECT * FROM "push_message" ${clause} ORDER BY "created_at" DESC, "id" DESC
             LIMIT $${params.length + 1} OFFSET $${params.length + 2}) m ${HELD_JOIN}
       ORDER BY m."created_at" DESC, m."id" DESC`,
      [...params, page.limit, page.offset]
    )
    const [{ count }] = await this.activeManager_.query(`SELECT count(*)::int AS count FROM "push_message" ${clause}`, params)
    return [rows, count]
  }

  async listDeliveries(messageId: string, page: { limit: number; offset: number }): Promise<PushDelivery[]> {
    return this.activeManager_.query(
      `SELECT * FROM "push_delivery" WHERE "message_id" = $1 ORDER BY "created_at", "id" LIMIT $2 OFFSET $3`,
      [messageId, page.limit, page.offset]
    )
  }

  /** Records that a notification was clicked (first click wins); returns whether the delivery exists. */
  async recordClick(deliveryId: string): Promise<boolean> {
    const [, count] = await this.activeManager_.query(
      `UPDATE "push_delivery" SET "clicked_at" = COALESCE("clicked_at", now()) WHERE "id" = $1`,
      [deliveryId]
    )
    return count > 0
  }
}
