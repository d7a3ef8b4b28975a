import type { EntityManager } from "typeorm"
import { DELIVERY_SQL } from "../core/delivery/statuses"
import { ACTIVE_ADMIN_SQL } from "../delivery/audience-sql"
import { MESSAGE_ATTRIBUTION_COLUMNS, MESSAGE_ATTRIBUTION_JOIN, withClickRate } from "../delivery/attribution-sql"
import { clickRate, revenueSeries, sumByCurrency, type Money, type Period, type RevenueDay } from "../core/attribution/figures"
import type { ResolvedOptions } from "../core/options/plugin-options"

type Dependencies = { manager: EntityManager; webPushOptions: ResolvedOptions }

/** Days in the delivery chart, today included. */
export const SERIES_DAYS = 14

export interface DayFigures {
  day: string
  delivered: number
  failed: number
  gone: number
}

export interface PushStats {
  customer_devices: number
  admin_devices: number
  messages_today: number
  /** Delivered among finished deliveries over the chart's days; null when none finished. */
  delivery_rate: number | null
  series: DayFigures[]
  attribution: AttributionFigures
}

/** Clicks and credited orders of some messages: clicks per delivered, revenue per currency. */
export interface ClickFigures {
  delivered: number
  clicks: number
  click_rate: number | null
  orders: number
  revenue: Money[]
}

/**
 * Revenue attribution over a period of UTC days. `orders`, `revenue` and `daily` count the orders
 * credited in the period (by the day they were placed); `by_event` and `broadcasts` count the
 * messages sent in the period, with their clicks and credited orders to date.
 */
export interface AttributionFigures {
  /** `attribution_window_hours` (0: attribution is off). */
  window_hours: number
  from: string
  to: string
  orders: number
  revenue: Money[]
  daily: RevenueDay[]
  /** Per event and template, most delivered first. */
  by_event: Array<ClickFigures & { event_name: string; template_key: string; messages: number }>
  /** The period's broadcasts, newest first (at most `BROADCASTS_SHOWN`). */
  broadcasts: Array<ClickFigures & { id: string; title: string | null; created_at: Date }>
}

/** Broadcasts listed in the attribution figures. */
export const BROADCASTS_SHOWN = 100

type EventRow = { event_name: string; template_key: string; messages: number; delivered: number; clicks: number }
type EventRevenueRow = Money & { event_name: string; template_key: string; orders: number }

/**
 * Figures for the admin's Web Push page: devices per owner type (guests' counted with customers',
 * removed admins' not at all), messages recorded today (UTC), the share of finished deliveries
 * that arrived over the chart's days, and per day (UTC) how many deliveries were delivered,
 * failed (rejected or given up) or gone (device removed).
 */
export default class PushStatsService {
  private readonly deps_: Dependencies

  constructor(deps: Dependencies) {
    this.deps_ = deps
  }

  async figures(period: Period): Promise<PushStats> {
    const { manager } = this.deps_
    const [[devices], [messages], series, attribution] = await Promise.all([
      manager.query(
        `SELECT count(*) FILTER (WHERE "customer_id" IS NOT NULL OR "order_id" IS NOT NULL)::int AS customer,
                count(*) FILTER (WHERE "user_id" IS NOT NULL AND ${ACTIVE_ADMIN_SQL})::int AS admin
         FROM "push_subscription" s`
      ) as Promise<Array<{ customer: number; admin: number }>>,
      manager.query(
        `SELECT count(*)::int AS today FROM "push_message" WHERE "created_at" >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`
      ) as Promise<Array<{ today: number }>>,
      manager.query(
        `WITH days AS (
           SELECT generate_series(
             date_trunc('day', now() AT TIME ZONE 'UTC') - ($1::int - 1) * interval '1 day',
             date_trunc('day', now() AT TIME ZONE 'UTC'),
             interval '1 day') AS day
         ), outcomes AS (
           SELECT date_trunc('day', COALESCE("delivered_at", "updated_at") AT TIME ZONE 'UTC') AS day, "status"
           FROM "push_delivery"
           WHERE "status" IN (${DELIVERY_SQL.finished})
             AND COALESCE("delivered_at", "updated_at") >= (date_trunc('day', now() AT TIME ZONE 'UTC') - ($1::int - 1) * interval '1 day') AT TIME ZONE 'UTC'
         )
         SELECT to_char(d.day, 'YYYY-MM-DD') AS day,
                count(o.*) FILTER (WHERE o."status" = ${DELIVERY_SQL.delivered})::int AS delivered,
                count(o.*) FILTER (WHERE o."status" IN (${DELIVERY_SQL.failedOnes}))::int AS failed,
                count(o.*) FILTER (WHERE o."status" = ${DELIVERY_SQL.gone})::int AS gone
         FROM days d LEFT JOIN outcomes o ON o.day = d.day
         GROUP BY d.day ORDER BY d.day`,
        [SERIES_DAYS]
      ) as Promise<DayFigures[]>,
      this.attribution(period),
    ])
    const totals = series.reduce(
      (t, d) => ({ delivered: t.delivered + d.delivered, finished: t.finished + d.delivered + d.failed + d.gone }),
      { delivered: 0, finished: 0 }
    )
    return {
      customer_devices: devices.customer,
      admin_devices: devices.admin,
      messages_today: messages.today,
      delivery_rate: totals.finished ? totals.delivered / totals.finished : null,
      series,
      attribution,
    }
  }

  /** Revenue attribution's figures over `period` (see `AttributionFigures`). */
  async attribution(period: Period): Promise<AttributionFigures> {
    const { manager } = this.deps_
    const range = [period.start, period.end]
    const [daily, events, eventRevenue, broadcasts] = await Promise.all([
      manager.query(
        `SELECT to_char("attributed_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, "currency_code", sum("total")::bigint AS amount, count(*)::int AS orders
         FROM "push_attribution" WHERE "attributed_at" >= $1 AND "attributed_at" < $2 GROUP BY 1, 2`,
        range
      ) as Promise<Array<{ day: string; orders: number } & Money>>,
      manager.query(
        `SELECT "event_name", "template_key", count(*)::int AS messages, sum("delivered_count")::int AS delivered, sum("clicked_count")::int AS clicks
         FROM "push_message" WHERE "created_at" >= $1 AND "created_at" < $2 GROUP BY 1, 2 ORDER BY delivered DESC, 1, 2`,
        range
      ) as Promise<EventRow[]>,
      manager.query(
        `SELECT m."event_name", m."template_key", a."currency_code", sum(a."total")::bigint AS amount, count(*)::int AS orders
         FROM "push_attribution" a JOIN "push_message" m ON m."id" = a."message_id"
         WHERE m."created_at" >= $1 AND m."created_at" < $2 GROUP BY 1, 2, 3`,
        range
      ) as Promise<EventRevenueRow[]>,
      manager.query(
        `SELECT m."id", m."payload"->>'title' AS title, m."created_at", m."delivered_count", m."clicked_count", ${MESSAGE_ATTRIBUTION_COLUMNS}
         FROM (SELECT * FROM "push_message" WHERE "audience" = 'broadcast' AND "created_at" >= $1 AND "created_at" < $2
               ORDER BY "created_at" DESC, "id" DESC LIMIT $3) m ${MESSAGE_ATTRIBUTION_JOIN}
         ORDER BY m."created_at" DESC, m."id" DESC`,
        [...range, BROADCASTS_SHOWN]
      ) as Promise<
        Array<{
          id: string
          title: string | null
          created_at: Date
          delivered_count: number
          clicked_count: number
          orders: number
          revenue: Money[]
        }>
      >,
    ])
    return {
      window_hours: this.deps_.webPushOptions.attributionWindowHours,
      from: period.from,
      to: period.to,
      orders: daily.reduce((n, d) => n + d.orders, 0),
      revenue: sumByCurrency(daily),
      daily: revenueSeries(period, daily),
      by_event: events.map((e) => {
        const own = eventRevenue.filter((r) => r.event_name === e.event_name && r.template_key === e.template_key)
        return {
          ...e,
          click_rate: clickRate(e.clicks, e.delivered),
          orders: own.reduce((n, r) => n + r.orders, 0),
          revenue: sumByCurrency(own),
        }
      }),
      broadcasts: broadcasts.map((b) => {
        const { delivered_count, clicked_count, click_rate, ...rest } = withClickRate(b)
        return { ...rest, delivered: delivered_count, clicks: clicked_count, click_rate }
      }),
    }
  }
}
