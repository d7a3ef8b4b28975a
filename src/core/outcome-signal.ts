import type { DeliveryOutcome } from "./outcome"

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
 *   rejection, 5xx, timeouts, network, TLS): never the device's fault; many at once pause the service.
 * - `neutral`: says nothing about either (429, policy refusals such as `endpoint_forbidden` and
 *   `payload_too_large`, frequency caps, a paused service, other 4xx).
 */
export type OutcomeSignal = "delivered" | "gone" | "device" | "push_service" | "neutral"

/** Reason labels (the text before the first `:` of an outcome's reason) that point at the device. */
const DEVICE_LABELS: ReadonlySet<string> = new Set(["bad_request"])

/** Reason labels that point at the push service or the path to it. */
const SERVICE_LABELS: ReadonlySet<string> = new Set(["vapid_rejected", "push_service_error", "timeout", "network_error", "unexpected_error"])

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

/** Whether an origin's tally in this run pauses it. */
export function shouldPause(tally: { total: number; faults: number }, rule: PauseRule): boolean {
  return tally.total >= rule.minOutcomes && tally.faults >= tally.total * rule.faultShare
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
