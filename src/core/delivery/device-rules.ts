import type { DeliveryOutcome } from "../transport/outcome"
import { signalOf } from "./outcome-signal"

// --- Retiring a device -------------------------------------------------------------------------

/** `retire_after_failures` and `retire_failing_after_hours`. */
export interface RetireRule {
  readonly retireAfterFailures: number
  readonly retireFailingAfterHours: number
}

/** What the rule reads of a device: its run of failures that point at it (`signalOf` = `device`). */
export interface FailureRun {
  consecutiveFailures: number
  /** When the run began; null when there is none. */
  firstFailureAt: Date | null
}

/** The run must have begun at or before this time for the device to be retired at `now`. */
export function retireCutoff(rule: RetireRule, now: Date): Date {
  return new Date(now.getTime() - rule.retireFailingAfterHours * 3_600_000)
}

/**
 * Whether a device is retired: at least `retire_after_failures` failures in a row that point at
 * it, the first one `retire_failing_after_hours` or more before `now`. The SQL that retires takes
 * `retireAfterFailures` and `retireCutoff` from here.
 */
export function isRetired(run: FailureRun, rule: RetireRule, now: Date): boolean {
  return run.consecutiveFailures >= rule.retireAfterFailures && run.firstFailureAt !== null && run.firstFailureAt <= retireCutoff(rule, now)
}

/** What one stored outcome does to its device's record. */
export type DeviceEffect =
  /** It works: its failure run ends, `last_success_at` is set. */
  | "success"
  /** 404/410: removed at once (matched on id and endpoint, so a fresh re-subscribe survives). */
  | "remove"
  /** A failure that points at the device: its failure run grows, and it may be retired. */
  | "fault"
  /** Says nothing about the device (a push-service failure, a policy refusal, a skip, a pause). */
  | "none"

/**
 * What a sent delivery's outcome does to its device (see `signalOf`). A delivery skipped (a cap) or
 * held by a push-service pause was not answered by its device: the sender passes it by.
 */
export function deviceEffect(outcome: DeliveryOutcome): DeviceEffect {
  switch (signalOf(outcome)) {
    case "delivered":
      return "success"
    case "gone":
      return "remove"
    case "device":
      return "fault"
    default:
      return "none"
  }
}

// --- Frequency caps ----------------------------------------------------------------------------

/** Caps count the deliveries of a category to one device over this many days. */
export const FREQUENCY_CAP_DAYS = 7

/** The cap of a message's category (`frequency_caps`), if it has one. */
export function capFor(category: string | null, caps: Readonly<Record<string, number>>): number | undefined {
  return category !== null && Object.hasOwn(caps, category) ? caps[category] : undefined
}

/**
 * The reason to skip a delivery of `category` to a device that already got `delivered` of them in
 * the last `FREQUENCY_CAP_DAYS` days (this message not counted); undefined: it goes.
 */
export function capSkipReason(category: string, cap: number, delivered: number): string | undefined {
  return delivered >= cap ? `frequency_cap: at most ${cap} ${category} per week` : undefined
}

/** One device's bookkeeping after a run of outcomes: it succeeded, failed by its own fault, or both. */
export interface DeviceUpdate {
  subscriptionId: string
  success: boolean
  fault: boolean
}

/**
 * What a chunk of stored outcomes does to each device's record, once per device: a success ends
 * its failure run (`last_success_at` set), a fault lengthens it by one (several faults of one
 * device in a chunk count once), a success and a fault together leave a run of one that starts now.
 */
export function deviceUpdates(successIds: readonly string[], faultIds: readonly string[]): DeviceUpdate[] {
  const updates = new Map<string, DeviceUpdate>()
  const of = (id: string): DeviceUpdate => {
    let update = updates.get(id)
    if (!update) updates.set(id, (update = { subscriptionId: id, success: false, fault: false }))
    return update
  }
  for (const id of successIds) of(id).success = true
  for (const id of faultIds) of(id).fault = true
  return [...updates.values()]
}
