import { MigrationInterface, QueryRunner } from "typeorm"

/**
 * Revenue attribution: one row per order credited to a clicked notification (unique on the order,
 * so a redelivered `order.placed` credits nothing twice), with the order's total and currency as
 * Medusa computed them when it was placed. Each message counts its clicked deliveries
 * (`clicked_count`, kept as clicks are recorded, so the message list reads no deliveries), and the
 * clicks of a device are found by their time.
 */
export class WebPushAttribution1764835200000 implements MigrationInterface {
  name = "WebPushAttribution1764835200000"

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS "push_attribution" (
        "id" character varying NOT NULL,
        "order_id" character varying NOT NULL,
        "message_id" character varying NOT NULL,
        "delivery_id" character varying NOT NULL,
        "subscription_id" character varying NOT NULL,
        "customer_id" character varying,
        "clicked_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "attributed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "total" bigint NOT NULL,
        "currency_code" character varying NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_push_attribution" PRIMARY KEY ("id")
      )`)
    await queryRunner.query(`CREATE UNIQUE INDEX IF NOT EXISTS "UQ_push_attribution_order" ON "push_attribution" ("order_id")`)
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "IDX_push_attribution_message" ON "push_attribution" ("message_id")`)
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "IDX_push_attribution_attributed_at" ON "push_attribution" ("attributed_at")`)
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS "IDX_push_delivery_clicks" ON "push_delivery" ("subscription_id", "clicked_at") WHERE "clicked_at" IS NOT NULL`
    )
    await queryRunner.query(`ALTER TABLE "push_message" ADD COLUMN IF NOT EXISTS "clicked_count" integer NOT NULL DEFAULT 0`)
    await queryRunner.query(`
      UPDATE "push_message" m SET "clicked_count" = c.n
      FROM (SELECT "message_id", count(*)::int AS n FROM "push_delivery" WHERE "clicked_at" IS NOT NULL GROUP BY "message_id") c
      WHERE m."id" = c."message_id"`)
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "push_message" DROP COLUMN IF EXISTS "clicked_count"`)
    await queryRunner.query(`DROP INDEX IF EXISTS "IDX_push_delivery_clicks"`)
    await queryRunner.query(`DROP TABLE IF EXISTS "push_attribution"`)
  }
}
