import { MigrationInterface, QueryRunner } from "typeorm"

/** Tables of medusa-plugin-web-push: devices, messages, deliveries and contact messages. */
export class WebPushInit1764230400000 implements MigrationInterface {
  name = "WebPushInit1764230400000"

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS "push_subscription" (
        "id" character varying NOT NULL,
        "endpoint" text NOT NULL,
        "p256dh" character varying NOT NULL,
        "auth" character varying NOT NULL,
        "customer_id" character varying,
        "user_id" character varying,
        "categories" text[] NOT NULL DEFAULT '{}',
        "locale" character varying,
        "user_agent" character varying,
        "expiration_time" TIMESTAMP WITH TIME ZONE,
        "last_success_at" TIMESTAMP WITH TIME ZONE,
        "first_failure_at" TIMESTAMP WITH TIME ZONE,
        "consecutive_failures" integer NOT NULL DEFAULT 0,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_push_subscription" PRIMARY KEY ("id"),
        CONSTRAINT "CHK_push_subscription_owner" CHECK (("customer_id" IS NULL) <> ("user_id" IS NULL))
      )`)
    await queryRunner.query(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_push_subscription_endpoint" ON "push_subscription" ("endpoint")`)
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS "IDX_push_subscription_customer_id" ON "push_subscription" ("customer_id") WHERE "customer_id" IS NOT NULL`
    )
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS "IDX_push_subscription_user_id" ON "push_subscription" ("user_id") WHERE "user_id" IS NOT NULL`
    )

    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS "push_message" (
        "id" character varying NOT NULL,
        "idempotency_key" character varying NOT NULL,
        "event_name" character varying NOT NULL,
        "audience" character varying NOT NULL,
        "template_key" character varying NOT NULL,
        "resource_id" character varying,
        "category" character varying,
        "payload" jsonb NOT NULL,
        "ttl" integer NOT NULL,
        "urgency" character varying NOT NULL,
        "topic" character varying,
        "status" character varying NOT NULL DEFAULT 'pending',
        "target_count" integer NOT NULL DEFAULT 0,
        "delivered_count" integer NOT NULL DEFAULT 0,
        "gone_count" integer NOT NULL DEFAULT 0,
        "failed_count" integer NOT NULL DEFAULT 0,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_push_message" PRIMARY KEY ("id")
      )`)
    await queryRunner.query(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_push_message_idempotency_key" ON "push_message" ("idempotency_key")`)
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "IDX_push_message_event_name" ON "push_message" ("event_name")`)
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "IDX_push_message_resource_id" ON "push_message" ("resource_id")`)
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "IDX_push_message_created_at" ON "push_message" ("created_at")`)

    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS "push_delivery" (
        "id" character varying NOT NULL,
        "message_id" character varying NOT NULL,
        "subscription_id" character varying NOT NULL,
        "status" character varying NOT NULL DEFAULT 'pending',
        "attempts" integer NOT NULL DEFAULT 0,
        "next_attempt_at" TIMESTAMP WITH TIME ZONE,
        "last_status_code" integer,
        "last_error" character varying,
        "delivered_at" TIMESTAMP WITH TIME ZONE,
        "clicked_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_push_delivery" PRIMARY KEY ("id"),
        CONSTRAINT "FK_push_delivery_message" FOREIGN KEY ("message_id") REFERENCES "push_message" ("id") ON DELETE CASCADE
      )`)
    await queryRunner.query(
      `CREATE UNIQUE INDEX IF NOT EXISTS "IDX_push_delivery_message_subscription" ON "push_delivery" ("message_id", "subscription_id")`
    )
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS "IDX_push_delivery_due" ON "push_delivery" ("next_attempt_at") WHERE "status" IN ('pending', 'retrying')`
    )

    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS "contact_message" (
        "id" character varying NOT NULL,
        "name" character varying NOT NULL,
        "email" character varying NOT NULL,
        "subject" character varying,
        "message" text NOT NULL,
        "customer_id" character varying,
        "read_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_contact_message" PRIMARY KEY ("id")
      )`)
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "IDX_contact_message_customer_id" ON "contact_message" ("customer_id")`)
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "IDX_contact_message_created_at" ON "contact_message" ("created_at")`)
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS "push_delivery"`)
    await queryRunner.query(`DROP TABLE IF EXISTS "push_message"`)
    await queryRunner.query(`DROP TABLE IF EXISTS "push_subscription"`)
    await queryRunner.query(`DROP TABLE IF EXISTS "contact_message"`)
  }
}
