import { MigrationInterface, QueryRunner } from "typeorm"

/**
 * Fan-out batches: a large audience is split into ranges of subscription ids that any Medusa
 * instance can claim; a lease makes a batch taken by a crashed instance available again.
 */
export class WebPushBatches1764316800000 implements MigrationInterface {
  name = "WebPushBatches1764316800000"

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS "push_batch" (
        "id" character varying NOT NULL,
        "message_id" character varying NOT NULL,
        "after_subscription_id" character varying,
        "last_subscription_id" character varying NOT NULL,
        "status" character varying NOT NULL DEFAULT 'pending',
        "lease_until" TIMESTAMP WITH TIME ZONE,
        "attempts" integer NOT NULL DEFAULT 0,
        "claimed_by" character varying,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_push_batch" PRIMARY KEY ("id"),
        CONSTRAINT "FK_push_batch_message" FOREIGN KEY ("message_id") REFERENCES "push_message" ("id") ON DELETE CASCADE
      )`)
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "IDX_push_batch_open" ON "push_batch" ("lease_until") WHERE "status" <> 'done'`)
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "IDX_push_batch_message" ON "push_batch" ("message_id")`)
    // Who a message is for, so any instance can find its devices batch by batch.
    await queryRunner.query(`ALTER TABLE "push_message" ADD COLUMN IF NOT EXISTS "target_customer_id" character varying`)
    await queryRunner.query(`ALTER TABLE "push_message" ADD COLUMN IF NOT EXISTS "target_user_id" character varying`)
    // Broadcasts target customers who opted into a category.
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "IDX_push_subscription_categories" ON "push_subscription" USING GIN ("categories")`)
    await queryRunner.query(`DROP INDEX IF EXISTS "IDX_push_delivery_due"`)
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS "IDX_push_delivery_due" ON "push_delivery" ("next_attempt_at") WHERE "status" IN ('pending', 'retrying', 'sending')`
    )
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "IDX_push_delivery_subscription" ON "push_delivery" ("subscription_id")`)
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS "push_batch"`)
    await queryRunner.query(`ALTER TABLE "push_message" DROP COLUMN IF EXISTS "target_customer_id"`)
    await queryRunner.query(`ALTER TABLE "push_message" DROP COLUMN IF EXISTS "target_user_id"`)
    await queryRunner.query(`DROP INDEX IF EXISTS "IDX_push_subscription_categories"`)
    await queryRunner.query(`DROP INDEX IF EXISTS "IDX_push_delivery_subscription"`)
    await queryRunner.query(`DROP INDEX IF EXISTS "IDX_push_delivery_due"`)
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS "IDX_push_delivery_due" ON "push_delivery" ("next_attempt_at") WHERE "status" IN ('pending', 'retrying')`
    )
  }
}
