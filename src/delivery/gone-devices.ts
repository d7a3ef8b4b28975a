import type { Db } from "./db"

/**
 * Devices the push service said are gone (404/410). The device row is removed at once, so nothing
 * is sent to it again; what proved it and whom it belonged to is kept for `GONE_KEPT_DAYS` in
 * `push_subscription_gone`, hashed: the browser's renewal (`pushsubscriptionchange`) often comes
 * after the store's next send met the dropped endpoint, and still proves the old subscription with
 * its endpoint and auth secret, so the new one keeps the device's owner and choices. A visitor's
 * device (no owner) keeps nothing: all it had were its requests, which went with it.
 */
export const GONE_KEPT_DAYS = 30

/** What a gone device leaves for its renewal: its owner and its choices. */
export interface GoneDevice {
  customer_id: string | null
  user_id: string | null
  order_id: string | null
  guest_expires_at: Date | null
  categories: string[]
  locale: string | null
  time_zone: string | null
  user_agent: string | null
}

const hash = (param: string): string => `encode(sha256(convert_to(${param}, 'UTF8')), 'hex')`

/** The columns of a device kept for its renewal (`GoneDevice`), as `push_subscription` and `push_subscription_gone` name them. */
const KEPT = ["customer_id", "user_id", "order_id", "guest_expires_at", "categories", "locale", "time_zone", "user_agent"] as const
const columns = (prefix = ""): string => KEPT.map((c) => `${prefix}"${c}"`).join(", ")

/** What a renewal takes besides the owner and choices: the gone device's id (its clicks) and when it first subscribed. */
export interface GoneDeviceHistory {
  subscription_id: string | null
  subscribed_at: Date | null
}

/** The columns written on removal and updated when the same endpoint goes again. */
const WRITTEN = ["auth_hash", ...KEPT, "subscription_id", "subscribed_at", "removed_at"]

/**
 * Removes the device that holds this id and endpoint (not a fresh re-subscription of it), keeping
 * what its renewal needs; in the same statement, records older than `GONE_KEPT_DAYS` are dropped
 * (another endpoint's: this one's is written anew).
 */
export async function removeGoneDevice(db: Db, id: string, endpoint: string, now: Date): Promise<void> {
  await db.query(
    `WITH gone AS (DELETE FROM "push_subscription" WHERE "id" = $1 AND "endpoint" = $2 RETURNING *),
     expired AS (DELETE FROM "push_subscription_gone"
                 WHERE "removed_at" < $3::timestamptz - $4 * interval '1 day' AND "endpoint_hash" <> ${hash("$2::text")})
     INSERT INTO "push_subscription_gone" ("endpoint_hash", "auth_hash", ${columns()}, "subscription_id", "subscribed_at", "removed_at")
     SELECT ${hash(`g."endpoint"`)}, ${hash(`g."auth"`)}, ${columns("g.")}, g."id", g."created_at", $3
     FROM gone g WHERE COALESCE(g."customer_id", g."user_id", g."order_id") IS NOT NULL
     ON CONFLICT ("endpoint_hash") DO UPDATE SET
       ${WRITTEN.map((c) => `"${c}" = EXCLUDED."${c}"`).join(", ")}`,
    [id, endpoint, now, GONE_KEPT_DAYS]
  )
}

/** The proof matches, it went less than `GONE_KEPT_DAYS` ago, and (a guest's) its order's subscription has not ended. */
const USABLE = `"endpoint_hash" = ${hash("$1::text")} AND "auth_hash" = ${hash("$2::text")}
  AND "removed_at" > $3::timestamptz - $4 * interval '1 day' AND ("guest_expires_at" IS NULL OR "guest_expires_at" > $3)`

/** What a gone device left, when `endpoint` and `auth` are its proof (see `USABLE`); a wrong auth secret finds nothing. */
export async function findGoneDevice(db: Db, endpoint: string, auth: string, now: Date): Promise<GoneDevice | undefined> {
  const rows = await db.query<GoneDevice[]>(`SELECT ${columns()} FROM "push_subscription_gone" WHERE ${USABLE}`, [
    endpoint,
    auth,
    now,
    GONE_KEPT_DAYS,
  ])
  return rows[0]
}

/**
 * Takes what a gone device left, so that it serves one renewal: called in the renewal's
 * transaction, so that a renewal that fails keeps it. Its id and first subscription date, or null
 * when it was no longer there to take.
 */
export async function takeGoneDevice(db: Db, endpoint: string, auth: string, now: Date): Promise<GoneDeviceHistory | null> {
  const [rows] = await db.query<[GoneDeviceHistory[], number]>(
    `DELETE FROM "push_subscription_gone" WHERE ${USABLE} RETURNING "subscription_id", "subscribed_at"`,
    [endpoint, auth, now, GONE_KEPT_DAYS]
  )
  return rows[0] ?? null
}
