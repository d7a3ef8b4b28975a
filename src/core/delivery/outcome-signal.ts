import type { DeliveryOutcome } from "../transport/outcome"

/**
 * What one delivery outcome says, and about whom. The one home of the retire rule and of the
 * push-service pause: the sender asks here, nowhere else.
 *
 * - `delivered`: the device works (its failure run ends).
 * - `gone`: 404/410, the subscription is over: the device is removed at once.
 * - `device`: the push service refused this subscription itself (HTTP 400: a malformed or foreign
 *   subscription, Apple's `BadDeviceToken`, FCM's invalid registration). Only these count towards
 *   retiring a device.
 * - `push_service`: the push service or the way to it failed, whatever the device (401/403 VAPID
 *   rejection, 5xx, timeouts, network, TLS): never the device's fault; many at once, from devices
 *   that succeeded before, pause the service (a device that never succeeded proves nothing about it:
 *   anyone can subscribe a browser with a foreign key and collect 401/403s).
 * - `neutral`: says nothing about either (429, policy refusals such as `endpoint_forbidden` and
 *   `payload_too_large`, frequency caps, a paused service, other 4xx).
 */
export type OutcomeSignal = "delivered" | "gone" | "device" | "push_service" | "neutral"

/** Reason labels (the text before the first `:` of an outcome's reason) that point at the device. */
const DEVICE_LABELS: ReadonlySet<string> = new Set(["bad_request"])

/** Reason labels that point at the push service or the path to it. */
const SERVICE_LABELS: ReadonlySet<string> = new Set([
  "vapid_rejected",
  "push_service_error",
  "timeout",
  "network_error",
  "unexpected_error",
])

/** The stable label of a reason: `vapid_rejected: HTTP 403 ...` -> `vapid_rejected`. */
export function reasonLabel(reason: string): string {
  const colon = reason.indexOf(":")
  return (colon === -1 ? reason : reason.slice(0, colon)).trim()
}

export function signalOf(outcome: DeliveryOutcome): OutcomeSignal {
  if (outcome.kind === "delivered") return "delivered"
  if (outcome.kind === "gone") return "gone"
  const label = reasonLabel(outcome.reason)
  if (DEVICE_LABELS.has(label)) return "device"
  if (SERVICE_LABELS.has(label)) return "push_service"
  return "neutral"
}

/**
 * The outcome as stored for this device. A VAPID rejection (401/403) of a device that succeeded
 * before says the store's credentials or clock are refused (Apple refusing the subject, a clock
 * skew), not the device: a counted retry (backoff, up to `max_attempts`), so a store-wide refusal
 * adds up across runs to a pause instead of losing small runs for good. For a device that never
 * succeeded it stays final: its subscription may carry a foreign key.
 */
export function outcomeForDevice(outcome: DeliveryOutcome, succeededBefore: boolean): DeliveryOutcome {
  if (!succeededBefore || outcome.kind !== "rejected" || reasonLabel(outcome.reason) !== "vapid_rejected") return outcome
  return { kind: "retry", reason: outcome.reason }
}

/** When a push service is paused: enough outcomes in one run, and most of them its failures. */
export interface PauseRule {
  /** Outcomes of one origin in one run before a pause can be decided. */
  readonly minOutcomes: number
  /** Share of `push_service` outcomes among them that pauses the origin. */
  readonly faultShare: number
  /** The first pause; each failed probe doubles it, up to `maxMs`. */
  readonly baseMs: number
  readonly maxMs: number
}

/** How many times the first pause a pause may grow to. */
export const PAUSE_GROWTH_CAP = 8

export function pauseRule(minOutcomes: number, baseMs: number): PauseRule {
  return { minOutcomes, faultShare: 0.8, baseMs, maxMs: baseMs * PAUSE_GROWTH_CAP }
}

/**
 * An origin's tally in one run, of devices that succeeded before only: `faults` are `push_service`
 * outcomes, `badRequests` are `device` ones (HTTP 400).
 */
export interface OriginTally {
  total: number
  faults: number
  badRequests?: number
}

/**
 * Whether an origin's tally in this run pauses it: its push-service failures reach the share, or
 * its 400s do (a 400 from nearly every device is a store-side fault, such as a malformed header,
 * not each device's).
 */
export function shouldPause(tally: OriginTally, rule: PauseRule): boolean {
  if (tally.total < rule.minOutcomes) return false
  const share = tally.total * rule.faultShare
  return tally.faults >= share || (tally.badRequests ?? 0) >= share
}

/** How long the pause after `previousPauses` earlier pauses (failed probes) lasts. */
export function pauseDurationMs(previousPauses: number, rule: PauseRule): number {
  return Math.min(rule.maxMs, rule.baseMs * 2 ** Math.min(Math.max(0, previousPauses), 30))
}

/** The origin (`https://host[:port]`) a push endpoint belongs to; `null` when it is not a URL. */
export function endpointOrigin(endpoint: string): string | null {
  try {
    return new URL(endpoint).origin
  } catch {
    return null
  }
}
