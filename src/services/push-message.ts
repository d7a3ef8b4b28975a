import { generateEntityId, TransactionBaseService } from "@medusajs/medusa"
import type { EntityManager } from "typeorm"
import type { DeliveryOutcome } from "../core/outcome"
import { backoffDelayMs } from "../core/outcome"
import type { PushDelivery, PushDeliveryStatus } from "../models/push-delivery"
import type { PushMessage, PushMessageAudience } from "../models/push-message"

type Dependencies = { manager: EntityManager }

export interface NewMessage {
  idempotency_key: string
  event_name: string
  audience: PushMessageAudience
  template_key: string
  resource_id: string | null
  category: string | null
  payload: Record<string, unknown>
  ttl: number
  urgency: string
  topic: string | null
}

export interface DeliveryRow {
  id: string
  subscription_id: string
}

/** Attempts before a retryable failure is given up on. */
export const MAX_ATTEMPTS = 5

/** The delivery status an outcome leads to, given how many attempts have now been made. */
export function statusFor(outcome: DeliveryOutcome, attempts: number): PushDeliveryStatus {
  switch (outcome.kind) {
    case "delivered":
      return "delivered"
    case "gone":
      return "gone"
    case "rejected":
      return "rejected"
    case "retry":
      return attempts >= MAX_ATTEMPTS ? "failed" : "retrying"
  }
}

/** The record of every send: one message per rendered notification, one delivery per device. */
export default class PushMessageService extends TransactionBaseService {
  constructor(container: Dependencies) {
    super(container)
  }

  /** Records a message; `null` when its idempotency key was seen before (a redelivered event). */
  async createOnce(message: NewMessage): Promise<PushMessage | null> {
    const rows: PushMessage[] = await this.activeManager_.query(
      `INSERT INTO "push_message"
         ("id", "idempotency_key", "event_name", "audience", "template_key", "resource_id", "category", "payload", "ttl", "urgency", "topic", "status")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'sending')
       ON CONFLICT ("idempotency_key") DO NOTHING
       RETURNING *`,
      [
        generateEntityId(undefined, "pushmsg"),
        message.idempotency_key,
        message.event_name,
        message.audience,
        message.template_key,
        message.resource_id,
        message.category,
        JSON.stringify(message.payload),
        message.ttl,
        message.urgency,
        message.topic,
      ]
    )
    return rows[0] ?? null
  }

  /** One pending delivery per device, in one statement; a device already addressed is skipped. */
  async createDeliveries(messageId: string, subscriptionIds: string[]): Promise<DeliveryRow[]> {
    if (!subscriptionIds.length) return []
    const ids = subscriptionIds.map(() => generateEntityId(undefined, "pushdel"))
    const rows: DeliveryRow[] = await this.activeManager_.query(
      `INSERT INTO "push_delivery" ("id", "message_id", "subscription_id")
       SELECT d.id, $1, d.subscription_id FROM unnest($2::text[], $3::text[]) AS d(id, subscription_id)
       ON CONFLICT ("message_id", "subscription_id") DO NOTHING
       RETURNING "id", "subscription_id"`,
      [messageId, ids, subscriptionIds]
    )
    await this.activeManager_.query(
      `UPDATE "push_message" SET "target_count" = (SELECT count(*) FROM "push_delivery" WHERE "message_id" = $1) WHERE "id" = $1`,
      [messageId]
    )
    return rows
  }

  /** Stores the result of one attempt; a retryable failure gets its next attempt time (backoff, Retry-After). */
  async recordAttempt(deliveryId: string, outcome: DeliveryOutcome, statusCode: number | undefined): Promise<void> {
    const [rows]: [Array<{ attempts: number }>, number] = await this.activeManager_.query(
      `UPDATE "push_delivery" SET "attempts" = "attempts" + 1, "updated_at" = now() WHERE "id" = $1 RETURNING "attempts"`,
      [deliveryId]
    )
    const attempts = rows[0]?.attempts ?? 1
    const status = statusFor(outcome, attempts)
    const nextAttemptAt =
      status === "retrying"
        ? new Date(Date.now() + Math.max(backoffDelayMs(attempts), outcome.kind === "retry" ? outcome.retryAfterMs ?? 0 : 0))
        : null
    await this.activeManager_.query(
      `UPDATE "push_delivery" SET "status" = $2::varchar, "last_status_code" = $3, "last_error" = $4, "next_attempt_at" = $5,
         "delivered_at" = CASE WHEN $2::varchar = 'delivered' THEN now() ELSE "delivered_at" END
       WHERE "id" = $1`,
      [deliveryId, status, statusCode ?? null, outcome.kind === "delivered" ? null : outcome.reason, nextAttemptAt]
    )
  }

  /** Recomputes a message's counts from its deliveries; `done` once none is pending or retrying. */
  async refreshCounts(messageId: string): Promise<PushMessage | undefined> {
    const [rows]: [PushMessage[], number] = await this.activeManager_.query(
      `UPDATE "push_message" m SET
         "delivered_count" = c.delivered, "gone_count" = c.gone, "failed_count" = c.failed, "target_count" = c.total,
         "status" = CASE WHEN c.open = 0 THEN 'done' ELSE 'sending' END, "updated_at" = now()
       FROM (SELECT count(*)::int AS total,
               count(*) FILTER (WHERE "status" = 'delivered')::int AS delivered,
               count(*) FILTER (WHERE "status" = 'gone')::int AS gone,
               count(*) FILTER (WHERE "status" IN ('rejected', 'failed'))::int AS failed,
               count(*) FILTER (WHERE "status" IN ('pending', 'retrying'))::int AS open
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

  async listDeliveries(messageId: string): Promise<PushDelivery[]> {
    return this.activeManager_.query(`SELECT * FROM "push_delivery" WHERE "message_id" = $1 ORDER BY "created_at", "id"`, [
      messageId,
    ])
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
