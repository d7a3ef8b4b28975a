import { PluginOptionsError } from "../errors/plugin-errors"
import { MAX_CART_REMINDER_STEPS } from "../carts/cart-reminder-schedule"
import { isPlainObject, refuseUnknownKeys } from "./option-values"

/** `abandoned_cart`: reminders about a cart left with items in it (category `cart_reminders`). */
export interface AbandonedCartOption {
  /**
   * Watch carts and send the reminders. Off: no cart is watched, `POST /store/push/carts` answers 404.
   * @defaultValue true
   */
  enabled?: boolean
  /**
   * Minutes after the cart's last change when each reminder goes: at most 3 steps, increasing,
   * each from 1 to 43200 (30 days). A change to the cart counts the steps not yet sent from the change.
   * @defaultValue [60]
   */
  delays_minutes?: number[]
}

export interface ResolvedAbandonedCart {
  readonly enabled: boolean
  /** Minutes after the cart's last activity, one per reminder step, increasing. */
  readonly delaysMinutes: readonly number[]
}

const KEYS = ["enabled", "delays_minutes"] as const
/** The longest delay: 30 days. */
const MAX_DELAY_MINUTES = 43_200

/** Validates `abandoned_cart`; errors name `abandoned_cart.<field>`. */
export function resolveAbandonedCart(value: unknown): ResolvedAbandonedCart {
  if (value === undefined) return { enabled: true, delaysMinutes: [60] }
  if (!isPlainObject(value)) throw new PluginOptionsError("abandoned_cart", "must be an object such as { delays_minutes: [60, 1440] }")
  refuseUnknownKeys(value, KEYS, "abandoned_cart")
  const enabled = value.enabled ?? true
  if (typeof enabled !== "boolean") throw new PluginOptionsError("abandoned_cart.enabled", "must be true or false")
  const delays = value.delays_minutes ?? [60]
  const problem = delaysProblem(delays)
  if (problem) throw new PluginOptionsError(`abandoned_cart.delays_minutes${problem.at === null ? "" : `.${problem.at}`}`, DELAYS_RULE)
  return { enabled, delaysMinutes: Object.freeze([...(delays as number[])]) }
}

/** How reminder delays must look (an option's or the admin's Automations page). */
export const DELAYS_RULE = `must be 1 to ${MAX_CART_REMINDER_STEPS} increasing whole numbers of minutes from 1 to ${MAX_DELAY_MINUTES}, e.g. [60, 1440]`

/** Where a list of reminder delays breaks `DELAYS_RULE` (`at`: the item, or null for the list), or null when it is right. */
export function delaysProblem(delays: unknown): { at: number | null } | null {
  if (!Array.isArray(delays) || delays.length < 1 || delays.length > MAX_CART_REMINDER_STEPS) return { at: null }
  for (let i = 0; i < delays.length; i++) {
    const delay: unknown = delays[i]
    const ok = typeof delay === "number" && Number.isInteger(delay) && delay >= 1 && delay <= MAX_DELAY_MINUTES
    if (!ok || (i > 0 && (delay as number) <= (delays[i - 1] as number))) return { at: i }
  }
  return null
}
