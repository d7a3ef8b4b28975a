/** What the delivery transport (src/core/transport/) takes and gives: a device, a request, an outcome. */
import { createHash } from "node:crypto"
import type { Urgency } from "../catalogue/event-types"
import type { DeliveryOutcome } from "./outcome"

/** The browser side of a push subscription. */
export interface PushTarget {
  readonly endpoint: string
  readonly p256dh: string
  readonly auth: string
}

export interface PushRequest {
  readonly payload: string
  /** Seconds the push service keeps the message for an offline device. */
  readonly ttl: number
  readonly urgency: Urgency
  /** Any string; hashed into the RFC 8030 `Topic` header so a newer message replaces an older one. */
  readonly topic?: string
}

export interface PushResult {
  readonly outcome: DeliveryOutcome
  readonly statusCode?: number
}

/** RFC 8030 topics are at most 32 characters of the base64url alphabet. */
export function topicHeader(topic: string): string {
  return createHash("sha256").update(topic).digest("base64url").slice(0, 32)
}
