import type { PushCartWatch } from "../models/push-cart-watch"
import type { Db } from "./db"

/**
 * Claims watched carts whose next reminder step is due at $1, at most $3, leased for $2 ms (their
 * `next_reminder_at` moves to the lease's end: a crash leaves them to be taken again); rows another
 * instance is claiming are skipped. Runs every `retry_poll_ms` on every instance: the inner query
 * must be answerable from the partial index `IDX_push_cart_watch_due` (`next_reminder_at` where
 * `closed_at IS NULL`).
 */
export const DUE_CART_WATCH_SQL = `UPDATE "push_cart_watch" SET "next_reminder_at" = $1::timestamptz + $2 * interval '1 millisecond', "updated_at" = now()
  WHERE "id" IN (SELECT "id" FROM "push_cart_watch" WHERE "closed_at" IS NULL AND "next_reminder_at" <= $1
                 ORDER BY "next_reminder_at" LIMIT $3 FOR UPDATE SKIP LOCKED)
  RETURNING *`

/**
 * SQL (on `cart c`): the cart is done with: completed, ordered from, deleted, or not a shopper's
 * cart (a swap's, a draft order's). A reminder about it is no longer sent, even one held for the
 * reader's delivery window.
 */
export const CART_DONE_SQL = `(c."completed_at" IS NOT NULL OR c."deleted_at" IS NOT NULL OR c."type" <> 'default'
  OR EXISTS (SELECT 1 FROM "order" o WHERE o."cart_id" = c."id"))`

/** Claims up to `limit` watched carts whose next step is due at `now` (the poller's round). */
export async function claimDueWatches(db: Db, limit: number, leaseMs: number, now: Date): Promise<PushCartWatch[]> {
  const [claimed] = await db.query<[PushCartWatch[], number]>(DUE_CART_WATCH_SQL, [now, leaseMs, limit])
  return claimed
}
