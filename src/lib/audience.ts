import type { PushMessage } from "../models/push-message"

/** Who a message goes to; stored on the message so any instance can find its devices. */
export type AudienceSpec =
  | { kind: "customer"; customerId: string; category: string }
  | { kind: "admin"; category: string }
  | { kind: "user"; userId: string }
  | { kind: "broadcast"; category: string }

/** The stored message columns that say who it is for. */
export function audienceColumns(spec: AudienceSpec): Pick<PushMessage, "audience" | "category" | "target_customer_id" | "target_user_id"> {
  switch (spec.kind) {
    case "customer":
      return { audience: "customer", category: spec.category, target_customer_id: spec.customerId, target_user_id: null }
    case "admin":
      return { audience: "admin", category: spec.category, target_customer_id: null, target_user_id: null }
    case "user":
      return { audience: "test", category: null, target_customer_id: null, target_user_id: spec.userId }
    case "broadcast":
      return { audience: "broadcast", category: spec.category, target_customer_id: null, target_user_id: null }
  }
}

export function audienceOf(message: Pick<PushMessage, "audience" | "category" | "target_customer_id" | "target_user_id">): AudienceSpec {
  switch (message.audience) {
    case "customer":
      return { kind: "customer", customerId: message.target_customer_id ?? "", category: message.category ?? "" }
    case "admin":
      return { kind: "admin", category: message.category ?? "" }
    case "test":
      return { kind: "user", userId: message.target_user_id ?? "" }
    case "broadcast":
      return { kind: "broadcast", category: message.category ?? "" }
  }
}

/**
 * The SQL condition on `push_subscription s` selecting an audience's devices, with its
 * parameters numbered from `firstParam`.
 */
export function audienceCondition(spec: AudienceSpec, firstParam: number): { sql: string; params: unknown[] } {
  const p = (n: number) => `$${firstParam + n}`
  switch (spec.kind) {
    case "customer":
      return { sql: `s."customer_id" = ${p(0)} AND ${p(1)} = ANY(s."categories")`, params: [spec.customerId, spec.category] }
    case "admin":
      return { sql: `s."user_id" IS NOT NULL AND ${p(0)} = ANY(s."categories")`, params: [spec.category] }
    case "user":
      return { sql: `s."user_id" = ${p(0)}`, params: [spec.userId] }
    case "broadcast":
      return { sql: `s."customer_id" IS NOT NULL AND ${p(0)} = ANY(s."categories")`, params: [spec.category] }
  }
}
