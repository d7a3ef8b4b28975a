import { clickRate } from "../core/attribution/figures"

/**
 * SQL of revenue attribution's figures (`push_attribution`), shared by the message views and the
 * stats: orders credited, and revenue per currency as a JSON list of `{ currency_code, amount }`.
 */

/** Orders and revenue of the message `m` (columns `orders`, `revenue`), joined as `af`. */
export const MESSAGE_ATTRIBUTION_JOIN = `LEFT JOIN LATERAL (
    SELECT COALESCE(sum(r.n), 0)::int AS orders,
           COALESCE(jsonb_agg(jsonb_build_object('currency_code', r."currency_code", 'amount', r.amount) ORDER BY r."currency_code")
             FILTER (WHERE r.n > 0), '[]'::jsonb) AS revenue
    FROM (SELECT a."currency_code", sum(a."total")::bigint AS amount, count(*) AS n
          FROM "push_attribution" a WHERE a."message_id" = m."id" GROUP BY a."currency_code") r) af ON true`

export const MESSAGE_ATTRIBUTION_COLUMNS = `af."orders", af."revenue"`

/** Adds a message row's click rate (clicks per delivered, `core/attribution/figures`). */
export function withClickRate<T extends { clicked_count: number; delivered_count: number }>(row: T): T & { click_rate: number | null } {
  return Object.assign(row, { click_rate: clickRate(row.clicked_count, row.delivered_count) })
}
