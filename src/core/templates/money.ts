function currencyFormatter(locale: string, currency: string): Intl.NumberFormat {
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency })
  } catch {
    // An unusable locale falls back to English; a bad currency is rethrown.
    return new Intl.NumberFormat("en", { style: "currency", currency })
  }
}

/**
 * Formats an amount stored in minor units (as Medusa does: cents, yen, fils)
 * for display. The currency's fraction digits come from Intl (JPY 0, EUR 2,
 * KWD 3). An unknown or malformed currency code falls back to `"<amount> <CODE>"`.
 */
export function formatMoney(amountMinor: number, currencyCode: string, locale = "en"): string {
  const code = String(currencyCode).toUpperCase()
  if (!Number.isFinite(amountMinor)) {
    return ""
  }
  let formatter: Intl.NumberFormat
  try {
    formatter = currencyFormatter(locale, code)
  } catch {
    return `${(amountMinor / 100).toFixed(2)} ${code}`.trim()
  }
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2
  return formatter.format(amountMinor / 10 ** digits)
}
