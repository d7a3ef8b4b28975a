import { MigrationInterface, QueryRunner } from "typeorm"

/**
 * Every open cart watch now has a next look (`next_reminder_at`): after its last step, or while
 * its cart sits empty, the time it closes. Before, such a watch had none and stayed open for ever,
 * keeping its device. The poller's next round takes the watches left without one and plans each
 * from its cart (closed at once when long past its last step).
 */
export class WebPushCartWatchExpiry1765180800000 implements MigrationInterface {
  name = "WebPushCartWatchExpiry1765180800000"

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Past any reach (the longest delays, 3 steps of at most 30 days, and a day): closed at once.
    await queryRunner.query(
      `UPDATE "push_cart_watch" SET "closed_at" = now(), "updated_at" = now()
       WHERE "closed_at" IS NULL AND "next_reminder_at" IS NULL AND "activity_at" < now() - interval '31 days'`
    )
    await queryRunner.query(
      `UPDATE "push_cart_watch" SET "next_reminder_at" = now(), "updated_at" = now() WHERE "closed_at" IS NULL AND "next_reminder_at" IS NULL`
    )
  }

  public async down(): Promise<void> {
    // Nothing to undo: the earlier code reschedules or leaves each watch as it finds it.
  }
}
