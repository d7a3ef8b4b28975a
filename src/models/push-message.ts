import { BaseEntity, generateEntityId } from "@medusajs/medusa"
import { BeforeInsert, Column, Entity, Index } from "typeorm"

export type PushMessageStatus = "pending" | "sending" | "done"
export type PushMessageAudience = "customer" | "admin" | "broadcast" | "test"

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

  /** The admin user of a test message. */
  @Column({ type: "varchar", nullable: true })
  target_user_id: string | null

  @Column({ type: "jsonb" })
  payload: Record<string, unknown>

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

  @BeforeInsert()
  private beforeInsert(): void {
    this.id = generateEntityId(this.id, "pushmsg")
  }
}
