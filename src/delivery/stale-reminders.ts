import { CART_ABANDONED_EVENT } from "../core/carts/cart-reminder-schedule"
import type { PushMessage } from "../models/push-message"
import { CART_DONE_SQL } from "./cart-watch-claims"
import type { Db } from "./db"

/** Why a delivery of a cart's reminder is not sent: the cart was completed (or emptied) since. */
export const CART_DONE_REASON = "cart_done"

/**
 * Of these messages, the cart reminders whose cart is done with or empty now, checked at send
 * time: a reminder held for the reader's delivery window (or retried) is never sent once the
 * shopper has bought the cart.
 */
export async function staleCartReminders(db: Db, messages: Iterable<PushMessage>): Promise<Set<string>> {
  const reminders = [...messages].filter((m) => m.event_name === CART_ABANDONED_EVENT && m.resource_id)
  if (reminders.length === 0) return new Set()
  const rows = await db.query<Array<{ id: string }>>(
    `SELECT m."id" FROM "push_message" m
     LEFT JOIN "cart" c ON c."id" = m."resource_id"
     WHERE m."id" = ANY($1)
       AND (c."id" IS NULL OR ${CART_DONE_SQL} OR NOT EXISTS (SELECT 1 FROM "line_item" li WHERE li."cart_id" = c."id"))`,
    [reminders.map((m) => m.id)]
  )
  return new Set(rows.map((r) => r.id))
}
