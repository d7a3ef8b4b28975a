import { BaseEntity, generateEntityId } from "@medusajs/medusa"
import type { MessageAudience } from "../core/delivery/audience"
import type { MessageStatus } from "../core/delivery/statuses"
import type { BroadcastSegment } from "../core/delivery/segment"
import { BeforeInsert, Column, Entity, Index } from "typeorm"

/** One home for the statuses: `core/delivery/statuses`. */
export type PushMessageStatus = MessageStatus
export type PushMessageAudience = MessageAudience

/**
 * One rendered notification for one audience. The idempotency key (event, resource,
 * template, audience) makes a redelivered event a no-op.
 */
@Entity({ name: "push_message" })
export class PushMessage extends BaseEntity {
  @Index("IDX_push_message_idempotency_key", { unique: true })
  @Column({ type: "varchar" })
  idempotency_key: string

  @Index("IDX_push_message_event_name")
  @Column({ type: "varchar" })
  event_name: string

  @Column({ type: "varchar" })
  audience: PushMessageAudience

  @Column({ type: "varchar" })
  template_key: string

  @Index("IDX_push_message_resource_id")
  @Column({ type: "varchar", nullable: true })
  resource_id: string | null

  @Column({ type: "varchar", nullable: true })
  category: string | null

  /** The customer of a personal message. */
  @Column({ type: "varchar", nullable: true })
  target_customer_id: string | null

  /** The order of a personal message: its guest devices receive it too. */
  @Column({ type: "varchar", nullable: true })
  target_order_id: string | null

  /**
   * When a personal message was recorded (the engine's clock): guest devices expired by then are
   * not in its audience. A broadcast's segment is evaluated at this time (its `send_at` when scheduled).
   */
  @Column({ type: "timestamptz", nullable: true })
  audience_at: Date | null

  /** Product alerts: the message id their alert rows carry (the first message sent to them). */
  @Column({ type: "varchar", nullable: true })
  audience_key: string | null
  /** A broadcast's segment (see `core/delivery/segment`), evaluated at `audience_at`. */
  @Column({ type: "jsonb", nullable: true })
  segment: BroadcastSegment | null

  /** The one device of a device message (a welcome); for a personal message, one device besides its customer's (the device that registered the cart a reminder is about). */
  @Column({ type: "varchar", nullable: true })
  target_subscription_id: string | null

  /** The admin user of a test message. */
  @Column({ type: "varchar", nullable: true })
  target_user_id: string | null

  /** The notification in the store's default language. */
  @Column({ type: "jsonb" })
  payload: Record<string, unknown>

  /** The notification per language of its readers (`fr`, `de-AT`, ...). */
  @Column({ type: "jsonb", nullable: true })
  localized_payloads: Record<string, Record<string, unknown>> | null

  /** The language of the order or customer, for devices whose own language is unknown. */
  @Column({ type: "varchar", nullable: true })
  context_locale: string | null

  /** A scheduled message starts at this time. */
  @Column({ type: "timestamptz", nullable: true })
  send_at: Date | null

  @Column({ type: "integer" })
  ttl: number

  @Column({ type: "varchar" })
  urgency: string

  @Column({ type: "varchar", nullable: true })
  topic: string | null

  @Column({ type: "varchar", default: "pending" })
  status: PushMessageStatus

  @Column({ type: "integer", default: 0 })
  target_count: number

  @Column({ type: "integer", default: 0 })
  delivered_count: number

  @Column({ type: "integer", default: 0 })
  gone_count: number

  @Column({ type: "integer", default: 0 })
  failed_count: number

  /** Deliveries clicked (the first click of each), kept as clicks are recorded. */
  @Column({ type: "integer", default: 0 })
  clicked_count: number

  /** Until when the instance fanning the message out holds it; past it, the poller resumes the fan-out. */
  @Column({ type: "timestamptz", nullable: true })
  fanout_until: Date | null

  /** Fan-outs started (the first when recorded); past `max_attempts` failures the message is `failed`. */
  @Column({ type: "integer", default: 0 })
  fanout_attempts: number

  /** Why the last fan-out failed (a safe description, never a database text). */
  @Column({ type: "varchar", nullable: true })
  last_error: string | null

  /** An admin alert past its event's limit: the summary message it was folded into (it was not sent on its own). */
  @Column({ type: "varchar", nullable: true })
  summary_id: string | null

  @BeforeInsert()
  private beforeInsert(): void {
    this.id = generateEntityId(this.id, "pushmsg")
  }
}
