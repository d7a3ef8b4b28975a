import type { BroadcastSegment } from "./segment"

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
  /**
   * The devices whose product alerts a message used up: the alerts that carry `messageId` (the
   * first message sent to them; a resend keeps it). `category` is for holds and caps only: the
   * reader asked for this alert, so no category opt-in is needed.
   */
  | { kind: "watchers"; messageId: string; category: string }
  /**
   * The customers who opted into `category`, narrowed by `segment` (evaluated at `at`, the
   * engine's time the broadcast was recorded for; null when there is no segment).
   */
  | { kind: "broadcast"; category: string; segment?: BroadcastSegment | null; at?: Date | null }
  /** One customer device (a welcome notification), whatever categories it chose. */
  | { kind: "device"; subscriptionId: string; category: string }

/**
 * Who a stored message is for (`push_message.audience`); `test` is one admin's test push,
 * `watchers` the devices whose product alerts it used up, `device` one customer device (a welcome).
 */
export type MessageAudience = "customer" | "admin" | "broadcast" | "test" | "watchers" | "device"

/** The columns of a stored message (`push_message`) that say who it is for. */
export interface AudienceColumns {
  audience: MessageAudience
  category: string | null
  target_customer_id: string | null
  target_order_id: string | null
  audience_at: Date | null
  target_user_id: string | null
  /** Product alerts: the message id their alert rows carry. */
  audience_key?: string | null
  /** A broadcast's segment. */
  segment?: BroadcastSegment | null
  /** A device message's one device; a customer message's one device besides the customer's (the device that registered a cart). */
  target_subscription_id?: string | null
}

const NO_TARGET = {
  target_customer_id: null,
  target_order_id: null,
  audience_at: null,
  target_user_id: null,
  audience_key: null,
  segment: null,
  target_subscription_id: null,
}

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
      return { ...NO_TARGET, audience: "broadcast", category: spec.category, segment: spec.segment ?? null, audience_at: spec.at ?? null }
    case "watchers":
      return { ...NO_TARGET, audience: "watchers", category: spec.category, audience_key: spec.messageId }
    case "device":
      return { ...NO_TARGET, audience: "device", category: spec.category, target_subscription_id: spec.subscriptionId }
  }
}

/**
 * The audience a stored message was recorded for; `at` takes it at another time (a resend takes
 * the guest devices that are still subscribed now, and a segment's order history as it is now).
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
      return message.segment
        ? { kind: "broadcast", category: message.category ?? "", segment: message.segment, at: at ?? message.audience_at ?? null }
        : { kind: "broadcast", category: message.category ?? "" }
    case "watchers":
      return { kind: "watchers", messageId: message.audience_key ?? "", category: message.category ?? "" }
    case "device":
      return { kind: "device", subscriptionId: message.target_subscription_id ?? "", category: message.category ?? "" }
  }
}
