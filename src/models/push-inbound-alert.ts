import { BaseEntity, generateEntityId } from "@medusajs/medusa"
import { BeforeInsert, Column, Entity } from "typeorm"

/** An alert another system sent for admins (a chat tool's visitor message, a signed generic alert). */
@Entity({ name: "push_inbound_alert" })
export class PushInboundAlert extends BaseEntity {
  /** The `inbound_sources` name it came through. */
  @Column({ type: "varchar" })
  source: string

  @Column({ type: "varchar" })
  provider: string

  /** The sender's id for it (unique per source): a retry or a replay stores nothing new. */
  @Column({ type: "varchar", nullable: true })
  external_id: string | null

  @Column({ type: "varchar", nullable: true })
  title: string | null

  /** Who wrote (chat tools). */
  @Column({ type: "varchar", nullable: true })
  name: string | null

  @Column({ type: "varchar" })
  text: string

  @Column({ type: "varchar", nullable: true })
  url: string | null

  /** The sender's own label (generic `event`). */
  @Column({ type: "varchar", nullable: true })
  kind: string | null

  /** Sent from the admin's "send a test alert". */
  @Column({ type: "boolean", default: false })
  is_test: boolean

  @BeforeInsert()
  private beforeInsert(): void {
    this.id = generateEntityId(this.id, "pia")
  }
}
