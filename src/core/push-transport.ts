import { createHash } from "node:crypto"
import type https from "node:https"
import webpush from "web-push"
import { checkEndpointSyntax, EndpointPolicy } from "./endpoint-policy"
import { EndpointForbiddenError } from "./errors"
import type { Urgency } from "./event-types"
import { classifyError, DeliveryOutcome } from "./outcome"
import type { VapidDetails } from "./plugin-options"

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

export interface TransportConfig {
  readonly vapid: VapidDetails
  readonly policy: EndpointPolicy
  readonly agent: https.Agent
  readonly timeoutMs: number
}

/** RFC 8030 topics are at most 32 characters of the base64url alphabet. */
export function topicHeader(topic: string): string {
  return createHash("sha256").update(topic).digest("base64url").slice(0, 32)
}

/**
 * Encrypts (RFC 8291 aes128gcm, fresh key and salt per message), signs (RFC 8292 VAPID, details
 * passed per call) and sends one message. Never throws: every result is a classified outcome.
 */
export async function sendPush(target: PushTarget, request: PushRequest, config: TransportConfig): Promise<PushResult> {
  try {
    checkEndpointSyntax(target.endpoint, config.policy)
  } catch (err) {
    const reason = err instanceof EndpointForbiddenError ? err.reason : "malformed"
    return { outcome: { kind: "rejected", reason: `endpoint_forbidden: ${reason}` } }
  }
  try {
    const response = await webpush.sendNotification(
      { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
      request.payload,
      {
        vapidDetails: config.vapid,
        TTL: request.ttl,
        urgency: request.urgency,
        topic: request.topic ? topicHeader(request.topic) : undefined,
        contentEncoding: "aes128gcm",
        agent: config.agent,
        timeout: config.timeoutMs,
      }
    )
    return { outcome: { kind: "delivered" }, statusCode: response.statusCode }
  } catch (err) {
    if (err instanceof EndpointForbiddenError) {
      return { outcome: { kind: "rejected", reason: `endpoint_forbidden: ${err.reason}` } }
    }
    const statusCode = (err as { statusCode?: unknown }).statusCode
    return {
      outcome: classifyError(err),
      statusCode: typeof statusCode === "number" ? statusCode : undefined,
    }
  }
}
