import type { BroadcastSegment } from "../core/delivery/segment"
import type { Db } from "./db"

/**
 * SQL for a broadcast's segment (see `core/delivery/segment`), on `push_subscription s`: the one
 * home of what each segment key selects.
 */

/** An order of `s`'s customer that counts (not canceled) and was placed by `atParam`. */
function countedOrder(atParam: string): string {
  return `o."customer_id" = s."customer_id" AND o."status" <> 'canceled' AND o."created_at" <= ${atParam}::timestamptz`
}

/**
 * The SQL condition a device must meet to be in `segment` as of `at` (the message's recorded
 * time), parameters numbered from `firstParam`; `null` when the segment selects everyone.
 */
export function segmentCondition(
  segment: BroadcastSegment | null | undefined,
  at: Date | null | undefined,
  firstParam: number
): { sql: string; params: unknown[] } | null {
  if (!segment) return null
  const parts: string[] = []
  const params: unknown[] = []
  const param = (value: unknown): string => `$${firstParam + params.push(value) - 1}`
  let atParam: string | undefined
  const atRef = (): string => (atParam ??= param(at ?? null))
  if (segment.customer_group_ids) {
    parts.push(`EXISTS (SELECT 1 FROM "customer_group_customers" cgc
        JOIN "customer_group" cg ON cg."id" = cgc."customer_group_id" AND cg."deleted_at" IS NULL
        WHERE cgc."customer_id" = s."customer_id" AND cgc."customer_group_id" = ANY(${param(segment.customer_group_ids)}::text[]))`)
  }
  if (segment.region_ids) {
    parts.push(`(SELECT o."region_id" FROM "order" o WHERE ${countedOrder(atRef())}
        ORDER BY o."created_at" DESC, o."id" DESC LIMIT 1) = ANY(${param(segment.region_ids)}::text[])`)
  }
  if (segment.ordered_within_days !== undefined) {
    const days = param(segment.ordered_within_days)
    parts.push(`EXISTS (SELECT 1 FROM "order" o WHERE ${countedOrder(atRef())}
        AND o."created_at" > ${atRef()}::timestamptz - ${days}::int * interval '1 day')`)
  }
  if (segment.never_ordered) parts.push(`NOT EXISTS (SELECT 1 FROM "order" o WHERE ${countedOrder(atRef())})`)
  if (segment.locales) {
    // Language tags hold letters, digits and hyphens only (validated), so LIKE sees no wildcard in them.
    parts.push(`EXISTS (SELECT 1 FROM unnest(${param(segment.locales.map((l) => l.toLowerCase()))}::text[]) AS l(tag)
        WHERE lower(s."locale") = l.tag OR lower(s."locale") LIKE l.tag || '-%')`)
  }
  if (segment.subscribed_since) parts.push(`s."created_at" >= ${param(segment.subscribed_since)}::timestamptz`)
  return parts.length ? { sql: parts.map((p) => `(${p})`).join(" AND "), params } : null
}

/** Of a segment's ids, the first that names no customer group or region of this store (`[field, id]`), if any. */
export async function unknownSegmentId(db: Db, segment: BroadcastSegment): Promise<[string, string] | null> {
  const lists: Array<[string, string, readonly string[] | undefined]> = [
    ["customer_group_ids", "customer_group", segment.customer_group_ids],
    ["region_ids", "region", segment.region_ids],
  ]
  for (const [field, table, ids] of lists) {
    if (!ids?.length) continue
    const rows = await db.query<Array<{ id: string }>>(
      `SELECT t.id FROM unnest($1::text[]) AS t(id)
       WHERE NOT EXISTS (SELECT 1 FROM "${table}" x WHERE x."id" = t.id AND x."deleted_at" IS NULL) LIMIT 1`,
      [ids]
    )
    if (rows[0]) return [field, rows[0].id]
  }
  return null
}
