/**
 * Delivery statuses in which a delivery is still to be sent (one home: the poller's query, the
 * counts, and the partial index `IDX_push_delivery_due` list exactly these).
 */
export const OPEN_DELIVERY_STATUSES = ["pending", "sending", "retrying", "scheduled"] as const

/** The open statuses as an SQL list of literals, so the planner can match the partial index. */
export const OPEN_DELIVERY_STATUSES_SQL = OPEN_DELIVERY_STATUSES.map((s) => `'${s}'`).join(", ")
