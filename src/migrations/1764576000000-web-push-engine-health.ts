import { MigrationInterface, QueryRunner } from "typeorm"

/**
 * Engine health: paused push services shared by every instance; a lease and a failure record on
 * each message's fan-out, so a message recorded but never fanned out is resumed; the due-deliveries
 * index matching the poller's four open statuses; failure runs restarted under the new retire rule.
 */
export class WebPushEngineHealth1764576000000 implements MigrationInterface {
  name = "WebPushEngineHealth1764576000000"

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS "push_service_health" (
        "origin" character varying NOT NULL,
        "paused_until" TIMESTAMP WITH TIME ZONE NOT NULL,
        "reason" character varying NOT NULL,
        "status_code" integer,
        "since" TIMESTAMP WITH TIME ZONE NOT NULL,
        "failures" integer NOT NULL DEFAULT 0,
        "pauses" integer NOT NULL DEFAULT 1,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_push_service_health" PRIMARY KEY ("origin")
      )`)
    await queryRunner.query(`ALTER TABLE "push_message" ADD COLUMN IF NOT EXISTS "fanout_until" TIMESTAMP WITH TIME ZONE`)
    await queryRunner.query(`ALTER TABLE "push_message" ADD COLUMN IF NOT EXISTS "fanout_attempts" integer NOT NULL DEFAULT 0`)
    await queryRunner.query(`ALTER TABLE "push_message" ADD COLUMN IF NOT EXISTS "last_error" character varying`)
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS "IDX_push_message_fanout" ON "push_message" ("fanout_until") WHERE "status" = 'sending'`
    )
    // The poller looks for due deliveries in all four open statuses; the index now covers them all.
    await queryRunner.query(`DROP INDEX IF EXISTS "IDX_push_delivery_due"`)
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS "IDX_push_delivery_due" ON "push_delivery" ("next_attempt_at")
       WHERE "status" IN ('pending', 'sending', 'retrying', 'scheduled')`
    )
    // Old runs counted failures that were not the device's (5xx, 401/403, timeouts): start afresh.
    await queryRunner.query(
      `UPDATE "push_subscription" SET "consecutive_failures" = 0, "first_failure_at" = NULL WHERE "first_failure_at" IS NOT NULL`
    )
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS "push_service_health"`)
    await queryRunner.query(`DROP INDEX IF EXISTS "IDX_push_message_fanout"`)
    await queryRunner.query(`ALTER TABLE "push_message" DROP COLUMN IF EXISTS "fanout_until"`)
    await queryRunner.query(`ALTER TABLE "push_message" DROP COLUMN IF EXISTS "fanout_attempts"`)
    await queryRunner.query(`ALTER TABLE "push_message" DROP COLUMN IF EXISTS "last_error"`)
    await queryRunner.query(`DROP INDEX IF EXISTS "IDX_push_delivery_due"`)
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS "IDX_push_delivery_due" ON "push_delivery" ("next_attempt_at") WHERE "status" IN ('pending', 'retrying', 'sending')`
    )
  }
}
