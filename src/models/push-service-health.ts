import { Column, Entity, PrimaryColumn } from "typeorm"

/**
 * A push service (endpoint origin) that failed for most devices at once, and until when nothing
 * is sent to it. Shared by every instance of the store. A row whose pause has ended is on
 * probation: the next delivery to it is a probe, and the row goes when one succeeds.
 */
@Entity({ name: "push_service_health" })
export class PushServiceHealth {
  /** `https://host[:port]`, never a path (endpoints are capability URLs). */
  @PrimaryColumn({ type: "varchar" })
  origin: string

  @Column({ type: "timestamptz" })
  paused_until: Date

  /** What failed, e.g. `vapid_rejected: HTTP 403 (10 of 10 requests)`. */
  @Column({ type: "varchar" })
  reason: string

  @Column({ type: "integer", nullable: true })
  status_code: number | null

  /** When the first of these pauses started. */
  @Column({ type: "timestamptz" })
  since: Date

  /** Failed requests that led to the pauses. */
  @Column({ type: "integer", default: 0 })
  failures: number

  /** Pauses in a row (each failed probe adds one and doubles the next pause). */
  @Column({ type: "integer", default: 1 })
  pauses: number

  @Column({ type: "timestamptz", default: () => "now()" })
  updated_at: Date
}
