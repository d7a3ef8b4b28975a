/** Who a message goes to; stored on the message so any instance can find its devices. */
export type AudienceSpec =
  /**
   * The people an order or customer event concerns: the signed-in customer's devices, and the
   * guest devices of `orderId` that had not expired at `at` (the engine's time of the event), and
   * the one device `subscriptionId` (the device that registered a cart for its reminders).
   */
  | {
      kind: "customer"
      customerId: string | null
      orderId: string | null
      at: Date | null
      category: string
      subscriptionId?: string | null
    }
  | { kind: "admin"; category: string }
  | { kind: "user"; userId: string }
  | { kind: "broadcast"; category: string }

/** Who a stored message is for (`push_message.audience`); `test` is one admin's test push. */
export type MessageAudience = "customer" | "admin" | "broadcast" | "test"

/** The columns of a stored message (`push_message`) that say who it is for. */
export interface AudienceColumns {
  audience: MessageAudience
  category: string | null
  target_customer_id: string | null
  target_order_id: string | null
  audience_at: Date | null
  target_user_id: string | null
  /** One device besides the customer's (a cart's reminders reach the device that registered it). */
  target_subscription_id?: string | null
}

const NO_TARGET = { target_customer_id: null, target_order_id: null, audience_at: null, target_user_id: null, target_subscription_id: null }

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
        target_subscription_id: spec.subscriptionId ?? null,
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
        ...(message.target_subscription_id ? { subscriptionId: message.target_subscription_id } : {}),
      }
    case "admin":
      return { kind: "admin", category: message.category ?? "" }
    case "test":
      return { kind: "user", userId: message.target_user_id ?? "" }
    case "broadcast":
      return { kind: "broadcast", category: message.category ?? "" }
  }
}
