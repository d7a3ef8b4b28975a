import type { Logger } from "@medusajs/medusa"
import type { EntityManager } from "typeorm"
import type { PauseCause, PauseStore } from "../core/delivery/origin-gate"
import type { PushServiceHealth } from "../models/push-service-health"

type Dependencies = { manager: EntityManager; logger: Logger }

/** What the admin sees of a paused push service: its host, never a path. */
export interface PausedPushService {
  host: string
  paused_until: Date
  reason: string
  status_code: number | null
  since: Date
  failures: number
}

function hostOf(origin: string): string {
  try {
    return new URL(origin).host
  } catch {
    return "unknown"
  }
}

/**
 * Paused push services, shared by every instance through the `push_service_health` table: a
 * pause is taken once (the instance that takes it logs it), read at the start of every send run.
 */
export default class PushServiceHealthService implements PauseStore {
  private readonly deps_: Dependencies

  constructor(deps: Dependencies) {
    this.deps_ = deps
  }

  /** Every origin with a row: paused (`paused_until` ahead) or on probation (pause over, not yet recovered). */
  async snapshot(): Promise<Map<string, PushServiceHealth>> {
    const rows: PushServiceHealth[] = await this.deps_.manager.query(`SELECT * FROM "push_service_health"`)
    return new Map(rows.map((r) => [r.origin, { ...r, paused_until: new Date(r.paused_until) }]))
  }

  /**
   * Pauses an origin for `durationMs` from `now` (see `pauseDurationMs`). Another instance may have
   * paused it first: then its pause stands and nothing is logged here. Returns when the pause ends.
   */
  async pause(origin: string, cause: PauseCause, durationMs: number, now: Date): Promise<Date> {
    const rows: Array<{ paused_until: Date; pauses: number }> = await this.deps_.manager.query(
      `INSERT INTO "push_service_health" ("origin", "paused_until", "reason", "status_code", "since", "failures", "pauses", "updated_at")
       VALUES ($1, $2::timestamptz + $6 * interval '1 millisecond', $3, $4, $2, $5, 1, now())
       ON CONFLICT ("origin") DO UPDATE SET
         "paused_until" = $2::timestamptz + $6 * interval '1 millisecond',
         "reason" = $3, "status_code" = $4, "failures" = "push_service_health"."failures" + $5,
         "pauses" = "push_service_health"."pauses" + 1, "updated_at" = now()
       WHERE "push_service_health"."paused_until" <= $2
       RETURNING "paused_until", "pauses"`,
      [origin, now, cause.reason, cause.statusCode, cause.failures, durationMs]
    )
    const taken = rows[0]
    if (taken) {
      const until = new Date(taken.paused_until)
      this.deps_.logger.warn(
        `web-push: push service ${hostOf(origin)} paused until ${until.toISOString()}` +
          `${taken.pauses > 1 ? ` (pause ${taken.pauses}, the probe failed)` : ""}: ${cause.reason}`
      )
      return until
    }
    const [current]: Array<{ paused_until: Date }> = await this.deps_.manager.query(
      `SELECT "paused_until" FROM "push_service_health" WHERE "origin" = $1`,
      [origin]
    )
    return current ? new Date(current.paused_until) : new Date(now.getTime() + durationMs)
  }

  /** A probe (or any send) succeeded once the pause was over: the service is healthy again. */
  async recovered(origin: string, now: Date): Promise<void> {
    const [, count] = await this.deps_.manager.query(`DELETE FROM "push_service_health" WHERE "origin" = $1 AND "paused_until" <= $2`, [
      origin,
      now,
    ])
    if (count > 0) this.deps_.logger.info(`web-push: push service ${hostOf(origin)} answers again; sending resumed`)
  }

  /** Push services paused right now, for the admin. */
  async listPaused(now: Date): Promise<PausedPushService[]> {
    const rows: PushServiceHealth[] = await this.deps_.manager.query(
      `SELECT * FROM "push_service_health" WHERE "paused_until" > $1 ORDER BY "origin"`,
      [now]
    )
    return rows.map((r) => ({
      host: hostOf(r.origin),
      paused_until: r.paused_until,
      reason: r.reason,
      status_code: r.status_code,
      since: r.since,
      failures: r.failures,
    }))
  }
}
