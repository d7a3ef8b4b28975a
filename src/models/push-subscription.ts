import { BaseEntity, generateEntityId } from "@medusajs/medusa"
import { BeforeInsert, Column, Entity, Index } from "typeorm"

/**
 * One browser (device) that agreed to receive pushes. The endpoint is a capability URL
 * and `auth` a secret: neither is ever returned by an API or written to a log.
 */
@Entity({ name: "push_subscription" })
export class PushSubscription extends BaseEntity {
  @Index("IDX_push_subscription_endpoint", { unique: true })
  @Column({ type: "text" })
  endpoint: string

  @Column({ type: "varchar" })
  p256dh: string

  @Column({ type: "varchar" })
  auth: string

  @Index("IDX_push_subscription_customer_id")
  @Column({ type: "varchar", nullable: true })
  customer_id: string | null

  /** A guest's device: the order it proved (its cart id). Such a device has no customer and receives only this order's notifications. */
  @Index("IDX_push_subscription_order_id")
  @Column({ type: "varchar", nullable: true })
  order_id: string | null

  /** A guest's device stops receiving its order's notifications at this time (`guest_subscription_days` after the order). */
  @Column({ type: "timestamptz", nullable: true })
  guest_expires_at: Date | null

  @Index("IDX_push_subscription_user_id")
  @Column({ type: "varchar", nullable: true })
  user_id: string | null

  @Column({ type: "text", array: true, default: () => "'{}'" })
  categories: string[]

  @Column({ type: "varchar", nullable: true })
  locale: string | null

  @Column({ type: "varchar", nullable: true })
  user_agent: string | null

  /** IANA time zone of the device (`Europe/Paris`), for delivery windows. */
  @Column({ type: "varchar", nullable: true })
  time_zone: string | null

  @Column({ type: "timestamptz", nullable: true })
  expiration_time: Date | null

  @Column({ type: "timestamptz", nullable: true })
  last_success_at: Date | null

  @Column({ type: "timestamptz", nullable: true })
  first_failure_at: Date | null

  @Column({ type: "integer", default: 0 })
  consecutive_failures: number

  @BeforeInsert()
  private beforeInsert(): void {
    this.id = generateEntityId(this.id, "pushsub")
  }
}
