import type { PushMessage } from "../models/push-message"

/** Who a message goes to; stored on the message so any instance can find its devices. */
export type AudienceSpec =
  /**
   * The people an order or customer event concerns: the signed-in customer's devices, and the
   * guest devices of `orderId` that had not expired at `at` (the engine's time of the event).
   */
  | { kind: "customer"; customerId: string | null; orderId: string | null; at: Date | null; category: string }
  | { kind: "admin"; category: string }
  | { kind: "user"; userId: string }
  | { kind: "broadcast"; category: string }

type AudienceColumns = Pick<PushMessage, "audience" | "category" | "target_customer_id" | "target_order_id" | "audience_at" | "target_user_id">

const NO_TARGET = { target_customer_id: null, target_order_id: null, audience_at: null, target_user_id: null }

/** The stored message columns that say who it is for. */
export function audienceColumns(spec: AudienceSpec): AudienceColumns {
  switch (spec.kind) {
    case "customer":
      return {
        ...NO_TARGET,
        audience: "customer",
        category: spec.category,
        target_customer_id: spec.customerId,
        target_order_id: spec.orderId,
        audience_at: spec.at,
      }
    case "admin":
      return { ...NO_TARGET, audience: "admin", category: spec.category }
    case "user":
      return { ...NO_TARGET, audience: "test", category: null, target_user_id: spec.userId }
    case "broadcast":
      return { ...NO_TARGET, audience: "broadcast", category: spec.category }
  }
}

/**
 * The audience a stored message was recorded for; `at` takes it at another time (a resend takes
 * the guest devices that are still subscribed now).
 */
export function audienceOf(message: AudienceColumns, at?: Date): AudienceSpec {
  switch (message.audience) {
    case "customer":
      return {
        kind: "customer",
        customerId: message.target_customer_id,
        orderId: message.target_order_id ?? null,
        at: at ?? message.audience_at ?? null,
        category: message.category ?? "",
      }
    case "admin":
      return { kind: "admin", category: message.category ?? "" }
    case "test":
      return { kind: "user", userId: message.target_user_id ?? "" }
    case "broadcast":
      return { kind: "broadcast", category: message.category ?? "" }
  }
}

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
               OR (s."order_id" = ${p(1)}::text AND s."guest_expires_at" > COALESCE(${p(2)}::timestamptz, now())))
              AND ${p(3)} = ANY(s."categories")`,
        params: [spec.customerId, spec.orderId, spec.at, spec.category],
      }
    case "admin":
      return { sql: `s."user_id" IS NOT NULL AND ${p(0)} = ANY(s."categories") AND ${ACTIVE_ADMIN_SQL}`, params: [spec.category] }
    case "user":
      return { sql: `s."user_id" = ${p(0)} AND ${ACTIVE_ADMIN_SQL}`, params: [spec.userId] }
    case "broadcast":
      return { sql: `s."customer_id" IS NOT NULL AND ${p(0)} = ANY(s."categories")`, params: [spec.category] }
  }
}
