import { BaseEntity, generateEntityId } from "@medusajs/medusa"
import type { DeliveryStatus } from "../core/delivery/statuses"
import { BeforeInsert, Column, Entity, Index } from "typeorm"

/** One home for the statuses: `core/delivery/statuses`. */
export type PushDeliveryStatus = DeliveryStatus

/**
 * One message to one subscription. The subscription id is kept (not a foreign key) so
 * the record of what happened survives the subscription's removal after a 404/410.
 */
@Entity({ name: "push_delivery" })
@Index("IDX_push_delivery_message_subscription", ["message_id", "subscription_id"], { unique: true })
export class PushDelivery extends BaseEntity {
  @Column({ type: "varchar" })
  message_id: string

  @Column({ type: "varchar" })
  subscription_id: string

  @Column({ type: "varchar", default: "pending" })
  status: PushDeliveryStatus

  @Column({ type: "integer", default: 0 })
  attempts: number

  @Column({ type: "timestamptz", nullable: true })
  next_attempt_at: Date | null

  @Column({ type: "integer", nullable: true })
  last_status_code: number | null

  @Column({ type: "varchar", nullable: true })
  last_error: string | null

  @Column({ type: "timestamptz", nullable: true })
  delivered_at: Date | null

  @Column({ type: "timestamptz", nullable: true })
  clicked_at: Date | null

  @BeforeInsert()
  private beforeInsert(): void {
    this.id = generateEntityId(this.id, "pushdel")
  }
}
