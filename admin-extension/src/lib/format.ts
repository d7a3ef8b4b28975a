/** Dates and numbers as the admin shows them. */

export function dateTime(value: string | null | undefined): string {
  if (!value) return "–"
  const d = new Date(value)
  return Number.isNaN(d.getTime()) ? "–" : d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })
}

export function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? "–" : `${Math.round(value * 1000) / 10}%`
}

/** `order.shipment_created` -> `Order shipment created`. */
export function eventLabel(event: string): string {
  const words = event.replace(/[._]+/g, " ").trim()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

export const AUDIENCE_LABEL: Record<string, string> = {
  customer: "Customer",
  admin: "Admins",
  broadcast: "Broadcast",
  test: "Test",
  watchers: "Product alert",
  device: "One device",
}

/** `1 device` / `3 devices`. */
export function devices(n: number): string {
  return `${n} device${n === 1 ? "" : "s"}`
}

/** A message not done whose open deliveries all wait for their reader's delivery window. */
export function isWaitingForWindow(m: {
  status: string
  held_count?: number
  target_count: number
  delivered_count: number
  failed_count: number
  gone_count: number
}): boolean {
  const open = m.target_count - m.delivered_count - m.failed_count - m.gone_count
  return m.status === "sending" && (m.held_count ?? 0) > 0 && (m.held_count ?? 0) >= open
}

/** What a summary message's event ends with: `order.placed.summary` sums up `order.placed` alerts past the limit. */
const SUMMARY_SUFFIX = ".summary"

/** Whether a message is the summary of an admin event's alerts past its limit in a window. */
export function isSummaryEvent(event: string): boolean {
  return event.endsWith(SUMMARY_SUFFIX) && event.length > SUMMARY_SUFFIX.length
}

/** The admin event a summary sums up: `order.placed.summary` -> `order.placed`. */
export function summarisedEvent(event: string): string {
  return isSummaryEvent(event) ? event.slice(0, -SUMMARY_SUFFIX.length) : event
}

/** Amounts per currency, stored in minor units (cents), formatted: `€89.00 · $12.00`; `–` when none. */
export function money(amounts: ReadonlyArray<{ currency_code: string; amount: number }> | undefined): string {
  if (!amounts?.length) return "–"
  return amounts.map((m) => moneyOne(m.amount, m.currency_code)).join(" · ")
}

function moneyOne(amountMinor: number, currencyCode: string): string {
  const code = currencyCode.toUpperCase()
  try {
    const formatter = new Intl.NumberFormat(undefined, { style: "currency", currency: code })
    return formatter.format(amountMinor / 10 ** (formatter.resolvedOptions().maximumFractionDigits ?? 2))
  } catch {
    return `${(amountMinor / 100).toFixed(2)} ${code}`
  }
}
