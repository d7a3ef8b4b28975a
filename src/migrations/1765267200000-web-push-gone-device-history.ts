import { MigrationInterface, QueryRunner } from "typeorm"

/**
 * A gone device also leaves its id and when it first subscribed, so that its renewal keeps the
 * notifications it clicked (revenue attribution) and its first subscription date (a segment's
 * `subscribed_since`), as a renewal of a registered device does.
 */
export class WebPushGoneDeviceHistory1765267200000 implements MigrationInterface {
  name = "WebPushGoneDeviceHistory1765267200000"

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "push_subscription_gone" ADD COLUMN IF NOT EXISTS "subscription_id" character varying`)
    await queryRunner.query(`ALTER TABLE "push_subscription_gone" ADD COLUMN IF NOT EXISTS "subscribed_at" TIMESTAMP WITH TIME ZONE`)
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "push_subscription_gone" DROP COLUMN IF EXISTS "subscribed_at"`)
    await queryRunner.query(`ALTER TABLE "push_subscription_gone" DROP COLUMN IF EXISTS "subscription_id"`)
  }
}
