import { PluginOptionsError } from "../errors/plugin-errors"
import { normaliseLocale } from "../templates/locale"
import { CATEGORY_NAME, CATEGORY_NAME_RULE } from "../catalogue/event-types"

/** Categories every store has: order updates and cart reminders are on for a new customer device; the others are opt-in. */
export const BUILT_IN_CATEGORIES = ["order_updates", "promotions", "announcements", "cart_reminders"] as const

/** Held for the delivery window unless `held_categories` says otherwise. */
const DEFAULT_HELD = ["promotions", "announcements", "cart_reminders"]
/** Per-week caps unless `frequency_caps` says otherwise. */
const DEFAULT_CAPS = { promotions: 3, announcements: 3, cart_reminders: 3 }

/** Plugin options about what readers receive, in which language, and when. */
export interface PreferenceOptions {
  /**
   * Language of the store: used when a reader's is unknown, and the last fallback (`fr-CA` -> `fr` -> this).
   * @defaultValue "en"
   */
  default_locale?: string
  /** Customer categories beyond order_updates, promotions, announcements and cart_reminders, e.g. `["restocks"]`. @defaultValue [] */
  categories?: string[]
  /**
   * The reader's daytime, in their own time zone: pushes of `held_categories` wait for it.
   * @defaultValue { start: "09:00", end: "21:00" }
   */
  delivery_window?: { start: string; end: string }
  /** Categories held for the delivery window (order updates and admin alerts always go at once). @defaultValue ["promotions", "announcements", "cart_reminders"] */
  held_categories?: string[]
  /** At most this many pushes per device per 7 days, by category. @defaultValue { promotions: 3, announcements: 3, cart_reminders: 3 } */
  frequency_caps?: Record<string, number>
}

export interface ResolvedPreferences {
  readonly defaultLocale: string
  readonly categories: readonly string[]
  /** Minutes after local midnight. */
  readonly window: { readonly start: number; readonly end: number }
  readonly heldCategories: readonly string[]
  readonly frequencyCaps: Readonly<Record<string, number>>
}

const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/

function minutes(value: unknown, option: string): number {
  const m = typeof value === "string" ? CLOCK.exec(value) : null
  if (!m) throw new PluginOptionsError(option, 'must be a time of day such as "09:00"')
  return Number(m[1]) * 60 + Number(m[2])
}

function categoryList(value: unknown, option: string, fallback: readonly string[]): string[] {
  if (value === undefined) return [...fallback]
  if (!Array.isArray(value) || value.some((c) => typeof c !== "string" || !CATEGORY_NAME.test(c))) {
    throw new PluginOptionsError(option, `must be a list of category names (${CATEGORY_NAME_RULE})`)
  }
  return [...new Set(value as string[])]
}

export function resolvePreferenceOptions(options: PreferenceOptions): ResolvedPreferences {
  const defaultLocale = options.default_locale === undefined ? "en" : normaliseLocale(options.default_locale)
  if (!defaultLocale) throw new PluginOptionsError("default_locale", 'must be a language tag such as "en" or "fr-CA"')
  const categories = [...new Set([...BUILT_IN_CATEGORIES, ...categoryList(options.categories, "categories", [])])]
  const window = options.delivery_window ?? { start: "09:00", end: "21:00" }
  if (typeof window !== "object" || window === null)
    throw new PluginOptionsError("delivery_window", 'must be { start: "09:00", end: "21:00" }')
  const start = minutes(window.start, "delivery_window.start")
  const end = minutes(window.end, "delivery_window.end")
  if (start === end) throw new PluginOptionsError("delivery_window", "start and end must differ")
  const caps = options.frequency_caps ?? DEFAULT_CAPS
  if (typeof caps !== "object" || caps === null || Array.isArray(caps)) {
    throw new PluginOptionsError("frequency_caps", "must be an object such as { promotions: 3 }")
  }
  for (const [category, cap] of Object.entries(caps)) {
    if (!CATEGORY_NAME.test(category)) throw new PluginOptionsError(`frequency_caps.${category}`, "is not a category name")
    if (typeof cap !== "number" || !Number.isInteger(cap) || cap < 0 || cap > 1000) {
      throw new PluginOptionsError(`frequency_caps.${category}`, "must be a whole number of pushes per week from 0 to 1000")
    }
  }
  return {
    defaultLocale,
    categories,
    window: { start, end },
    heldCategories: categoryList(options.held_categories, "held_categories", DEFAULT_HELD),
    frequencyCaps: { ...caps },
  }
}
