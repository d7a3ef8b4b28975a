import type { DeviceUpdate } from "../core/delivery/device-rules"
import { DELIVERY_SQL } from "../core/delivery/statuses"
import type { AttemptRecord } from "../core/delivery/transitions"
import type { Db } from "./db"

/**
 * Stores a chunk of outcomes in one statement (one round trip, one commit): each delivery row's
 * update (`recordFor` and friends) and each device's bookkeeping (`deviceUpdates`) at `now`: a
 * success sets `last_success_at` and ends the failure run; a fault lengthens it, starting it at
 * `now` when there was none.
 */
export async function recordOutcomes(db: Db, records: AttemptRecord[], devices: DeviceUpdate[], now: Date): Promise<void> {
  if (!records.length && !devices.length) return
  await db.query(
    `WITH deliveries AS (
       UPDATE "push_delivery" d SET
         "attempts" = d."attempts" + v.counted, "status" = v.status, "last_status_code" = v.code, "last_error" = v.error,
         "next_attempt_at" = v.next_at,
         "delivered_at" = CASE WHEN v.status = ${DELIVERY_SQL.delivered} THEN v.at ELSE d."delivered_at" END,
         "updated_at" = now()
       FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::int[])
         AS v(id, status, code, error, next_at, at, counted)
       WHERE d."id" = v.id
       RETURNING 1
     ), devices AS (
       UPDATE "push_subscription" s SET
         "last_success_at" = CASE WHEN r.success THEN $8::timestamptz ELSE s."last_success_at" END,
         "consecutive_failures" = CASE WHEN r.fault THEN (CASE WHEN r.success THEN 0 ELSE s."consecutive_failures" END) + 1 ELSE 0 END,
         "first_failure_at" = CASE WHEN r.fault THEN COALESCE(CASE WHEN r.success THEN NULL ELSE s."first_failure_at" END, $8::timestamptz) END
       FROM unnest($9::text[], $10::bool[], $11::bool[]) AS r(id, success, fault)
       WHERE s."id" = r.id
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM deliveries) AS deliveries, (SELECT count(*) FROM devices) AS devices`,
    [
      records.map((r) => r.deliveryId),
      records.map((r) => r.status),
      records.map((r) => r.statusCode),
      records.map((r) => r.error),
      records.map((r) => r.nextAttemptAt),
      records.map((r) => r.at),
      records.map((r) => (r.counted === false ? 0 : 1)),
      now,
      devices.map((d) => d.subscriptionId),
      devices.map((d) => d.success),
      devices.map((d) => d.fault),
    ]
  )
}
