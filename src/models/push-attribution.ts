import { BaseEntity, generateEntityId } from "@medusajs/medusa"
import { BeforeInsert, Column, Entity, Index } from "typeorm"

/**
 * An order credited to the notification its customer (or the device that registered its cart)
 * clicked last within `attribution_window_hours` before it was placed. One per order.
 */
@Entity({ name: "push_attribution" })
export class PushAttribution extends BaseEntity {
  @Index("UQ_push_attribution_order", { unique: true })
  @Column({ type: "varchar" })
  order_id: string

  @Index("IDX_push_attribution_message")
  @Column({ type: "varchar" })
  message_id: string

  /** The clicked delivery. */
  @Column({ type: "varchar" })
  delivery_id: string

  /** The device that clicked (kept when the device is removed, like a delivery's). */
  @Column({ type: "varchar" })
  subscription_id: string

  /** The order's customer (for a guest order, the customer row Medusa made for its e-mail). */
  @Column({ type: "varchar", nullable: true })
  customer_id: string | null

  @Column({ type: "timestamptz" })
  clicked_at: Date

  /** When the order was credited (the engine's clock when `order.placed` was handled). */
  @Index("IDX_push_attribution_attributed_at")
  @Column({ type: "timestamptz" })
  attributed_at: Date

  /** The order's total in minor units (cents), as Medusa computed it. */
  @Column({ type: "bigint" })
  total: string

  @Column({ type: "varchar" })
  currency_code: string

  @BeforeInsert()
  private beforeInsert(): void {
    this.id = generateEntityId(this.id, "pushattr")
  }
}
