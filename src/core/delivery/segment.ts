/**
 * A broadcast's segment: which of the customers who opted into its category it reaches. Each key
 * narrows the audience (all must hold); a list matches any of its values. Stored on the message
 * (`push_message.segment`) and evaluated as SQL against the message's recorded time
 * (`audience_at`), so every batch of the broadcast selects the same devices.
 *
 * Orders are the customer account's orders that were not canceled, placed at or before the
 * message's time. A customer's region is the region of their latest such order (Medusa v1
 * customers have no region of their own); a customer without orders is in no region.
 */
export interface BroadcastSegment {
  /** Customers in any of these customer groups. */
  readonly customer_group_ids?: readonly string[]
  /** Customers whose latest order was placed in one of these regions. */
  readonly region_ids?: readonly string[]
  /** Customers with an order placed in the last this many days. */
  readonly ordered_within_days?: number
  /** Customers without any order. */
  readonly never_ordered?: true
  /** Devices in one of these languages: `fr` matches `fr` and `fr-CA`, `fr-CA` only `fr-CA`. */
  readonly locales?: readonly string[]
  /** Devices subscribed at or after this time (ISO 8601). */
  readonly subscribed_since?: string
}

/** Every key a segment may have (an unknown key is refused by name). */
export const SEGMENT_KEYS = [
  "customer_group_ids",
  "region_ids",
  "ordered_within_days",
  "never_ordered",
  "locales",
  "subscribed_since",
] as const satisfies ReadonlyArray<keyof BroadcastSegment>

/** Most values in one of a segment's lists. */
export const SEGMENT_LIST_MAX = 50

/** Longest `ordered_within_days`: ten years. */
export const SEGMENT_MAX_DAYS = 3650

/** The segment written with its keys in one order (jsonb does not keep the order it was given). */
function canonical(segment: BroadcastSegment | null | undefined): string {
  if (!segment) return "null"
  const entries = SEGMENT_KEYS.filter((k) => segment[k] !== undefined).map((k) => [k, segment[k]])
  return entries.length ? JSON.stringify(Object.fromEntries(entries)) : "null"
}

/** Whether two segments select the same audience as written (a retried broadcast must repeat its segment). */
export function sameSegment(a: BroadcastSegment | null | undefined, b: BroadcastSegment | null | undefined): boolean {
  return canonical(a) === canonical(b)
}
