import { MigrationInterface, QueryRunner } from "typeorm"

/**
 * Product alerts: a device asks to be told when a variant is back in stock, or when its price in
 * the device's region falls below the price it saw. One open alert per device, variant and kind;
 * the message that used it up is written on it, and that message's readers are exactly the alerts
 * that carry its id (`push_message.audience_key`). Automations that run on a schedule (the product
 * alerts' reconcile) are claimed by one instance through `push_automation_run`; an admin's changes
 * to the automations (on or off, the cart reminders' delays) are kept in `push_automation_setting`.
 */
export class WebPushProductAlerts1765008000000 implements MigrationInterface {
  name = "WebPushProductAlerts1765008000000"

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS "push_variant_alert" (
        "id" character varying NOT NULL,
        "subscription_id" character varying NOT NULL,
        "variant_id" character varying NOT NULL,
        "product_id" character varying NOT NULL,
        "kind" character varying NOT NULL,
        "region_id" character varying,
        "currency_code" character varying,
        "requested_amount" integer,
        "message_id" character varying,
        "notified_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_push_variant_alert" PRIMARY KEY ("id"),
        CONSTRAINT "FK_push_variant_alert_subscription" FOREIGN KEY ("subscription_id")
          REFERENCES "push_subscription" ("id") ON DELETE CASCADE
      )`)
    await queryRunner.query(
      `CREATE UNIQUE INDEX IF NOT EXISTS "UQ_push_variant_alert_open" ON "push_variant_alert" ("subscription_id", "variant_id", "kind")
       WHERE "message_id" IS NULL`
    )
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS "IDX_push_variant_alert_variant_open" ON "push_variant_alert" ("variant_id", "kind") WHERE "message_id" IS NULL`
    )
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS "IDX_push_variant_alert_message" ON "push_variant_alert" ("message_id", "subscription_id") WHERE "message_id" IS NOT NULL`
    )
    // A device's removal (gone, retired, unsubscribed) cascades here; a renewal moves its alerts.
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "IDX_push_variant_alert_subscription" ON "push_variant_alert" ("subscription_id")`)
    // The admin's product page counts a product's open alerts.
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS "IDX_push_variant_alert_product_open" ON "push_variant_alert" ("product_id") WHERE "message_id" IS NULL`
    )
    await queryRunner.query(`ALTER TABLE "push_message" ADD COLUMN IF NOT EXISTS "audience_key" character varying`)
    // A visitor's device (registered by asking for a product alert) has no owner.
    await queryRunner.query(`ALTER TABLE "push_subscription" DROP CONSTRAINT IF EXISTS "CHK_push_subscription_owner"`)
    await queryRunner.query(
      `ALTER TABLE "push_subscription" ADD CONSTRAINT "CHK_push_subscription_owner"
       CHECK (num_nonnulls("customer_id", "user_id", "order_id") <= 1 AND ("order_id" IS NULL) = ("guest_expires_at" IS NULL))`
    )
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS "push_automation_run" (
        "name" character varying NOT NULL,
        "next_run_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "PK_push_automation_run" PRIMARY KEY ("name")
      )`)
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS "push_automation_setting" (
        "key" character varying NOT NULL,
        "enabled" boolean,
        "delays_minutes" integer array,
        "updated_by" character varying,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_push_automation_setting" PRIMARY KEY ("key")
      )`)
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS "push_automation_setting"`)
    await queryRunner.query(`DROP TABLE IF EXISTS "push_automation_run"`)
    await queryRunner.query(`DELETE FROM "push_subscription" WHERE num_nonnulls("customer_id", "user_id", "order_id") = 0`)
    await queryRunner.query(`ALTER TABLE "push_subscription" DROP CONSTRAINT IF EXISTS "CHK_push_subscription_owner"`)
    await queryRunner.query(
      `ALTER TABLE "push_subscription" ADD CONSTRAINT "CHK_push_subscription_owner"
       CHECK (num_nonnulls("customer_id", "user_id", "order_id") = 1 AND ("order_id" IS NULL) = ("guest_expires_at" IS NULL))`
    )
    await queryRunner.query(`ALTER TABLE "push_message" DROP COLUMN IF EXISTS "audience_key"`)
    await queryRunner.query(`DROP TABLE IF EXISTS "push_variant_alert"`)
  }
}
