import { BaseEntity, generateEntityId } from "@medusajs/medusa"
import { BeforeInsert, Column, Entity, Index } from "typeorm"

/** What a storefront visitor wrote through the contact form. */
@Entity({ name: "contact_message" })
export class ContactMessage extends BaseEntity {
  @Column({ type: "varchar" })
  name: string

  @Column({ type: "varchar" })
  email: string

  @Column({ type: "varchar", nullable: true })
  subject: string | null

  @Column({ type: "text" })
  message: string

  @Index("IDX_contact_message_customer_id")
  @Column({ type: "varchar", nullable: true })
  customer_id: string | null

  @Column({ type: "timestamptz", nullable: true })
  read_at: Date | null

  @BeforeInsert()
  private beforeInsert(): void {
    this.id = generateEntityId(this.id, "contact")
  }
}
