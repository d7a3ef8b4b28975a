/**
 * Who a device belongs to: a signed-in customer, a guest's order (until `guest_expires_at`), an
 * admin user, or nobody: a visitor's device, registered by asking for something of its own (a
 * product alert), which receives only what it asked for (never a broadcast or an order's news).
 */
export type SubscriptionOwner =
  { customer_id: string } | { order_id: string; guest_expires_at: Date } | { user_id: string } | { visitor: true }

/** The column (and value) that says which owner a device belongs to; the device cap counts per owner (a visitor's device has none). */
export function ownerKey(owner: SubscriptionOwner): ["customer_id" | "order_id" | "user_id", string] | null {
  if ("customer_id" in owner) return ["customer_id", owner.customer_id]
  if ("order_id" in owner) return ["order_id", owner.order_id]
  if ("user_id" in owner) return ["user_id", owner.user_id]
  return null
}

/** The owner columns of a stored device (a `push_subscription` row). */
export interface OwnerColumns {
  customer_id: string | null
  order_id: string | null
  guest_expires_at: Date | null
  user_id: string | null
}

/** The owner a stored device belongs to. */
export function ownerOf(row: OwnerColumns): SubscriptionOwner {
  if (row.customer_id) return { customer_id: row.customer_id }
  if (row.order_id) return { order_id: row.order_id, guest_expires_at: row.guest_expires_at ?? new Date(0) }
  if (row.user_id) return { user_id: row.user_id }
  return { visitor: true }
}
