import { MigrationInterface, QueryRunner } from "typeorm"

/**
 * Inbound alerts (chat tools and other systems that alert admins), one row each, unique per
 * source on the sender's own id so a provider's retry or a replayed request stores nothing new;
 * and the admin-alert windows, one row per admin event, counted in the database so flood control
 * holds across instances and restarts. A message folded into a summary points at it.
 */
export class WebPushInboundAlerts1764662400000 implements MigrationInterface {
  name = "WebPushInboundAlerts1764662400000"

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS "push_inbound_alert" (
        "id" character varying NOT NULL,
        "source" character varying NOT NULL,
        "provider" character varying NOT NULL,
        "external_id" character varying,
        "title" character varying,
        "name" character varying,
        "text" character varying NOT NULL,
        "url" character varying,
        "kind" character varying,
        "is_test" boolean NOT NULL DEFAULT false,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_push_inbound_alert" PRIMARY KEY ("id")
      )`)
    await queryRunner.query(
      `CREATE UNIQUE INDEX IF NOT EXISTS "UQ_push_inbound_alert_external" ON "push_inbound_alert" ("source", "external_id")
       WHERE "external_id" IS NOT NULL`
    )
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "IDX_push_inbound_alert_source" ON "push_inbound_alert" ("source", "created_at")`)
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS "push_alert_window" (
        "event" character varying NOT NULL,
        "window_start" TIMESTAMP WITH TIME ZONE NOT NULL,
        "count" integer NOT NULL,
        "totals" jsonb NOT NULL DEFAULT '{}',
        CONSTRAINT "PK_push_alert_window" PRIMARY KEY ("event")
      )`)
    await queryRunner.query(`ALTER TABLE "push_message" ADD COLUMN IF NOT EXISTS "summary_id" character varying`)
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "push_message" DROP COLUMN IF EXISTS "summary_id"`)
    await queryRunner.query(`DROP TABLE IF EXISTS "push_alert_window"`)
    await queryRunner.query(`DROP TABLE IF EXISTS "push_inbound_alert"`)
  }
}
