import type { AudienceSpec } from "../core/delivery/audience"
import { segmentCondition } from "./segment-sql"

/** The device's admin user still exists: Medusa soft-deletes users, and a removed admin gets nothing. */
export const ACTIVE_ADMIN_SQL = `EXISTS (SELECT 1 FROM "user" u WHERE u."id" = s."user_id" AND u."deleted_at" IS NULL)`

/**
 * The SQL condition on `push_subscription s` a device must meet for any delivery to be claimed for
 * it at `nowParam` (the engine's time), whenever the delivery was created: an admin device's user
 * still exists, and a guest device has not expired. Deliveries of other devices are closed as gone.
 */
export function claimableDeviceSql(nowParam: string): string {
  return `(s."user_id" IS NULL OR ${ACTIVE_ADMIN_SQL}) AND (s."guest_expires_at" IS NULL OR s."guest_expires_at" > ${nowParam}::timestamptz)`
}

/**
 * The SQL condition on `push_subscription s` selecting an audience's devices, with its
 * parameters numbered from `firstParam`.
 */
export function audienceCondition(spec: AudienceSpec, firstParam: number): { sql: string; params: unknown[] } {
  const p = (n: number) => `$${firstParam + n}`
  switch (spec.kind) {
    case "customer":
      // A guest device belongs to one order, never to the customer row Medusa shares between guest orders.
      return {
        sql: `(s."customer_id" = ${p(0)}::text
               OR (s."order_id" = ${p(1)}::text AND s."guest_expires_at" > COALESCE(${p(2)}::timestamptz, now()))
               OR (s."id" = ${p(4)}::text AND (s."guest_expires_at" IS NULL OR s."guest_expires_at" > COALESCE(${p(2)}::timestamptz, now()))))
              AND ${p(3)} = ANY(s."categories")`,
        params: [spec.customerId, spec.orderId, spec.at, spec.category, spec.subscriptionId ?? null],
      }
    case "admin":
      return { sql: `s."user_id" IS NOT NULL AND ${p(0)} = ANY(s."categories") AND ${ACTIVE_ADMIN_SQL}`, params: [spec.category] }
    case "user":
      return { sql: `s."user_id" = ${p(0)} AND ${ACTIVE_ADMIN_SQL}`, params: [spec.userId] }
    case "watchers":
      return {
        sql: `s."user_id" IS NULL AND EXISTS (SELECT 1 FROM "push_variant_alert" a WHERE a."message_id" = ${p(0)} AND a."subscription_id" = s."id")`,
        params: [spec.messageId],
      }
    case "broadcast": {
      const segment = segmentCondition(spec.segment, spec.at, firstParam + 1)
      const sql = `s."customer_id" IS NOT NULL AND ${p(0)} = ANY(s."categories")`
      return segment ? { sql: `${sql} AND ${segment.sql}`, params: [spec.category, ...segment.params] } : { sql, params: [spec.category] }
    }
    case "device":
      // A welcome answers the reader's own action: it goes whatever categories the device chose.
      return { sql: `s."id" = ${p(0)} AND s."customer_id" IS NOT NULL`, params: [spec.subscriptionId] }
  }
}
