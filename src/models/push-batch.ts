import { BaseEntity, generateEntityId } from "@medusajs/medusa"
import type { BatchStatus } from "../core/delivery/statuses"
import { BeforeInsert, Column, Entity } from "typeorm"

/** One home for the statuses: `core/delivery/statuses`. */
export type PushBatchStatus = BatchStatus

/** A range of subscription ids of one message's audience: `(after_subscription_id, last_subscription_id]`. */
@Entity({ name: "push_batch" })
export class PushBatch extends BaseEntity {
  @Column({ type: "varchar" })
  message_id: string

  @Column({ type: "varchar", nullable: true })
  after_subscription_id: string | null

  @Column({ type: "varchar" })
  last_subscription_id: string

  @Column({ type: "varchar", default: "pending" })
  status: PushBatchStatus

  @Column({ type: "timestamptz", nullable: true })
  lease_until: Date | null

  @Column({ type: "integer", default: 0 })
  attempts: number

  /** `host:pid` of the instance that last took the batch. */
  @Column({ type: "varchar", nullable: true })
  claimed_by: string | null

  @BeforeInsert()
  private beforeInsert(): void {
    this.id = generateEntityId(this.id, "pushbat")
  }
}
