/** What an API may show of a device: never the endpoint (a capability URL) nor its keys. */
export interface PublicSubscription {
  id: string
  customer_id: string | null
  /** A guest's device: the order it receives notifications about, until `guest_expires_at`. */
  order_id: string | null
  guest_expires_at: Date | null
  user_id: string | null
  categories: string[]
  locale: string | null
  user_agent: string | null
  time_zone: string | null
  push_service: string
  created_at: Date
  updated_at: Date
  last_success_at: Date | null
  expiration_time: Date | null
}

/** What the view reads of a stored device (a `push_subscription` row). */
export type StoredDevice = Omit<PublicSubscription, "push_service"> & { endpoint: string }

/** The API view of a stored device. */
export function toPublicSubscription(row: StoredDevice): PublicSubscription {
  let pushService = "unknown"
  try {
    pushService = new URL(row.endpoint).hostname
  } catch {
    // stays "unknown"
  }
  return {
    id: row.id,
    customer_id: row.customer_id,
    order_id: row.order_id,
    guest_expires_at: row.guest_expires_at,
    user_id: row.user_id,
    categories: row.categories,
    locale: row.locale,
    user_agent: row.user_agent,
    time_zone: row.time_zone,
    push_service: pushService,
    created_at: row.created_at,
    updated_at: row.updated_at,
    last_success_at: row.last_success_at,
    expiration_time: row.expiration_time,
  }
}
