import { MigrationInterface, QueryRunner } from "typeorm"

/**
 * Preferences, languages and timing: admin overrides of templates per locale, each admin's chosen
 * events, the device's time zone, deliveries held for the reader's daytime, scheduled messages.
 */
export class WebPushPreferences1764403200000 implements MigrationInterface {
  name = "WebPushPreferences1764403200000"

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS "push_template" (
        "id" character varying NOT NULL,
        "event_name" character varying NOT NULL,
        "audience" character varying NOT NULL,
        "locale" character varying NOT NULL,
        "enabled" boolean,
        "title" character varying,
        "body" character varying,
        "url" character varying,
        "icon" character varying,
        "image" character varying,
        "ttl" integer,
        "urgency" character varying,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_push_template" PRIMARY KEY ("id")
      )`)
    await queryRunner.query(
      `CREATE UNIQUE INDEX IF NOT EXISTS "IDX_push_template_key" ON "push_template" ("event_name", "audience", "locale")`
    )
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS "push_admin_preference" (
        "user_id" character varying NOT NULL,
        "events" text[] NOT NULL DEFAULT '{}',
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_push_admin_preference" PRIMARY KEY ("user_id")
      )`)
    await queryRunner.query(`ALTER TABLE "push_subscription" ADD COLUMN IF NOT EXISTS "time_zone" character varying`)
    await queryRunner.query(`ALTER TABLE "push_message" ADD COLUMN IF NOT EXISTS "localized_payloads" jsonb`)
    await queryRunner.query(`ALTER TABLE "push_message" ADD COLUMN IF NOT EXISTS "context_locale" character varying`)
    await queryRunner.query(`ALTER TABLE "push_message" ADD COLUMN IF NOT EXISTS "send_at" TIMESTAMP WITH TIME ZONE`)
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS "IDX_push_message_scheduled" ON "push_message" ("send_at") WHERE "status" = 'scheduled'`
    )
    // Admin devices opt into store events by name; devices made before this migration get every admin event.
    await queryRunner.query(
      `UPDATE "push_subscription" SET "categories" = ARRAY['order.placed', 'contact_message.created', 'order.payment_capture_failed', 'order.return_requested']
       WHERE "user_id" IS NOT NULL AND "categories" = ARRAY['store_alerts']`
    )
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS "push_template"`)
    await queryRunner.query(`DROP TABLE IF EXISTS "push_admin_preference"`)
    await queryRunner.query(`ALTER TABLE "push_subscription" DROP COLUMN IF EXISTS "time_zone"`)
    await queryRunner.query(`DROP INDEX IF EXISTS "IDX_push_message_scheduled"`)
    await queryRunner.query(`ALTER TABLE "push_message" DROP COLUMN IF EXISTS "localized_payloads"`)
    await queryRunner.query(`ALTER TABLE "push_message" DROP COLUMN IF EXISTS "context_locale"`)
    await queryRunner.query(`ALTER TABLE "push_message" DROP COLUMN IF EXISTS "send_at"`)
  }
}
