import { BaseEntity, generateEntityId } from "@medusajs/medusa"
import { BeforeInsert, Column, Entity } from "typeorm"
import type { ProductAlertKind } from "../core/catalogue/product-alerts"

/**
 * A device's request to be told about one variant: back in stock, or a price drop below
 * `requested_amount` in its region. Used up by the message that told it (`message_id`).
 */
@Entity({ name: "push_variant_alert" })
export class PushVariantAlert extends BaseEntity {
  @Column({ type: "varchar" })
  subscription_id: string

  @Column({ type: "varchar" })
  variant_id: string

  @Column({ type: "varchar" })
  product_id: string

  @Column({ type: "varchar" })
  kind: ProductAlertKind

  /** The region whose price is watched (price drops). */
  @Column({ type: "varchar", nullable: true })
  region_id: string | null

  @Column({ type: "varchar", nullable: true })
  currency_code: string | null

  /** The price when the device asked, in the currency's smallest unit (price drops). */
  @Column({ type: "integer", nullable: true })
  requested_amount: number | null

  /** The message that told the device; the alert is used up. */
  @Column({ type: "varchar", nullable: true })
  message_id: string | null

  @Column({ type: "timestamptz", nullable: true })
  notified_at: Date | null

  @BeforeInsert()
  private beforeInsert(): void {
    this.id = generateEntityId(this.id, "pushalert")
  }
}
