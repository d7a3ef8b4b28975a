import { MigrationInterface, QueryRunner } from "typeorm"

/**
 * A guest device belongs to one order, not to a customer: Medusa shares one guest customer row
 * between every guest order placed with the same e-mail, so binding a device to that row gave it
 * every later order of whoever used the e-mail. Guest devices now carry the order they proved
 * (`order_id`) and the end of their subscription (`guest_expires_at`); a personal message carries
 * its order (`target_order_id`) and the engine time it was recorded at (`audience_at`), against
 * which the guest devices' expiry is compared.
 *
 * Existing data: a device owned by a customer without an account (`has_account = false`) was a
 * guest device. Each is bound to that customer's most recent order created before the device (the
 * order it proved at the time), expires 30 days (the default `guest_subscription_days`; a
 * migration cannot read the store's options) after that order, and loses its `customer_id`. A
 * guest device with no such order cannot be bound to anything it proved, and is removed.
 */
export class WebPushGuestOrders1764489600000 implements MigrationInterface {
  name = "WebPushGuestOrders1764489600000"

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "push_subscription" ADD COLUMN IF NOT EXISTS "order_id" character varying`)
    await queryRunner.query(`ALTER TABLE "push_subscription" ADD COLUMN IF NOT EXISTS "guest_expires_at" TIMESTAMP WITH TIME ZONE`)
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS "IDX_push_subscription_order_id" ON "push_subscription" ("order_id") WHERE "order_id" IS NOT NULL`
    )
    // A device has exactly one owner: a customer, a guest's order (with its end), or an admin user.
    await queryRunner.query(`ALTER TABLE "push_subscription" DROP CONSTRAINT IF EXISTS "CHK_push_subscription_owner"`)
    await queryRunner.query(`ALTER TABLE "push_message" ADD COLUMN IF NOT EXISTS "target_order_id" character varying`)
    await queryRunner.query(`ALTER TABLE "push_message" ADD COLUMN IF NOT EXISTS "audience_at" TIMESTAMP WITH TIME ZONE`)
    await queryRunner.query(`
      UPDATE "push_subscription" s
      SET "order_id" = g."order_id", "guest_expires_at" = g."order_created_at" + interval '30 days', "customer_id" = NULL
      FROM (
        SELECT d."id", o."id" AS "order_id", o."created_at" AS "order_created_at"
        FROM "push_subscription" d
        JOIN "customer" c ON c."id" = d."customer_id" AND c."has_account" = false
        CROSS JOIN LATERAL (
          SELECT "id", "created_at" FROM "order"
          WHERE "customer_id" = c."id" AND "created_at" <= d."created_at"
          ORDER BY "created_at" DESC, "id" DESC LIMIT 1
        ) o
      ) g
      WHERE s."id" = g."id"`)
    await queryRunner.query(`
      DELETE FROM "push_subscription" s USING "customer" c
      WHERE c."id" = s."customer_id" AND c."has_account" = false`)
    await queryRunner.query(
      `ALTER TABLE "push_subscription" ADD CONSTRAINT "CHK_push_subscription_owner"
       CHECK (num_nonnulls("customer_id", "user_id", "order_id") = 1 AND ("order_id" IS NULL) = ("guest_expires_at" IS NULL))`
    )
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // Guest devices go back to the order's customer, as before this migration.
    await queryRunner.query(`ALTER TABLE "push_subscription" DROP CONSTRAINT IF EXISTS "CHK_push_subscription_owner"`)
    await queryRunner.query(`
      UPDATE "push_subscription" s SET "customer_id" = o."customer_id"
      FROM "order" o WHERE o."id" = s."order_id" AND s."customer_id" IS NULL`)
    await queryRunner.query(`DELETE FROM "push_subscription" WHERE "customer_id" IS NULL AND "user_id" IS NULL`)
    await queryRunner.query(
      `ALTER TABLE "push_subscription" ADD CONSTRAINT "CHK_push_subscription_owner" CHECK (("customer_id" IS NULL) <> ("user_id" IS NULL))`
    )
    await queryRunner.query(`DROP INDEX IF EXISTS "IDX_push_subscription_order_id"`)
    await queryRunner.query(`ALTER TABLE "push_subscription" DROP COLUMN IF EXISTS "order_id"`)
    await queryRunner.query(`ALTER TABLE "push_subscription" DROP COLUMN IF EXISTS "guest_expires_at"`)
    await queryRunner.query(`ALTER TABLE "push_message" DROP COLUMN IF EXISTS "target_order_id"`)
    await queryRunner.query(`ALTER TABLE "push_message" DROP COLUMN IF EXISTS "audience_at"`)
  }
}
