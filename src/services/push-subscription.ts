import { generateEntityId, TransactionBaseService } from "@medusajs/medusa"
import type { EntityManager } from "typeorm"
import { ConflictError, InvalidRequestError, NotFoundError, UnauthorizedError } from "../core/errors/api-errors"
import { RetireRule, retireCutoff } from "../core/delivery/device-rules"
import type { AudienceSpec } from "../core/delivery/audience"
import { isHeldCategory } from "../core/delivery/hold-policy"
import { ACTIVE_ADMIN_SQL, audienceCondition } from "../delivery/audience-sql"
import { heldOpensSql } from "../delivery/delivery-window"
import { PublicSubscription, toPublicSubscription } from "../core/subscriptions/public-subscription"
import { ownerKey, ownerOf, SubscriptionOwner } from "../core/subscriptions/subscription-owner"
import type { PushSubscription } from "../models/push-subscription"
import type { ResolvedOptions } from "../core/options/plugin-options"
import type { EngineClock } from "../core/delivery/clock"
import { findGoneDevice, removeGoneDevice, takeGoneDevice } from "../delivery/gone-devices"

/** What the browser's `PushSubscription.toJSON()` gives, validated, plus the owner's choices. */
export interface SubscriptionInput {
  readonly endpoint: string
  readonly p256dh: string
  readonly auth: string
  readonly expirationTime: Date | null
  readonly categories?: string[]
  readonly locale?: string
  readonly cartId?: string
  /** IANA time zone of the device, for delivery windows. */
  readonly timeZone?: string
}

export interface DevicePreferences {
  categories?: string[]
  locale?: string
  time_zone?: string
}

/**
 * What a device asked for of its own (product alerts, a watched cart) follows it to the device
 * that replaces it (a renewed subscription); an alert the new device already has stays single.
 */
async function moveDeviceRequests(manager: EntityManager, fromId: string, toId: string): Promise<void> {
  await manager.query(
    `UPDATE "push_variant_alert" a SET "subscription_id" = $2 WHERE a."subscription_id" = $1
       AND NOT (a."message_id" IS NULL AND EXISTS (SELECT 1 FROM "push_variant_alert" b WHERE b."subscription_id" = $2
                AND b."variant_id" = a."variant_id" AND b."kind" = a."kind" AND b."message_id" IS NULL))`,
    [fromId, toId]
  )
  await manager.query(`UPDATE "push_cart_watch" SET "subscription_id" = $2 WHERE "subscription_id" = $1`, [fromId, toId])
}

/**
 * A renewed device keeps its history: the notifications the device it replaces clicked (an order
 * after the renewal is still credited to what the reader clicked before it), and the date it first
 * subscribed (`since`). Answers the renewed device's `created_at`.
 */
async function keepDeviceHistory(manager: EntityManager, fromId: string | null, toId: string, since: Date | null): Promise<Date | null> {
  if (fromId !== null && fromId !== toId) {
    await manager.query(
      `UPDATE "push_delivery" d SET "subscription_id" = $2 WHERE d."subscription_id" = $1 AND d."clicked_at" IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM "push_delivery" o WHERE o."message_id" = d."message_id" AND o."subscription_id" = $2)`,
      [fromId, toId]
    )
  }
  if (!since) return null
  const [[kept]]: [Array<{ created_at: Date }>, number] = await manager.query(
    `UPDATE "push_subscription" SET "created_at" = LEAST("created_at", $2) WHERE "id" = $1 RETURNING "created_at"`,
    [toId, since]
  )
  return kept?.created_at ?? null
}

type Dependencies = { manager: EntityManager; webPushOptions: ResolvedOptions; webPushClock: EngineClock }

/**
 * The device a renewal replaces: a registered one, or one the push service said is gone (no row
 * any more, `id` null), whose owner and choices were kept for its renewal under its proof.
 */
type DeviceChoices = Pick<
  PushSubscription,
  "customer_id" | "user_id" | "order_id" | "guest_expires_at" | "categories" | "locale" | "time_zone" | "user_agent"
>
export type PreviousDevice = DeviceChoices &
  ({ id: string; created_at: Date; goneProof?: undefined } | { id: null; goneProof: { readonly endpoint: string; readonly auth: string } })

/** Who a broadcast reaches: now, or when each reader's delivery window opens. */
export interface AudienceReach {
  recipient_count: number
  sending_now: number
  held_for_window: number
  /** The earliest opening among the held devices; null when none is held. */
  next_window_opens_at: Date | null
}

export interface SubscriptionFilter {
  customer_id?: string
  user_id?: string
  owner_type?: "customer" | "admin"
}

/** A device as registered: `new_endpoint` when its endpoint was not known to the store (a row inserted, not updated). */
export type RegisteredDevice = PushSubscription & { new_endpoint: boolean }

/** Categories a new device receives when its owner chose none. */
export const DEFAULT_CATEGORIES = { customer: ["order_updates", "cart_reminders"], admin: ["store_alerts"] } as const

/** Devices that agreed to receive pushes: register, remove, list, and the sender's bookkeeping. */
export default class PushSubscriptionService extends TransactionBaseService {
  private readonly deps_: Dependencies

  constructor(container: Dependencies) {
    super(container)
    this.deps_ = container
  }

  /** Read when needed: the options are resolved only on the paths that use them. */
  private get options(): ResolvedOptions {
    return this.deps_.webPushOptions
  }

  /**
   * Registers a device, or updates it when the endpoint is known. An endpoint already held by
   * another owner is only taken over by whoever also holds its auth secret; otherwise `null`.
   * A customer or an admin keeps at most `max_devices_per_owner` devices: the least recently
   * registered go. A guest's order takes at most as many and then refuses more (409): its
   * cart_id is known to whoever reads the order lookup, who must not push the real guest's
   * devices out. An admin who was removed registers nothing.
   */
  async upsert(
    input: SubscriptionInput,
    owner: SubscriptionOwner,
    userAgent: string | null,
    /** The device this one replaces (a renewal): it goes next, so it is not counted. */
    replacingId: string | null = null
  ): Promise<RegisteredDevice | null> {
    return this.atomicPhase_(async (manager) => {
      if ("user_id" in owner && !(await this.withTransaction(manager).isActiveAdmin(owner.user_id))) {
        throw new UnauthorizedError("This admin account was removed; it cannot register devices")
      }
      if ("order_id" in owner) await this.withTransaction(manager).assertGuestRoom(owner.order_id, input.endpoint)
      const saved = await this.withTransaction(manager).upsertOne(input, owner, userAgent)
      if (saved) await this.withTransaction(manager).keepNewest(owner, saved.id, replacingId)
      return saved
    })
  }

  /** Refuses one more device for a guest's order that already has `max_devices_per_owner` (another endpoint than this one). */
  private async assertGuestRoom(orderId: string, endpoint: string): Promise<void> {
    const max = this.options.maxDevicesPerOwner
    const [{ count }] = await this.activeManager_.query(
      `SELECT count(*)::int AS count FROM "push_subscription" WHERE "order_id" = $1 AND "endpoint" <> $2`,
      [orderId, endpoint]
    )
    if (count >= max) {
      throw new ConflictError(`This order already has ${max} devices with notifications on; turn one off first`, "cart_id")
    }
  }

  /**
   * Removes the owner's devices beyond `max_devices_per_owner`, never the one just saved. Guest
   * devices count per order, so they never evict a customer's own devices.
   */
  private async keepNewest(owner: SubscriptionOwner, savedId: string, replacingId: string | null): Promise<void> {
    const max = this.options.maxDevicesPerOwner
    const key = ownerKey(owner)
    if (!key) return // a visitor's devices have no owner to count them by (the `subscribe_per_minute` limit on asking bounds them)
    const [column, value] = key
    await this.activeManager_.query(
      `DELETE FROM "push_subscription" WHERE "id" IN (
         SELECT "id" FROM "push_subscription" WHERE "${column}" = $1 AND "id" IS DISTINCT FROM $4
         ORDER BY ("id" = $2) DESC, "updated_at" DESC, "created_at" DESC, "id" DESC
         OFFSET $3)`,
      [value, savedId, max, replacingId]
    )
  }

  private async upsertOne(input: SubscriptionInput, owner: SubscriptionOwner, userAgent: string | null): Promise<RegisteredDevice | null> {
    const customerId = "customer_id" in owner ? owner.customer_id : null
    const userId = "user_id" in owner ? owner.user_id : null
    const guest = "order_id" in owner ? owner : null
    const defaults = userId ? DEFAULT_CATEGORIES.admin : DEFAULT_CATEGORIES.customer
    const rows: RegisteredDevice[] = await this.activeManager_.query(
      `INSERT INTO "push_subscription" AS s
         ("id", "endpoint", "p256dh", "auth", "customer_id", "user_id", "categories", "locale", "user_agent", "expiration_time", "time_zone",
          "order_id", "guest_expires_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $12, $13, $14)
       ON CONFLICT ("endpoint") DO UPDATE SET
         "p256dh" = EXCLUDED."p256dh", "auth" = EXCLUDED."auth",
         "customer_id" = CASE WHEN $15 THEN s."customer_id" ELSE EXCLUDED."customer_id" END,
         "user_id" = CASE WHEN $15 THEN s."user_id" ELSE EXCLUDED."user_id" END,
         "order_id" = CASE WHEN $15 THEN s."order_id" ELSE EXCLUDED."order_id" END,
         "guest_expires_at" = CASE WHEN $15 THEN s."guest_expires_at" ELSE EXCLUDED."guest_expires_at" END,
         "categories" = CASE WHEN $11 THEN EXCLUDED."categories" ELSE s."categories" END,
         "locale" = COALESCE(EXCLUDED."locale", s."locale"),
         "user_agent" = COALESCE(EXCLUDED."user_agent", s."user_agent"),
         "time_zone" = COALESCE(EXCLUDED."time_zone", s."time_zone"),
         "expiration_time" = EXCLUDED."expiration_time",
         "consecutive_failures" = 0, "first_failure_at" = NULL, "updated_at" = now()
       WHERE s."auth" = EXCLUDED."auth"
          OR (s."customer_id" IS NOT DISTINCT FROM EXCLUDED."customer_id" AND s."user_id" IS NOT DISTINCT FROM EXCLUDED."user_id"
              AND s."order_id" IS NOT DISTINCT FROM EXCLUDED."order_id"
              -- Visitors' devices have no owner in common: only the auth secret proves one.
              AND COALESCE(EXCLUDED."customer_id", EXCLUDED."user_id", EXCLUDED."order_id") IS NOT NULL)
       RETURNING *, (xmax = 0) AS "new_endpoint"`,
      [
        generateEntityId(undefined, "pushsub"),
        input.endpoint,
        input.p256dh,
        input.auth,
        customerId,
        userId,
        input.categories ?? [...defaults],
        input.locale ?? null,
        userAgent,
        input.expirationTime,
        input.categories !== undefined,
        input.timeZone ?? null,
        guest?.order_id ?? null,
        guest?.guest_expires_at ?? null,
        // A visitor's registration (by proof of the same auth secret) keeps the owner a device already has.
        "visitor" in owner,
      ]
    )
    return rows[0] ?? null
  }

  /** The device that holds both this endpoint and this auth secret. */
  async findByProof(endpoint: string, auth: string): Promise<PushSubscription | undefined> {
    const rows: PushSubscription[] = await this.activeManager_.query(
      `SELECT * FROM "push_subscription" WHERE "endpoint" = $1 AND "auth" = $2`,
      [endpoint, auth]
    )
    return rows[0]
  }

  /**
   * The browser replaced a subscription (`pushsubscriptionchange`): the new one takes over the old
   * one's owner (a guest's order and its expiry included), categories and locale, and the old one
   * is removed, in one transaction: when the new endpoint is held by another owner, nothing changes
   * and the answer is a conflict. A removed admin's device is deleted instead of renewed.
   */
  async replace(previous: PreviousDevice, input: SubscriptionInput, userAgent: string | null): Promise<PushSubscription> {
    if (previous.user_id && !(await this.isActiveAdmin(previous.user_id))) {
      await this.removeDepartedAdmins({ kind: "user", userId: previous.user_id })
      throw new NotFoundError("This device's admin account was removed; the device is deleted")
    }
    return this.atomicPhase_(async (manager) => {
      // A gone device's record serves one renewal: taken here, so that a renewal that fails keeps it.
      const gone = previous.goneProof
        ? await takeGoneDevice(manager, previous.goneProof.endpoint, previous.goneProof.auth, this.now())
        : null
      if (previous.goneProof && !gone) throw new NotFoundError("The previous subscription is unknown; subscribe again")
      const tx = this.withTransaction(manager)
      const saved = await tx.upsert(
        {
          ...input,
          categories: input.categories ?? previous.categories,
          locale: input.locale ?? previous.locale ?? undefined,
          timeZone: input.timeZone ?? previous.time_zone ?? undefined,
        },
        ownerOf(previous),
        userAgent ?? previous.user_agent,
        previous.id
      )
      // Thrown inside the transaction, so nothing is changed.
      if (!saved) throw new ConflictError("The new endpoint is registered to another owner", "subscription.endpoint")
      if (previous.id !== null && saved.id !== previous.id) {
        await moveDeviceRequests(manager, previous.id, saved.id)
        const since = await keepDeviceHistory(manager, previous.id, saved.id, previous.created_at)
        if (since) saved.created_at = since
        await manager.query(`DELETE FROM "push_subscription" WHERE "id" = $1`, [previous.id])
      } else if (gone) {
        // The device the push service said was gone: its requests went with it, its history did not.
        const since = await keepDeviceHistory(manager, gone.subscription_id, saved.id, gone.subscribed_at)
        if (since) saved.created_at = since
      }
      return saved
    })
  }

  /**
   * The device a renewal proves with `endpoint` and `auth` when the push service said it is gone
   * (it was removed): its owner and choices (see `gone-devices`); `replace` takes them.
   */
  async findGone(endpoint: string, auth: string): Promise<PreviousDevice | undefined> {
    const gone = await findGoneDevice(this.activeManager_, endpoint, auth, this.now())
    return gone ? { ...gone, id: null, goneProof: { endpoint, auth } } : undefined
  }

  private now(): Date {
    return this.deps_.webPushClock.now()
  }

  /** Whether this admin user exists and was not deleted (Medusa soft-deletes users). */
  async isActiveAdmin(userId: string): Promise<boolean> {
    const rows = await this.activeManager_.query(`SELECT 1 FROM "user" WHERE "id" = $1 AND "deleted_at" IS NULL`, [userId])
    return rows.length > 0
  }

  /**
   * Removes the devices of admins who were deleted or no longer exist, when an admin or
   * single-user audience is about to be sent to (other audiences have no admin devices).
   * Returns how many were removed.
   */
  async removeDepartedAdmins(audience: AudienceSpec): Promise<number> {
    if (audience.kind !== "admin" && audience.kind !== "user") return 0
    const [, count] = await this.activeManager_.query(
      `DELETE FROM "push_subscription" s WHERE s."user_id" IS NOT NULL AND NOT ${ACTIVE_ADMIN_SQL}`,
      []
    )
    return count
  }

  /** Removes the device that holds both this endpoint and this auth secret; returns whether one was removed. */
  async removeByProof(endpoint: string, auth: string): Promise<boolean> {
    const [, count] = await this.activeManager_.query(`DELETE FROM "push_subscription" WHERE "endpoint" = $1 AND "auth" = $2`, [
      endpoint,
      auth,
    ])
    return count > 0
  }

  /** Removes any device by id (an admin's action); returns whether one was removed. */
  async removeById(id: string): Promise<boolean> {
    const [, count] = await this.activeManager_.query(`DELETE FROM "push_subscription" WHERE "id" = $1`, [id])
    return count > 0
  }

  /** Removes an owner's device by id; returns whether one was removed. */
  async removeOwned(id: string, owner: SubscriptionOwner): Promise<boolean> {
    const key = ownerKey(owner)
    if (!key) return false
    const [column, value] = key
    const [, count] = await this.activeManager_.query(`DELETE FROM "push_subscription" WHERE "id" = $1 AND "${column}" = $2`, [id, value])
    return count > 0
  }

  /** A push service answered 404/410: the device is gone. Matched on id and endpoint, so a fresh re-subscribe survives. */
  /** The push service said the device is gone (404/410): removed, what its renewal needs kept a while (see `gone-devices`). */
  async removeGone(id: string, endpoint: string): Promise<void> {
    await removeGoneDevice(this.activeManager_, id, endpoint, this.now())
  }

  async list(filter: SubscriptionFilter, page: { limit: number; offset: number }): Promise<[PublicSubscription[], number]> {
    const where: string[] = []
    const params: unknown[] = []
    if (filter.customer_id) where.push(`"customer_id" = $${params.push(filter.customer_id)}`)
    if (filter.user_id) where.push(`"user_id" = $${params.push(filter.user_id)}`)
    // Storefront devices: signed-in customers' and guests' (bound to an order).
    if (filter.owner_type === "customer") where.push(`("customer_id" IS NOT NULL OR "order_id" IS NOT NULL)`)
    if (filter.owner_type === "admin") where.push(`"user_id" IS NOT NULL`)
    const clause = where.length ? `WHERE ${where.join(" AND ")}` : ""
    const rows: PushSubscription[] = await this.activeManager_.query(
      `SELECT * FROM "push_subscription" ${clause} ORDER BY "created_at" DESC, "id" LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, page.limit, page.offset]
    )
    const [{ count }] = await this.activeManager_.query(`SELECT count(*)::int AS count FROM "push_subscription" ${clause}`, params)
    return [rows.map(toPublicSubscription), count]
  }

  /** Whether any device belongs to this audience (nothing is recorded for an empty one). */
  async hasAudience(spec: AudienceSpec): Promise<boolean> {
    const { sql, params } = audienceCondition(spec, 1)
    const rows = await this.activeManager_.query(`SELECT 1 FROM "push_subscription" s WHERE ${sql} LIMIT 1`, params)
    return rows.length > 0
  }

  /** The languages of an audience's devices (`null` for a device that did not say). */
  async audienceLocales(spec: AudienceSpec): Promise<Array<string | null>> {
    const { sql, params } = audienceCondition(spec, 1)
    const rows: Array<{ locale: string | null }> = await this.activeManager_.query(
      `SELECT DISTINCT s."locale" FROM "push_subscription" s WHERE ${sql} LIMIT 50`,
      params
    )
    return rows.map((r) => r.locale)
  }

  /** Refuses a time zone the database cannot compute with (its zone list can differ from Node's). */
  async assertTimeZoneKnown(zone: string | undefined): Promise<void> {
    if (zone === undefined) return
    const known = await this.activeManager_.query(`SELECT now() AT TIME ZONE $1 AS t`, [zone]).then(
      () => true,
      () => false
    )
    if (!known) throw new InvalidRequestError("time_zone", `time_zone "${zone.slice(0, 64)}" is not a time zone this store knows`)
  }

  /** Changes what a device receives, in which language and by which clock. */
  async updatePreferences(id: string, preferences: DevicePreferences): Promise<PushSubscription | undefined> {
    const [rows]: [PushSubscription[], number] = await this.activeManager_.query(
      `UPDATE "push_subscription" SET
         "categories" = COALESCE($2, "categories"), "locale" = COALESCE($3, "locale"),
         "time_zone" = COALESCE($4, "time_zone"), "updated_at" = now()
       WHERE "id" = $1 RETURNING *`,
      [id, preferences.categories ?? null, preferences.locale ?? null, preferences.time_zone ?? null]
    )
    return rows[0]
  }

  /** How many devices belong to this audience. */
  async countAudience(spec: AudienceSpec): Promise<number> {
    const { sql, params } = audienceCondition(spec, 1)
    const [{ count }] = await this.activeManager_.query(`SELECT count(*)::int AS count FROM "push_subscription" s WHERE ${sql}`, params)
    return count
  }

  /**
   * An audience's devices at `at` (the engine's time): how many are inside their delivery window
   * (or the category is not held) and get it now, how many wait, and the earliest opening among
   * those (null when none waits). One aggregate query, no ids in memory.
   */
  async countAudienceByWindow(spec: AudienceSpec, category: string | null, at: Date): Promise<AudienceReach> {
    const { sql, params } = audienceCondition(spec, 1)
    const { preferences } = this.options
    const held = isHeldCategory(category, preferences)
    const opens = heldOpensSql(category, preferences, `$${params.length + 1}`)
    const [row]: Array<{ total: number; held: number; next_opens: Date | null }> = await this.activeManager_.query(
      `SELECT count(*)::int AS total, count(w.opens)::int AS held, min(w.opens) AS next_opens
       FROM "push_subscription" s, LATERAL (SELECT ${opens} AS opens) w
       WHERE ${sql}`,
      held ? [...params, at] : params
    )
    return {
      recipient_count: row.total,
      sending_now: row.total - row.held,
      held_for_window: row.held,
      next_window_opens_at: row.next_opens ? new Date(row.next_opens) : null,
    }
  }

  /**
   * Retires, among `ids`, the devices the retire rule (`core/delivery/device-rules`) retires at
   * `now`: a run of failures that point at them long enough, and old enough.
   */
  async retireFailing(ids: string[], rule: RetireRule, now: Date): Promise<number> {
    const [, count] = await this.activeManager_.query(
      `DELETE FROM "push_subscription"
       WHERE "id" = ANY($1) AND "consecutive_failures" >= $2 AND "first_failure_at" <= $3`,
      [ids, rule.retireAfterFailures, retireCutoff(rule, now)]
    )
    return count
  }
}
