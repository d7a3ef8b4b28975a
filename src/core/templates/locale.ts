/** BCP 47 language tags as this plugin handles them: `fr-CA`, `fr`, `pt-BR`. */

/** `FR-ca` -> `fr-CA`; `undefined` for anything that is not a language tag. */
export function normaliseLocale(tag: string | null | undefined): string | undefined {
  if (!tag || typeof tag !== "string") return undefined
  try {
    return Intl.getCanonicalLocales(tag.trim().replace(/_/g, "-"))[0]
  } catch {
    return undefined
  }
}

/**
 * The locales to try for a reader, most specific first, ending with the store's default:
 * `fr-CA` -> `["fr-CA", "fr", "en"]`.
 */
export function localeChain(locale: string | null | undefined, defaultLocale: string): string[] {
  const chain: string[] = []
  const add = (tag: string | undefined): void => {
    if (!tag) return
    const parts = tag.split("-")
    for (let n = parts.length; n >= 1; n--) {
      const candidate = parts.slice(0, n).join("-")
      if (!chain.includes(candidate)) chain.push(candidate)
    }
  }
  add(normaliseLocale(locale))
  add(normaliseLocale(defaultLocale) ?? "en")
  return chain
}

/** The key of `byLocale` that best fits the reader (a locale such as `fr`), or `undefined`. */
export function pickLocale(
  byLocale: Readonly<Record<string, unknown>> | null | undefined,
  locale: string | null | undefined,
  defaultLocale: string
): string | undefined {
  if (!byLocale) return undefined
  return localeChain(locale, defaultLocale).find((candidate) => Object.prototype.hasOwnProperty.call(byLocale, candidate))
}

/** The entry of `byLocale` that best fits the reader, or `undefined`. */
export function pickLocalized<T>(
  byLocale: Readonly<Record<string, T>> | null | undefined,
  locale: string | null | undefined,
  defaultLocale: string
): T | undefined {
  const key = pickLocale(byLocale, locale, defaultLocale)
  return key === undefined || !byLocale ? undefined : byLocale[key]
}

/** Whether `zone` is an IANA time zone this runtime knows (`Europe/Paris`). */
export function isTimeZone(zone: unknown): zone is string {
  if (typeof zone !== "string" || zone.length > 64) return false
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone })
    return true
  } catch {
    return false
  }
}
