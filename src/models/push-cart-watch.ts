import { BaseEntity, generateEntityId } from "@medusajs/medusa"
import { BeforeInsert, Column, Entity, Index } from "typeorm"

/**
 * A cart the plugin watches for abandoned-cart reminders: the signed-in customer's, or a guest's
 * that a device registered. Its reminder steps are scheduled here (a restart keeps them).
 */
@Entity({ name: "push_cart_watch" })
export class PushCartWatch extends BaseEntity {
  @Index("UQ_push_cart_watch_cart", { unique: true })
  @Column({ type: "varchar" })
  cart_id: string

  /** The device that registered the cart (`watchCart`); null for a signed-in customer's cart seen through its events. */
  @Column({ type: "varchar", nullable: true })
  subscription_id: string | null

  /** The cart's customer when last seen. */
  @Column({ type: "varchar", nullable: true })
  customer_id: string | null

  /** The cart's last change (the engine's clock): the reminder delays count from here. */
  @Column({ type: "timestamptz" })
  activity_at: Date

  @Column({ type: "integer", default: 0 })
  steps_sent: number

  /** When the next reminder step is due; null when none is. */
  @Column({ type: "timestamptz", nullable: true })
  next_reminder_at: Date | null

  /** The cart was completed or emptied: no more reminders. */
  @Column({ type: "timestamptz", nullable: true })
  closed_at: Date | null

  @BeforeInsert()
  private beforeInsert(): void {
    this.id = generateEntityId(this.id, "pushcart")
  }
}
