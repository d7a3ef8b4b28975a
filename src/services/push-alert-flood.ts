import type { EntityManager } from "typeorm"
import { planAlert, summaryEvent, summaryText, type SummaryWording, type WindowCount } from "../core/catalogue/alert-floods"
import { eventKey, type EventRule } from "../core/catalogue/event-types"
import type { EngineClock } from "../core/delivery/clock"
import { MESSAGE_SQL } from "../core/delivery/statuses"
import type { ResolvedOptions } from "../core/options/plugin-options"
import { resolveLink } from "../core/templates/link-policy"
import type { RenderedNotification } from "../core/templates/notification-builder"
import type { PushMessage } from "../models/push-message"
import type PushMessageService from "./push-message"

type Dependencies = {
  manager: EntityManager
  webPushOptions: ResolvedOptions
  webPushClock: EngineClock
  pushMessageService: PushMessageService
}

/** An order's total, for the summary's totals. */
export interface AlertAmount {
  readonly currency: string
  /** In the currency's smallest unit, as Medusa stores it. */
  readonly amount: number
}

/**
 * Counts one occurrence of an admin event in its window, in one statement: a window older than
 * the policy's closes and a new one opens at `$2` with this occurrence; otherwise the count and the
 * totals grow. Concurrent instances each get their own count (the row is locked per statement).
 */
const BUMP_SQL = `
  INSERT INTO "push_alert_window" ("event", "window_start", "count", "totals") VALUES ($1, $2, 1, $3::jsonb)
  ON CONFLICT ("event") DO UPDATE SET
    "window_start" = CASE WHEN "push_alert_window"."window_start" + $4 * interval '1 millisecond' <= $2
                          THEN $2 ELSE "push_alert_window"."window_start" END,
    "count" = CASE WHEN "push_alert_window"."window_start" + $4 * interval '1 millisecond' <= $2
                   THEN 1 ELSE "push_alert_window"."count" + 1 END,
    "totals" = CASE WHEN "push_alert_window"."window_start" + $4 * interval '1 millisecond' <= $2 THEN $3::jsonb
                    ELSE (SELECT coalesce(jsonb_object_agg(t.k, t.v), '{}'::jsonb)
                          FROM (SELECT e.k, sum(e.v::numeric) AS v
                                FROM (SELECT * FROM jsonb_each_text("push_alert_window"."totals")
                                      UNION ALL SELECT * FROM jsonb_each_text($3::jsonb)) e(k, v)
                                GROUP BY e.k) t) END
  RETURNING "window_start", "count", "totals"`

/**
 * No admin alert storms (`admin_alerts`): past its event's limit within a window, an admin alert
 * is not sent on its own but folded into one summary per window, sent when the window ends.
 */
export default class PushAlertFloodService {
  private readonly deps_: Dependencies

  constructor(deps: Dependencies) {
    this.deps_ = deps
  }

  /**
   * Counts a newly recorded admin alert. `single`: send it as usual. `summarised`: it was marked
   * done without deliveries, pointing at its window's summary, which now counts it. `locales`: the
   * languages the alert was rendered in (its readers'); the summary is written in each of them.
   */
  async admit(
    rule: EventRule,
    message: PushMessage,
    amount: AlertAmount | null,
    wording: SummaryWording,
    locales: readonly string[]
  ): Promise<"single" | "summarised"> {
    const { webPushOptions: options, webPushClock } = this.deps_
    const policy = options.adminAlerts.policyFor(rule.event)
    if (policy === null) return "single"
    const totals = amount && amount.amount > 0 ? { [amount.currency.toLowerCase()]: amount.amount } : {}
    // One transaction: the window's row stays locked until the summary shows this count, so
    // concurrent alerts update it in the order they were counted (the last word is the highest count).
    // Not `atomicPhase_`: it keeps its transaction on the instance, which concurrent events share.
    return this.deps_.manager.transaction(async (manager) => {
      const [row]: Array<{ window_start: Date; count: number; totals: Record<string, string | number> }> = await manager.query(BUMP_SQL, [
        rule.event,
        webPushClock.now(),
        JSON.stringify(totals),
        policy.windowMs,
      ])
      const window: WindowCount = {
        windowStart: new Date(row.window_start),
        count: row.count,
        totals: Object.fromEntries(Object.entries(row.totals).map(([k, v]) => [k, Number(v)])),
      }
      const plan = planAlert(rule.event, window, policy)
      if (plan.kind === "single") return "single" as const

      // In each language of the admins' devices, as the alert itself (no query here: the window's
      // row is locked, and a second connection could wait behind every alert queued for it).
      const { defaultLocale } = options.preferences
      const render = (locale: string): RenderedNotification => ({
        ...summaryText(wording, window, policy.windowMs, locale),
        url: resolveLink(wording.url, options.adminUrl),
        icon: options.defaultIcon,
        badge: options.defaultBadge,
        tag: summaryEvent(rule.event),
        ttl: 86_400,
        urgency: "normal",
      })
      const rendered = render(defaultLocale)
      const localized = Object.fromEntries([defaultLocale, ...locales].map((l) => [l, { ...render(l) }]))
      const summaryId = await this.recordSummary(manager, rule, plan.idempotencyKey, plan.sendAt, rendered, localized)
      // The window's summary has already gone (the window ended while this alert waited for its
      // turn): the alert goes on its own rather than into a summary that no longer counts it.
      if (summaryId === null) return "single" as const
      await manager.query(
        `UPDATE "push_message" SET "status" = ${MESSAGE_SQL.done}, "summary_id" = $2, "fanout_until" = NULL, "updated_at" = now()
         WHERE "id" = $1`,
        [message.id, summaryId]
      )
      return "summarised" as const
    })
  }

  /** Records the window's summary, held until the window ends, or gives it the latest count; answers its id, or null once it has gone. */
  private async recordSummary(
    manager: EntityManager,
    rule: EventRule,
    idempotencyKey: string,
    sendAt: Date,
    rendered: RenderedNotification,
    localized: Record<string, Record<string, unknown>>
  ): Promise<string | null> {
    const created = await this.deps_.pushMessageService.withTransaction(manager).createOnce({
      idempotency_key: idempotencyKey,
      event_name: summaryEvent(rule.event),
      audience: { kind: "admin", category: rule.category },
      template_key: eventKey(summaryEvent(rule.event), "admin"),
      resource_id: null,
      payload: { ...rendered },
      localized_payloads: localized,
      ttl: rendered.ttl,
      urgency: rendered.urgency,
      topic: rendered.tag ?? null,
      send_at: sendAt,
    })
    if (created) return created.id
    // Still held: the count and totals it will show grow with each alert folded into it. Once it
    // has started, null: it says what it said.
    const [row]: Array<{ id: string }> = await manager.query(
      // (A WITH query: TypeORM answers a bare UPDATE with [rows, count] instead of the rows.)
      `WITH held AS (
         UPDATE "push_message" SET "payload" = $2::jsonb, "localized_payloads" = $3::jsonb, "updated_at" = now()
         WHERE "idempotency_key" = $1 AND "status" = ${MESSAGE_SQL.scheduled} RETURNING "id")
       SELECT "id" FROM held`,
      [idempotencyKey, JSON.stringify(rendered), JSON.stringify(localized)]
    )
    return row?.id ?? null
  }
}
