import type { EntityManager } from "typeorm"
import {
  AUTOMATIONS,
  automationSettings,
  type AutomationDefinition,
  type AutomationKey,
  type AutomationSettings,
  type SavedAutomationSetting,
} from "../core/catalogue/automations"
import type { EngineClock } from "../core/delivery/clock"
import type { ResolvedOptions } from "../core/options/plugin-options"

type Dependencies = { manager: EntityManager; webPushOptions: ResolvedOptions; webPushClock: EngineClock }

/** An admin's change to one automation; a field left out is not changed, `null` follows the options again. */
export interface AutomationPatch {
  readonly enabled?: boolean | null
  readonly delays_minutes?: readonly number[] | null
}

/** One automation as the admin's Automations page shows it. */
export interface AutomationView {
  key: AutomationKey
  title: string
  description: string
  events: readonly string[]
  option: string
  enabled: boolean
  /** Minutes after the cart's last change, one per reminder (the abandoned cart only; else empty). */
  delays_minutes: readonly number[]
  /** Whether the admin changed it; else it follows the plugin option. */
  changed_by_admin: boolean
  /** What waits: carts watched, or devices' open alerts of this kind (none for the welcome). */
  waiting: number | null
  /** Its notifications of the last 30 days (by the engine's clock): messages and devices reached. */
  last_30_days: { messages: number; delivered: number }
}

const DAY_MS = 86_400_000

/**
 * The automations (abandoned cart, back in stock, price drop, welcome): on or off, and the cart
 * reminders' delays, as the plugin options set them unless an admin changed them on the
 * Automations page (kept in `push_automation_setting`, so every instance reads the same).
 */
export default class PushAutomationService {
  private readonly deps_: Dependencies

  constructor(deps: Dependencies) {
    this.deps_ = deps
  }

  /** What each automation does now. Read where it acts (an event, a due round), so a change holds at once on every instance. */
  async settings(): Promise<AutomationSettings> {
    const saved: SavedAutomationSetting[] = await this.deps_.manager.query(
      `SELECT "key", "enabled", "delays_minutes" FROM "push_automation_setting"`
    )
    return automationSettings(this.deps_.webPushOptions, saved)
  }

  /** Every automation, with what waits and what it sent in the last 30 days. */
  async list(): Promise<AutomationView[]> {
    const settings = await this.settings()
    const since = new Date(this.deps_.webPushClock.now().getTime() - 30 * DAY_MS)
    const [waiting]: Array<{ carts: number; back_in_stock: number; price_drop: number }> = await this.deps_.manager.query(
      `SELECT (SELECT count(*)::int FROM "push_cart_watch" w WHERE w."closed_at" IS NULL AND w."steps_sent" < $1
                 AND EXISTS (SELECT 1 FROM "line_item" li WHERE li."cart_id" = w."cart_id")) AS carts,
              (SELECT count(*)::int FROM "push_variant_alert" WHERE "message_id" IS NULL AND "kind" = 'back_in_stock') AS back_in_stock,
              (SELECT count(*)::int FROM "push_variant_alert" WHERE "message_id" IS NULL AND "kind" = 'price_drop') AS price_drop`,
      [settings.abandoned_cart.delaysMinutes.length]
    )
    const sent: Array<{ event_name: string; messages: number; delivered: number }> = await this.deps_.manager.query(
      `SELECT m."event_name", count(*)::int AS messages, COALESCE(sum(m."delivered_count"), 0)::int AS delivered
       FROM "push_message" m WHERE m."event_name" = ANY($1) AND m."created_at" >= $2 GROUP BY m."event_name"`,
      [AUTOMATIONS.flatMap((a) => a.events), since]
    )
    const waitingFor: Record<AutomationKey, number | null> = {
      abandoned_cart: waiting.carts,
      back_in_stock: waiting.back_in_stock,
      price_drop: waiting.price_drop,
      welcome: null,
    }
    return AUTOMATIONS.map((a: AutomationDefinition) => {
      const own = sent.filter((s) => a.events.includes(s.event_name))
      const setting = settings[a.key]
      return {
        key: a.key,
        title: a.title,
        description: a.description,
        events: a.events,
        option: a.option,
        enabled: setting.enabled,
        delays_minutes: setting.delaysMinutes,
        changed_by_admin: setting.fromAdmin,
        waiting: waitingFor[a.key],
        last_30_days: { messages: own.reduce((n, s) => n + s.messages, 0), delivered: own.reduce((n, s) => n + s.delivered, 0) },
      }
    })
  }

  /** Saves an admin's change (validated by the route), and answers the automation as it is now. */
  async update(key: AutomationKey, patch: AutomationPatch, userId: string): Promise<AutomationView> {
    await this.deps_.manager.query(
      `INSERT INTO "push_automation_setting" ("key", "enabled", "delays_minutes", "updated_by", "updated_at")
       VALUES ($1, $2, $3, $4, now())
       ON CONFLICT ("key") DO UPDATE SET
         "enabled" = CASE WHEN $5 THEN EXCLUDED."enabled" ELSE "push_automation_setting"."enabled" END,
         "delays_minutes" = CASE WHEN $6 THEN EXCLUDED."delays_minutes" ELSE "push_automation_setting"."delays_minutes" END,
         "updated_by" = EXCLUDED."updated_by", "updated_at" = now()`,
      [key, patch.enabled ?? null, patch.delays_minutes ?? null, userId, patch.enabled !== undefined, patch.delays_minutes !== undefined]
    )
    return this.view(key)
  }

  /** Forgets the admin's changes: the automation follows the plugin options again. */
  async reset(key: AutomationKey): Promise<AutomationView> {
    await this.deps_.manager.query(`DELETE FROM "push_automation_setting" WHERE "key" = $1`, [key])
    return this.view(key)
  }

  private async view(key: AutomationKey): Promise<AutomationView> {
    const found = (await this.list()).find((a) => a.key === key)
    if (!found) throw new Error(`unknown automation ${key}`)
    return found
  }
}
