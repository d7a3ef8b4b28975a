import { MigrationInterface, QueryRunner } from "typeorm"

/**
 * Carts the plugin watches for abandoned-cart reminders: a signed-in customer's cart (its devices
 * are the customer's), or a guest's cart a device registered (`watchCart`). One row per cart; the
 * reminder steps are scheduled on it, so a restart keeps them. Revenue attribution reads which
 * device registered the cart an order came from. A reminder's message names that device
 * (`push_message.target_subscription_id`) beside the cart's customer.
 */
export class WebPushCartWatch1764748800000 implements MigrationInterface {
  name = "WebPushCartWatch1764748800000"

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS "push_cart_watch" (
        "id" character varying NOT NULL,
        "cart_id" character varying NOT NULL,
        "subscription_id" character varying,
        "customer_id" character varying,
        "activity_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "steps_sent" integer NOT NULL DEFAULT 0,
        "next_reminder_at" TIMESTAMP WITH TIME ZONE,
        "closed_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_push_cart_watch" PRIMARY KEY ("id"),
        CONSTRAINT "FK_push_cart_watch_subscription" FOREIGN KEY ("subscription_id")
          REFERENCES "push_subscription" ("id") ON DELETE SET NULL
      )`)
    await queryRunner.query(`CREATE UNIQUE INDEX IF NOT EXISTS "UQ_push_cart_watch_cart" ON "push_cart_watch" ("cart_id")`)
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "IDX_push_cart_watch_subscription" ON "push_cart_watch" ("subscription_id")`)
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS "IDX_push_cart_watch_due" ON "push_cart_watch" ("next_reminder_at") WHERE "closed_at" IS NULL`
    )
    await queryRunner.query(`ALTER TABLE "push_message" ADD COLUMN IF NOT EXISTS "target_subscription_id" character varying`)
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "push_message" DROP COLUMN IF EXISTS "target_subscription_id"`)
    await queryRunner.query(`DROP TABLE IF EXISTS "push_cart_watch"`)
  }
}
