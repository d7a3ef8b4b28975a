import type { EntityManager } from "typeorm"
import { DELIVERY_SQL } from "../core/delivery/statuses"
import { ACTIVE_ADMIN_SQL } from "../delivery/audience-sql"

type Dependencies = { manager: EntityManager }

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
}

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

  async figures(): Promise<PushStats> {
    const { manager } = this.deps_
    const [[devices], [messages], series] = await Promise.all([
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
    }
  }
}
