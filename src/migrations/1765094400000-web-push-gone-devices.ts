import { MigrationInterface, QueryRunner } from "typeorm"

/**
 * Devices whose push service answered 404/410 are removed; what proved them and whom they belonged
 * to is kept for a while in `push_subscription_gone`, so that the browser's renewal
 * (`pushsubscriptionchange`, often hours later) can still prove the old subscription and keep its
 * owner. Only hashes of the endpoint and the auth secret are kept.
 */
export class WebPushGoneDevices1765094400000 implements MigrationInterface {
  name = "WebPushGoneDevices1765094400000"

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS "push_subscription_gone" (
        "endpoint_hash" character varying NOT NULL,
        "auth_hash" character varying NOT NULL,
        "customer_id" character varying,
        "user_id" character varying,
        "order_id" character varying,
        "guest_expires_at" TIMESTAMP WITH TIME ZONE,
        "categories" text[] NOT NULL DEFAULT '{}',
        "locale" character varying,
        "time_zone" character varying,
        "user_agent" character varying,
        "removed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "PK_push_subscription_gone" PRIMARY KEY ("endpoint_hash")
      )`)
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "IDX_push_subscription_gone_removed" ON "push_subscription_gone" ("removed_at")`)
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS "push_subscription_gone"`)
  }
}
