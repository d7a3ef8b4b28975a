import { TransactionBaseService } from "@medusajs/medusa"
import type { EntityManager } from "typeorm"
import { roleDefaultEvents } from "../core/catalogue/admin-events"

import type { ResolvedOptions } from "../core/options/plugin-options"

type Dependencies = { manager: EntityManager; webPushOptions: ResolvedOptions }

/** Which store events alert each admin (on all their devices). */
export default class PushPreferenceService extends TransactionBaseService {
  private readonly options_: ResolvedOptions

  constructor(container: Dependencies) {
    super(container)
    this.options_ = container.webPushOptions
  }

  /** The admin's chosen events, else their role's defaults, limited to the events the store alerts on. */
  async adminEvents(userId: string, adminRuleEvents: readonly string[]): Promise<string[]> {
    const [saved] = await this.activeManager_.query(`SELECT "events" FROM "push_admin_preference" WHERE "user_id" = $1`, [userId])
    if (saved) return (saved.events as string[]).filter((e) => adminRuleEvents.includes(e))
    const [user] = await this.activeManager_.query(`SELECT "role" FROM "user" WHERE "id" = $1`, [userId])
    const sourceRoles = Object.fromEntries(this.options_.inboundSources.map((s) => [s.event, s.roles]))
    return roleDefaultEvents(user?.role, adminRuleEvents, sourceRoles)
  }

  /** Saves the admin's choice and applies it to every device they have. */
  async setAdminEvents(userId: string, events: string[]): Promise<void> {
    await this.atomicPhase_(async (manager) => {
      await manager.query(
        `INSERT INTO "push_admin_preference" ("user_id", "events") VALUES ($1, $2)
         ON CONFLICT ("user_id") DO UPDATE SET "events" = EXCLUDED."events", "updated_at" = now()`,
        [userId, events]
      )
      await manager.query(`UPDATE "push_subscription" SET "categories" = $2, "updated_at" = now() WHERE "user_id" = $1`, [userId, events])
    })
  }
}
