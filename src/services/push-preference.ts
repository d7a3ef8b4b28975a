import { TransactionBaseService } from "@medusajs/medusa"
import type { EntityManager } from "typeorm"

type Dependencies = { manager: EntityManager }

/** Store events an admin gets by default, by Medusa user role; `null` means every admin event. */
const ROLE_DEFAULTS: Readonly<Record<string, readonly string[] | null>> = {
  admin: null,
  member: ["order.placed", "contact_message.created", "order.return_requested"],
  developer: ["order.payment_capture_failed"],
}

/** Which store events alert each admin (on all their devices). */
export default class PushPreferenceService extends TransactionBaseService {
  constructor(container: Dependencies) {
    super(container)
  }

  /** The admin's chosen events, else their role's defaults, limited to the events the store alerts on. */
  async adminEvents(userId: string, adminRuleEvents: readonly string[]): Promise<string[]> {
    const [saved] = await this.activeManager_.query(`SELECT "events" FROM "push_admin_preference" WHERE "user_id" = $1`, [userId])
    if (saved) return (saved.events as string[]).filter((e) => adminRuleEvents.includes(e))
    const [user] = await this.activeManager_.query(`SELECT "role" FROM "user" WHERE "id" = $1`, [userId])
    const defaults = ROLE_DEFAULTS[user?.role ?? "admin"] ?? null
    return defaults === null ? [...adminRuleEvents] : adminRuleEvents.filter((e) => defaults.includes(e))
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
