/**
 * Abandoned-cart reminders: when each step is due, and what a watched cart needs at a given time.
 * Pure rules; the service (`services/push-cart-reminder`) reads the cart and the watch row and
 * applies them.
 *
 * Step `n` (1-based) is due `delays[n - 1]` minutes after the cart's last activity. Activity (an
 * item added, an address set, ...) moves `activity_at`: the steps not yet sent count from it, the
 * steps already sent are never sent again (one message per cart and step). When several steps are
 * due at once (the store was down), only the latest goes: one push, not a burst.
 */

/** The notification a reminder is: a catalogue event raised by the plugin itself, never taken from the event bus. */
export const CART_ABANDONED_EVENT = "cart.abandoned"

/** The category readers switch cart reminders with (on by default for a new customer device). */
export const CART_REMINDERS_CATEGORY = "cart_reminders"

/** At most this many reminders per cart (`abandoned_cart.delays_minutes`). */
export const MAX_CART_REMINDER_STEPS = 3

const MINUTE_MS = 60_000

/** When the next step (after `stepsSent`) is due; null when every step was sent. */
export function nextReminderAt(activityAt: Date, stepsSent: number, delaysMinutes: readonly number[]): Date | null {
  const delay = delaysMinutes[stepsSent]
  return delay === undefined ? null : new Date(activityAt.getTime() + delay * MINUTE_MS)
}

/** The step (1-based) to send at `now`: the latest whose time has come and that was not sent; null when none is due. */
export function dueStep(activityAt: Date, stepsSent: number, delaysMinutes: readonly number[], now: Date): number | null {
  let due: number | null = null
  for (let step = stepsSent + 1; step <= delaysMinutes.length; step++) {
    if (activityAt.getTime() + delaysMinutes[step - 1] * MINUTE_MS <= now.getTime()) due = step
  }
  return due
}

/** What the store's database says of a watched cart at the time of a decision. */
export interface CartState {
  /** Completed (`completed_at`), an order placed from it, or deleted: closed for good. */
  readonly closed: boolean
  /** Line items (quantities added up). */
  readonly itemCount: number
}

/** What a watched cart's row needs. */
export type WatchPlan =
  /** The cart is done with (bought, or left past its last step): no more reminders. */
  | { readonly kind: "close" }
  /** Empty: nothing to send until an item comes back (activity reschedules); closed at `at` if none does. */
  | { readonly kind: "idle"; readonly at: Date }
  /** Send this step now, then look again at `next` (the next step, or after the last one the time it closes). */
  | { readonly kind: "send"; readonly step: number; readonly next: Date }
  /** Nothing due yet: look again at `at` (the next step, or the time it closes). */
  | { readonly kind: "wait"; readonly at: Date }

/** The plan for a watched cart at `now`, from its real state, its last activity and the steps sent. */
export function planWatch(
  cart: CartState,
  watch: { readonly activityAt: Date; readonly stepsSent: number },
  delaysMinutes: readonly number[],
  now: Date
): WatchPlan {
  if (cart.closed) return { kind: "close" }
  // Long past its last step (reminders were off, the store was down, or it sat empty): too late to remind about.
  const expires = watchExpiresAt(watch.activityAt, delaysMinutes)
  if (now.getTime() >= expires.getTime()) return { kind: "close" }
  if (cart.itemCount <= 0) return { kind: "idle", at: expires }
  const step = dueStep(watch.activityAt, watch.stepsSent, delaysMinutes, now)
  if (step === null) return { kind: "wait", at: nextCheckAt(watch.activityAt, watch.stepsSent, delaysMinutes) }
  return { kind: "send", step, next: nextCheckAt(watch.activityAt, step, delaysMinutes) }
}

/** A cart whose last step fell due more than this long ago gets no reminder at all (after an outage, or reminders switched back on). */
export const STALE_AFTER_MS = 86_400_000

/**
 * When a watch with no activity since `activityAt` is closed: just over `STALE_AFTER_MS` after its
 * last step fell due. A closed watch keeps no device alive (a visitor's device is forgotten once
 * nothing it asked for is open); activity on a cart that is not bought opens it again.
 */
export function watchExpiresAt(activityAt: Date, delaysMinutes: readonly number[]): Date {
  const lastDue = activityAt.getTime() + (delaysMinutes[delaysMinutes.length - 1] ?? 0) * MINUTE_MS
  return new Date(lastDue + STALE_AFTER_MS + 1)
}

/** When a watch needs looking at again: its next step, or once every step was sent, the time it closes. */
export function nextCheckAt(activityAt: Date, stepsSent: number, delaysMinutes: readonly number[]): Date {
  return nextReminderAt(activityAt, stepsSent, delaysMinutes) ?? watchExpiresAt(activityAt, delaysMinutes)
}

/** The idempotency of one reminder: one message per cart and step. */
export function reminderKey(cartId: string, step: number): string {
  return `${cartId}:step-${step}`
}
