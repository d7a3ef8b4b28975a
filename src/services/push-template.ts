import { TransactionBaseService } from "@medusajs/medusa"
import type { EntityManager } from "typeorm"
import { OVERRIDE_FIELDS, overridesByLocale, type OverridesByLocale, type TemplateOverride } from "../core/templates/localized-template"
import type { PushTemplate } from "../models/push-template"

type Dependencies = { manager: EntityManager }

/** Admins' changes to the notifications, per event, audience and language; read at every send. */
export default class PushTemplateService extends TransactionBaseService {
  constructor(container: Dependencies) {
    super(container)
  }

  /** The saved overrides of one event for one audience, keyed by locale. */
  async overridesFor(event: string, audience: string): Promise<OverridesByLocale> {
    const rows: PushTemplate[] = await this.activeManager_.query(
      `SELECT * FROM "push_template" WHERE "event_name" = $1 AND "audience" = $2`,
      [event, audience]
    )
    return overridesByLocale(rows)
  }

  async list(): Promise<PushTemplate[]> {
    return this.activeManager_.query(`SELECT * FROM "push_template" ORDER BY "event_name", "audience", "locale"`)
  }

  /** Saves the given fields for one locale (others keep their saved value); `null` clears a field. */
  async save(event: string, audience: string, locale: string, fields: TemplateOverride): Promise<PushTemplate> {
    const given = OVERRIDE_FIELDS.filter((f) => fields[f] !== undefined)
    const columns = given.map((f) => `"${f}"`)
    const values = given.map((f) => fields[f] ?? null)
    const updates = given.map((f) => `"${f}" = EXCLUDED."${f}"`)
    const rows: PushTemplate[] = await this.activeManager_.query(
      `INSERT INTO "push_template" ("id", "event_name", "audience", "locale"${columns.map((c) => `, ${c}`).join("")})
       VALUES ('pushtpl_' || upper(replace(gen_random_uuid()::text, '-', '')), $1, $2, $3${values.map((_, i) => `, $${i + 4}`).join("")})
       ON CONFLICT ("event_name", "audience", "locale") DO UPDATE SET "updated_at" = now()${updates.map((u) => `, ${u}`).join("")}
       RETURNING *`,
      [event, audience, locale, ...values]
    )
    return rows[0]
  }

  /** Back to the default: one locale's override, or all of them. Returns how many were removed. */
  async reset(event: string, audience: string, locale?: string): Promise<number> {
    const [, count] = await this.activeManager_.query(
      `DELETE FROM "push_template" WHERE "event_name" = $1 AND "audience" = $2 AND ($3::text IS NULL OR "locale" = $3)`,
      [event, audience, locale ?? null]
    )
    return count
  }
}
