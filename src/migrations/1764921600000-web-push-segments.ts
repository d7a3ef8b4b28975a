import { MigrationInterface, QueryRunner } from "typeorm"

/**
 * A broadcast may target a segment of its category's customers (customer groups, regions, order
 * history, device language, subscription date): the segment is stored on the message, so every
 * instance and every later batch or resume evaluates the same audience (relative to the message's
 * `audience_at`). A message for one device (the welcome notification) names it in
 * `target_subscription_id`.
 */
export class WebPushSegments1764921600000 implements MigrationInterface {
  name = "WebPushSegments1764921600000"

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "push_message" ADD COLUMN IF NOT EXISTS "segment" jsonb`)
    await queryRunner.query(`ALTER TABLE "push_message" ADD COLUMN IF NOT EXISTS "target_subscription_id" character varying`)
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "push_message" DROP COLUMN IF EXISTS "target_subscription_id"`)
    await queryRunner.query(`ALTER TABLE "push_message" DROP COLUMN IF EXISTS "segment"`)
  }
}
