import { backoffDelayMs } from "./backoff"
import type { PushResult } from "../transport/push-transport"
import { DELIVERY, DeliveryStatus } from "./statuses"

/** The reason a paused delivery carries; the claim reads it back as `paused_before`. */
export const PAUSED_REASON = "push_service_paused"

/** What a transition needs of the delivery it moves. */
export interface AttemptedDelivery {
  id: string
  /** Attempts counted so far. */
  attempts: number
  /** Its last attempt was held by a push-service pause: a further pause counts as an attempt. */
  paused_before: boolean
}

/** What the transitions need of the options. */
export interface RetryPolicy {
  readonly maxAttempts: number
  readonly retryBaseMs: number
}

/** The outcome of one attempt as the delivery row's update: what `delivery/outcomes` stores. */
export interface AttemptRecord {
  deliveryId: string
  status: DeliveryStatus
  statusCode: number | null
  error: string | null
  nextAttemptAt: Date | null
  /** When the attempt ended (the engine's clock). */
  at: Date
  /** `false`: kept for the end of a push-service pause, not counted against `max_attempts`. @defaultValue true */
  counted?: boolean
}

/**
 * The row update for a sent delivery's outcome: delivered, gone, rejected, or a retry after a
 * backoff (a longer `Retry-After` wins), which becomes `failed` once `max_attempts` are used up.
 * `random` feeds the backoff's jitter (tests pass a fixed one).
 */
export function recordFor(
  delivery: AttemptedDelivery,
  result: PushResult,
  policy: RetryPolicy,
  now: Date,
  random?: () => number
): AttemptRecord {
  const { outcome } = result
  const attempts = delivery.attempts + 1
  let status: DeliveryStatus = outcome.kind === "retry" ? DELIVERY.retrying : outcome.kind
  if (status === DELIVERY.retrying && attempts >= policy.maxAttempts) status = DELIVERY.failed
  const nextAttemptAt =
    status === DELIVERY.retrying && outcome.kind === "retry"
      ? new Date(now.getTime() + backoffDelayMs(attempts, { baseMs: policy.retryBaseMs, retryAfterMs: outcome.retryAfterMs, random }))
      : null
  return {
    deliveryId: delivery.id,
    status,
    statusCode: result.statusCode ?? null,
    error: outcome.kind === "delivered" ? null : outcome.reason,
    nextAttemptAt,
    at: now,
  }
}

/**
 * The row update for a delivery kept for the end of its push service's pause (unsent, or `sent`
 * then): retried at `pausedUntil`. Its first pause is not counted as an attempt; every later one
 * is, so a delivery held again and again (a pause that keeps failing its probe) ends `failed`
 * after `max_attempts`.
 */
export function pausedRecord(
  delivery: AttemptedDelivery,
  pausedUntil: Date,
  policy: RetryPolicy,
  now: Date,
  sent?: PushResult
): AttemptRecord {
  const why = sent && sent.outcome.kind !== "delivered" ? `: ${sent.outcome.reason}` : ""
  const counted = delivery.paused_before
  const failed = counted && delivery.attempts + 1 >= policy.maxAttempts
  return {
    deliveryId: delivery.id,
    status: failed ? DELIVERY.failed : DELIVERY.retrying,
    statusCode: sent?.statusCode ?? null,
    error: `${PAUSED_REASON}${why}`,
    nextAttemptAt: failed ? null : pausedUntil,
    at: now,
    counted,
  }
}

/** The row update for a delivery not sent on purpose (a frequency cap), with the reason. */
export function skippedRecord(delivery: Pick<AttemptedDelivery, "id">, reason: string, now: Date): AttemptRecord {
  return { deliveryId: delivery.id, status: DELIVERY.skipped, statusCode: null, error: reason, nextAttemptAt: null, at: now }
}
