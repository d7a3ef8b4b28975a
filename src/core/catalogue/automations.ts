import { CART_ABANDONED_EVENT } from "../carts/cart-reminder-schedule"
import { PRODUCT_ALERT_EVENTS } from "./product-alerts"
import { WELCOME_EVENT } from "../options/welcome-options"

/** The notifications the plugin sends on its own schedule or a reader's request (the admin's Automations page). */
export type AutomationKey = "abandoned_cart" | "back_in_stock" | "price_drop" | "welcome"

export interface AutomationDefinition {
  readonly key: AutomationKey
  readonly title: string
  readonly description: string
  /** The catalogue events whose templates it sends (audience customer). */
  readonly events: readonly string[]
  /** Whether it has reminder delays (minutes after the cart's last change). */
  readonly hasDelays: boolean
  /** The plugin option that sets its default (the admin's setting wins until reset). */
  readonly option: string
}

export const AUTOMATIONS: readonly AutomationDefinition[] = Object.freeze([
  {
    key: "abandoned_cart",
    title: "Abandoned cart",
    description: "A reminder about a cart left with items in it, after each delay since its last change.",
    events: [CART_ABANDONED_EVENT],
    hasDelays: true,
    option: "abandoned_cart",
  },
  {
    key: "back_in_stock",
    title: "Back in stock",
    description: "One push to each device that asked, when the variant can be bought again.",
    events: [PRODUCT_ALERT_EVENTS.back_in_stock],
    hasDelays: false,
    option: "product_alerts",
  },
  {
    key: "price_drop",
    title: "Price drop",
    description: "One push to each device that asked, when the variant's price in its region falls below the one it saw.",
    events: [PRODUCT_ALERT_EVENTS.price_drop],
    hasDelays: false,
    option: "product_alerts",
  },
  {
    key: "welcome",
    title: "Welcome",
    description: "A welcome on a signed-in customer's device the first time it subscribes.",
    events: [WELCOME_EVENT],
    hasDelays: false,
    option: "welcome",
  },
])

/** What an automation does now: on or off, and its delays (the abandoned cart's; empty for the others). */
export interface AutomationSetting {
  readonly enabled: boolean
  readonly delaysMinutes: readonly number[]
  /** Whether the admin changed it (else it follows the plugin options). */
  readonly fromAdmin: boolean
}

export type AutomationSettings = Readonly<Record<AutomationKey, AutomationSetting>>

/** An admin's saved change (`push_automation_setting`): a null field follows the options. */
export interface SavedAutomationSetting {
  readonly key: string
  readonly enabled: boolean | null
  readonly delays_minutes: readonly number[] | null
}

/** The options' part of the automations. */
export interface AutomationOptions {
  readonly abandonedCart: { readonly enabled: boolean; readonly delaysMinutes: readonly number[] }
  readonly productAlerts: { readonly enabled: boolean }
  readonly welcome: { readonly enabled: boolean }
}

export function isAutomationKey(value: unknown): value is AutomationKey {
  return AUTOMATIONS.some((a) => a.key === value)
}

/** The automations as the options set them, with the admin's saved changes over them. */
export function automationSettings(options: AutomationOptions, saved: readonly SavedAutomationSetting[]): AutomationSettings {
  const defaults: Record<AutomationKey, { enabled: boolean; delaysMinutes: readonly number[] }> = {
    abandoned_cart: { enabled: options.abandonedCart.enabled, delaysMinutes: options.abandonedCart.delaysMinutes },
    back_in_stock: { enabled: options.productAlerts.enabled, delaysMinutes: [] },
    price_drop: { enabled: options.productAlerts.enabled, delaysMinutes: [] },
    welcome: { enabled: options.welcome.enabled, delaysMinutes: [] },
  }
  const out = {} as Record<AutomationKey, AutomationSetting>
  for (const { key } of AUTOMATIONS) {
    const row = saved.find((s) => s.key === key)
    const base = defaults[key]
    out[key] = {
      enabled: row?.enabled ?? base.enabled,
      delaysMinutes: key === "abandoned_cart" && row?.delays_minutes?.length ? [...row.delays_minutes] : base.delaysMinutes,
      fromAdmin: row !== undefined && (row.enabled !== null || row.delays_minutes !== null),
    }
  }
  return out
}
