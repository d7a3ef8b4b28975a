/**
 * Revenue attribution's pure parts: the period the admin's figures cover (UTC days), the click
 * rate, and a day-by-day revenue series with the days that earned nothing filled in.
 */

const DAY_MS = 86_400_000

/** Days the figures cover when the admin names no period (today, UTC, included). */
export const DEFAULT_PERIOD_DAYS = 30
/** Longest period the figures cover. */
export const MAX_PERIOD_DAYS = 366

/** An amount in one currency, in minor units (cents) as Medusa stores it. */
export interface Money {
  currency_code: string
  amount: number
}

/** Attributed revenue of one UTC day, per currency (days without revenue have an empty list). */
export interface RevenueDay {
  day: string
  revenue: Money[]
}

/** UTC days `from` to `to`, both included, and the instants that bound them. */
export interface Period {
  from: string
  to: string
  /** Start of `from` (00:00 UTC). */
  start: Date
  /** Start of the day after `to` (exclusive end). */
  end: Date
}

/** Why a period is refused, naming the query parameter at fault. */
export class PeriodError extends Error {
  constructor(
    readonly field: "from" | "to",
    message: string
  ) {
    super(message)
    this.name = "PeriodError"
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/

/** The UTC day of an instant, `YYYY-MM-DD`. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10)
}

function parseDay(value: string, field: "from" | "to"): Date {
  const at = DATE.test(value) ? new Date(`${value}T00:00:00.000Z`) : new Date(NaN)
  if (Number.isNaN(at.getTime()) || utcDay(at) !== value) {
    throw new PeriodError(field, `${field} must be a date such as 2025-01-31 (a day in UTC)`)
  }
  return at
}

/**
 * The period of `?from=&to=` (UTC days, both included). Left out, `to` is today (by `now`, UTC)
 * and `from` is `DEFAULT_PERIOD_DAYS` days back, today included; `from` after `to`, or a period
 * longer than `MAX_PERIOD_DAYS`, is refused naming the field.
 */
export function resolvePeriod(from: string | undefined, to: string | undefined, now: Date): Period {
  const end = to === undefined ? parseDay(utcDay(now), "to") : parseDay(to, "to")
  const start = from === undefined ? new Date(end.getTime() - (DEFAULT_PERIOD_DAYS - 1) * DAY_MS) : parseDay(from, "from")
  if (start > end) throw new PeriodError("from", "from must not be after to")
  if ((end.getTime() - start.getTime()) / DAY_MS + 1 > MAX_PERIOD_DAYS) {
    throw new PeriodError("from", `the period from from to to must be at most ${MAX_PERIOD_DAYS} days`)
  }
  return { from: utcDay(start), to: utcDay(end), start, end: new Date(end.getTime() + DAY_MS) }
}

/** Clicks per delivered notification; null when none was delivered. */
export function clickRate(clicks: number, delivered: number): number | null {
  return delivered > 0 ? clicks / delivered : null
}

/**
 * Every day of `period` in order, each with its revenue per currency from `rows` (one row per day
 * and currency; amounts of the same day and currency are added up), currencies sorted by code.
 */
export function revenueSeries(period: Period, rows: ReadonlyArray<{ day: string } & Money>): RevenueDay[] {
  const byDay = new Map<string, Map<string, number>>()
  for (const row of rows) {
    const day = byDay.get(row.day) ?? new Map<string, number>()
    day.set(row.currency_code, (day.get(row.currency_code) ?? 0) + Number(row.amount))
    byDay.set(row.day, day)
  }
  const days: RevenueDay[] = []
  for (let at = period.start.getTime(); at < period.end.getTime(); at += DAY_MS) {
    const day = utcDay(new Date(at))
    const amounts = [...(byDay.get(day) ?? new Map<string, number>())]
    amounts.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    days.push({ day, revenue: amounts.map(([currency_code, amount]) => ({ currency_code, amount })) })
  }
  return days
}

/** Adds up amounts per currency (sorted by code). */
export function sumByCurrency(amounts: ReadonlyArray<Money>): Money[] {
  const totals = new Map<string, number>()
  for (const m of amounts) totals.set(m.currency_code, (totals.get(m.currency_code) ?? 0) + Number(m.amount))
  return [...totals].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([currency_code, amount]) => ({ currency_code, amount }))
}
