import { HoldPolicy, isHeldCategory } from "../core/delivery/hold-policy"

/**
 * SQL (on `push_subscription s`) for when a held delivery may go: NULL while the reader's local
 * time, in their time zone (UTC when unknown), is inside the window; else the window's next
 * opening as a timestamptz. `start`/`end` are minutes after midnight (validated whole numbers);
 * a window may cross midnight (22:00-06:00).
 */
export function windowOpensSql(nowParam: string, start: number, end: number): string {
  const zone = `COALESCE(s."time_zone", 'UTC')`
  const local = `(${nowParam}::timestamptz AT TIME ZONE ${zone})`
  const minute = `(extract(hour from ${local}) * 60 + extract(minute from ${local}))`
  const opening = (days: number) =>
    `((date_trunc('day', ${local}) + interval '${days} day' + interval '${Math.trunc(start)} minutes') AT TIME ZONE ${zone})`
  if (start < end) {
    return `CASE WHEN ${minute} >= ${start} AND ${minute} < ${end} THEN NULL
                 WHEN ${minute} < ${start} THEN ${opening(0)} ELSE ${opening(1)} END`
  }
  return `CASE WHEN ${minute} >= ${start} OR ${minute} < ${end} THEN NULL ELSE ${opening(0)} END`
}

/**
 * SQL (on `push_subscription s`) for when a delivery of `category` may go: `windowOpensSql` for a
 * held category, else always NULL (goes now). One home for the dispatcher and the broadcast count.
 */
export function heldOpensSql(category: string | null, policy: HoldPolicy, nowParam: string): string {
  return isHeldCategory(category, policy) ? windowOpensSql(nowParam, policy.window.start, policy.window.end) : "NULL::timestamptz"
}
