import { audienceOf, type AudienceColumns } from "../core/delivery/audience"
import type { HoldPolicy } from "../core/delivery/hold-policy"
import { BATCH_SQL, DELIVERY_SQL } from "../core/delivery/statuses"
import { PAUSED_REASON } from "../core/delivery/transitions"
import { audienceCondition, claimableDeviceSql } from "./audience-sql"
import type { Db } from "./db"
import { heldOpensSql } from "./delivery-window"

/**
 * Claims: how an instance takes deliveries and batches for itself, each with a lease (`lease_ms`)
 * after which any other instance may take them over (a crash, a restart). Nothing else writes
 * `sending`/`running`.
 */

/** A delivery claimed for sending, with what the sender needs of its device. */
export interface ClaimedDelivery {
  id: string
  attempts: number
  message_id: string
  subscription_id: string
  endpoint: string
  p256dh: string
  auth: string
  locale: string | null
  /** The device succeeded before: only such devices count towards, and probe, a push-service pause. */
  proven: boolean
  /** Its last attempt was held by a pause: a further pause counts as an attempt (nothing waits forever). */
  paused_before: boolean
  /**
   * It may have reached the device already: an attempt was made (a timeout may have delivered), or
   * it is taken over from a lease that ran out (an instance died with it in flight).
   */
  repeat: boolean
}

/**
 * The columns of a `ClaimedDelivery`, from `push_delivery d`, `push_subscription s` and the claimed
 * rows as they were before the claim, `claim` (its `was`: the status then).
 */
const CLAIM_RETURNING = `d."id", d."attempts", d."message_id", s."id" AS subscription_id, s."endpoint", s."p256dh", s."auth", s."locale",
  s."last_success_at" IS NOT NULL AS proven, COALESCE(d."last_error" LIKE '${PAUSED_REASON}%', false) AS paused_before,
  (d."attempts" > 0 OR claim."was" = ${DELIVERY_SQL.sending}) AS repeat`

/**
 * Claims deliveries that are due at $3 (retries, held deliveries whose window opened, leases run
 * out), at most $1, leased for $2 ms; the oldest first, skipping rows another instance is claiming.
 * The inner query must be answerable from the partial index `IDX_push_delivery_due` (same status
 * list, ordered by `next_attempt_at`): it runs every `retry_poll_ms` on every instance.
 */
export const DUE_CLAIM_SQL = `WITH claim AS (
    SELECT dd."id", dd."status" AS "was" FROM "push_delivery" dd JOIN "push_subscription" s ON s."id" = dd."subscription_id"
    WHERE dd."status" IN (${DELIVERY_SQL.open}) AND dd."next_attempt_at" <= $3 AND ${claimableDeviceSql("$3")}
    ORDER BY dd."next_attempt_at" LIMIT $1 FOR UPDATE OF dd SKIP LOCKED)
  UPDATE "push_delivery" d SET "status" = ${DELIVERY_SQL.sending}, "next_attempt_at" = $3::timestamptz + $2 * interval '1 millisecond'
  FROM claim, "push_subscription" s
  WHERE d."id" = claim."id" AND s."id" = d."subscription_id"
  RETURNING ${CLAIM_RETURNING}`

/** Claims up to `limit` due deliveries of any message (the retry poller). */
export async function claimDue(db: Db, limit: number, leaseMs: number, now: Date): Promise<ClaimedDelivery[]> {
  const [claimed] = await db.query<[ClaimedDelivery[], number]>(DUE_CLAIM_SQL, [limit, leaseMs, now])
  return claimed
}

/** A range of a message's audience: subscription ids in `(after, last]`; null bounds are open. */
export interface AudienceRange {
  after: string | null
  last: string | null
}

/** The message columns a range's deliveries are made from. */
export type RangeMessage = AudienceColumns & { id: string }

/**
 * Creates the deliveries of one range of a message's audience (a device already addressed is
 * skipped): `pending`, or `scheduled` until the reader's delivery window opens for a held category.
 * Then claims those of the range that are not claimed elsewhere, leased for `leaseMs`.
 */
export async function createAndClaimRange(
  db: Db,
  message: RangeMessage,
  range: AudienceRange,
  policy: { leaseMs: number; hold: HoldPolicy },
  now: Date
): Promise<ClaimedDelivery[]> {
  const opens = heldOpensSql(message.category, policy.hold, "$5")
  const { sql, params } = audienceCondition(audienceOf(message), 6)
  await db.query(
    `INSERT INTO "push_delivery" ("id", "message_id", "subscription_id", "status", "next_attempt_at")
     SELECT 'pushdel_' || upper(replace(gen_random_uuid()::text, '-', '')), $1, s."id",
            CASE WHEN w.opens IS NULL THEN ${DELIVERY_SQL.pending} ELSE ${DELIVERY_SQL.scheduled} END,
            COALESCE(w.opens, $5::timestamptz + $4 * interval '1 millisecond')
     FROM "push_subscription" s, LATERAL (SELECT ${opens} AS opens) w
     WHERE ($2::text IS NULL OR s."id" > $2) AND ($3::text IS NULL OR s."id" <= $3) AND ${sql}
     ON CONFLICT ("message_id", "subscription_id") DO NOTHING`,
    [message.id, range.after, range.last, policy.leaseMs, now, ...params]
  )
  // The rows are locked first (`claim`) so that the status each had before the claim is known.
  const [claimed] = await db.query<[ClaimedDelivery[], number]>(
    `WITH claim AS (
       SELECT dd."id", dd."status" AS "was" FROM "push_delivery" dd JOIN "push_subscription" s ON s."id" = dd."subscription_id"
       WHERE dd."message_id" = $1 AND ${claimableDeviceSql("$5")}
         AND ($2::text IS NULL OR dd."subscription_id" > $2) AND ($3::text IS NULL OR dd."subscription_id" <= $3)
         AND (dd."status" = ${DELIVERY_SQL.pending} OR (dd."status" IN (${DELIVERY_SQL.open}) AND dd."next_attempt_at" <= $5))
       FOR UPDATE OF dd)
     UPDATE "push_delivery" d SET "status" = ${DELIVERY_SQL.sending}, "next_attempt_at" = $5::timestamptz + $4 * interval '1 millisecond'
     FROM claim, "push_subscription" s
     WHERE d."id" = claim."id" AND s."id" = d."subscription_id"
     RETURNING ${CLAIM_RETURNING}`,
    [message.id, range.after, range.last, policy.leaseMs, now]
  )
  return claimed
}

/** Extends the leases of claimed deliveries still being sent (and of their batch) by `leaseMs` from `now`. */
export async function renewLeases(db: Db, deliveryIds: string[], batchId: string | undefined, leaseMs: number, now: Date): Promise<void> {
  if (deliveryIds.length) {
    await db.query(
      `UPDATE "push_delivery" SET "next_attempt_at" = $3::timestamptz + $2 * interval '1 millisecond'
       WHERE "id" = ANY($1) AND "status" = ${DELIVERY_SQL.sending}`,
      [deliveryIds, leaseMs, now]
    )
  }
  if (batchId) {
    await db.query(
      `UPDATE "push_batch" SET "lease_until" = $3::timestamptz + $2 * interval '1 millisecond' WHERE "id" = $1 AND "status" = ${BATCH_SQL.running}`,
      [batchId, leaseMs, now]
    )
  }
}

/** A claimed batch: its message and its range of the audience. */
export interface ClaimedBatch {
  message_id: string
  after_subscription_id: string | null
  last_subscription_id: string
}

/** Takes a batch for `instance` unless another instance holds it (a pending one, or one whose lease ran out). */
export async function claimBatch(db: Db, batchId: string, instance: string, leaseMs: number, now: Date): Promise<ClaimedBatch | undefined> {
  const [claimed] = await db.query<[ClaimedBatch[], number]>(
    `UPDATE "push_batch" SET "status" = ${BATCH_SQL.running}, "attempts" = "attempts" + 1, "updated_at" = now(),
       "lease_until" = $4::timestamptz + $2 * interval '1 millisecond', "claimed_by" = $3
     WHERE "id" = $1 AND ("status" = ${BATCH_SQL.pending} OR ("status" = ${BATCH_SQL.running} AND "lease_until" < $4))
     RETURNING "message_id", "after_subscription_id", "last_subscription_id"`,
    [batchId, leaseMs, instance, now]
  )
  return claimed[0]
}

export async function finishBatch(db: Db, batchId: string): Promise<void> {
  await db.query(`UPDATE "push_batch" SET "status" = ${BATCH_SQL.done}, "updated_at" = now() WHERE "id" = $1`, [batchId])
}

/**
 * Batches to take over at `now`: running with their lease run out (a crash), or still pending a
 * lease after they were created (their event-bus job was lost).
 */
export async function staleBatches(db: Db, leaseMs: number, now: Date, limit = 5): Promise<string[]> {
  const rows = await db.query<Array<{ id: string }>>(
    `SELECT "id" FROM "push_batch"
     WHERE ("status" = ${BATCH_SQL.running} AND "lease_until" < $2)
        OR ("status" = ${BATCH_SQL.pending} AND "created_at" < $2::timestamptz - $1 * interval '1 millisecond')
     ORDER BY "created_at" LIMIT $3`,
    [leaseMs, now, limit]
  )
  return rows.map((r) => r.id)
}
