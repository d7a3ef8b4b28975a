import { BaseEntity, generateEntityId } from "@medusajs/medusa"
import { BeforeInsert, Column, Entity } from "typeorm"

/** An admin's change to one event's notification for one audience and one language. */
@Entity({ name: "push_template" })
export class PushTemplate extends BaseEntity {
  @Column({ type: "varchar" })
  event_name: string

  @Column({ type: "varchar" })
  audience: string

  @Column({ type: "varchar" })
  locale: string

  @Column({ type: "boolean", nullable: true })
  enabled: boolean | null

  @Column({ type: "varchar", nullable: true })
  title: string | null

  @Column({ type: "varchar", nullable: true })
  body: string | null

  @Column({ type: "varchar", nullable: true })
  url: string | null

  @Column({ type: "varchar", nullable: true })
  icon: string | null

  @Column({ type: "varchar", nullable: true })
  image: string | null

  @Column({ type: "integer", nullable: true })
  ttl: number | null

  @Column({ type: "varchar", nullable: true })
  urgency: string | null

  @BeforeInsert()
  private beforeInsert(): void {
    this.id = generateEntityId(this.id, "pushtpl")
  }
}
