/**
 * The statuses of the engine's rows, one home: TypeScript and every SQL string take them from here.
 * SQL gets them as quoted literals (`DELIVERY_SQL`, ...), never as parameters, so the planner can
 * match a partial index whose predicate lists them (`IDX_push_delivery_due`).
 */

/** Where one delivery (one message to one device) stands. */
export const DELIVERY = {
  /** Created, to be sent now. */
  pending: "pending",
  /** Held until the reader's delivery window opens (`next_attempt_at`). */
  scheduled: "scheduled",
  /** Claimed by an instance, leased until `next_attempt_at`. */
  sending: "sending",
  /** Failed in a way worth retrying, at `next_attempt_at`. */
  retrying: "retrying",
  delivered: "delivered",
  /** The device is gone (404/410) or can no longer be sent to. */
  gone: "gone",
  /** Refused for good by the push service or the sender's policy. */
  rejected: "rejected",
  /** Retries given up after `max_attempts`. */
  failed: "failed",
  /** Not sent on purpose (a frequency cap). */
  skipped: "skipped",
} as const

export type DeliveryStatus = (typeof DELIVERY)[keyof typeof DELIVERY]

/** Still to be sent: the poller's query, the open counts and the partial index `IDX_push_delivery_due` list exactly these. */
export const OPEN_DELIVERY_STATUSES = [DELIVERY.pending, DELIVERY.sending, DELIVERY.retrying, DELIVERY.scheduled] as const

/** Ended in a failure (refused, or retries given up): a message's `failed_count`. */
export const FAILED_DELIVERY_STATUSES = [DELIVERY.rejected, DELIVERY.failed] as const

/** Ended: what a delivery log and the stats count as an outcome. */
export const FINISHED_DELIVERY_STATUSES = [DELIVERY.delivered, DELIVERY.gone, ...FAILED_DELIVERY_STATUSES] as const

export function isOpenDeliveryStatus(status: string): boolean {
  return (OPEN_DELIVERY_STATUSES as readonly string[]).includes(status)
}

/** Where one message stands: held for `send_at`, being fanned out and sent, finished, or given up. */
export const MESSAGE = { scheduled: "scheduled", sending: "sending", done: "done", failed: "failed" } as const
export type MessageStatus = (typeof MESSAGE)[keyof typeof MESSAGE]

/** Where one batch (a range of a large audience) stands. */
export const BATCH = { pending: "pending", running: "running", done: "done" } as const
export type BatchStatus = (typeof BATCH)[keyof typeof BATCH]

/** A status as an SQL string literal (statuses are fixed lowercase words: nothing to escape). */
function literal(status: string): string {
  if (!/^[a-z_]+$/.test(status)) throw new Error(`not a status: ${status}`)
  return `'${status}'`
}

/** Statuses as a comma-separated list of SQL literals, for `IN (...)`. */
export function sqlList(statuses: readonly string[]): string {
  return statuses.map(literal).join(", ")
}

type Literals<T extends Record<string, string>> = { readonly [K in keyof T]: string }

function literals<T extends Record<string, string>>(statuses: T): Literals<T> {
  return Object.fromEntries(Object.entries(statuses).map(([k, v]) => [k, literal(v)])) as Literals<T>
}

/** Delivery statuses as SQL literals (`DELIVERY_SQL.sending` is `'sending'`), and the lists as `IN` bodies. */
export const DELIVERY_SQL = {
  ...literals(DELIVERY),
  open: sqlList(OPEN_DELIVERY_STATUSES),
  failedOnes: sqlList(FAILED_DELIVERY_STATUSES),
  finished: sqlList(FINISHED_DELIVERY_STATUSES),
} as const

export const MESSAGE_SQL = literals(MESSAGE)
export const BATCH_SQL = literals(BATCH)
