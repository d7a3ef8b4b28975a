/**
 * A point in time as an admin writes it in a request: `2026-12-01T09:00:00Z`, with its zone
 * (`Z` or `+01:00`), or, where a day alone is accepted, `2026-12-01` (midnight UTC). Stricter than
 * `new Date(text)`: a date that does not exist (`2026-02-30`, `T24:00`) is refused rather than
 * moved to another day, and the year must be one Postgres and the engine can store and compare
 * (1970 to 9999; `0000-01-01` made Postgres refuse the query, a 500).
 */

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|([+-])(\d{2}):(\d{2})))?$/

export const MIN_YEAR = 1970
export const MAX_YEAR = 9999

/** The instant `text` names, or `null` when it is not one (or has no zone and `dayAlone` is false). */
export function parseInstant(text: string, { dayAlone }: { dayAlone: boolean }): Date | null {
  const m = INSTANT.exec(text)
  if (!m) return null
  const [, y, mo, d, h, mi, s, fraction, zone, sign, zh, zm] = m
  if (h === undefined && !dayAlone) return null
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  const hour = Number(h ?? 0)
  const minute = Number(mi ?? 0)
  const second = Number(s ?? 0)
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1) return null
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null
  if (hour > 23 || minute > 59 || second > 59) return null
  let offsetMinutes = 0
  if (zone !== undefined && zone !== "Z") {
    const hours = Number(zh)
    const minutes = Number(zm)
    if (hours > 14 || minutes > 59) return null
    offsetMinutes = (sign === "-" ? -1 : 1) * (hours * 60 + minutes)
  }
  const ms = fraction === undefined ? 0 : Math.floor(Number(`0.${fraction}`) * 1000)
  const at = new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000)
  // The zone can carry the instant over a year's edge (`9999-12-31T23:30-01:00` is in 10000).
  return at.getUTCFullYear() >= MIN_YEAR && at.getUTCFullYear() <= MAX_YEAR ? at : null
}
