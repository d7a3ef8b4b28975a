import { generateEntityId, type Logger } from "@medusajs/medusa"
import type { EntityManager } from "typeorm"
import {
  CART_ABANDONED_EVENT,
  CART_REMINDERS_CATEGORY,
  nextCheckAt,
  planWatch,
  watchExpiresAt,
  type CartState,
} from "../core/carts/cart-reminder-schedule"
import type { EngineClock } from "../core/delivery/clock"
import { describeError } from "../core/errors/plugin-errors"
import type { ResolvedOptions } from "../core/options/plugin-options"
import type { PushCartWatch } from "../models/push-cart-watch"
import { CART_DONE_SQL, claimDueWatches } from "../delivery/cart-watch-claims"
import type PushAutomationService from "./push-automation"
import type PushNotificationService from "./push-notification"

type Dependencies = {
  manager: EntityManager
  logger: Logger
  webPushOptions: ResolvedOptions
  webPushClock: EngineClock
  pushNotificationService: PushNotificationService
  pushAutomationService: PushAutomationService
}

/** A cart as the store's database has it now (not as an event said). */
interface CartRow extends CartState {
  customerId: string | null
  /** The cart's customer is a registered account (a guest's customer row is shared between guest checkouts). */
  account: boolean
}

/** The device a cart is registered by. */
export interface WatchingDevice {
  id: string
  customer_id: string | null
  order_id: string | null
  /** An admin's device (admin alerts only) never takes a cart. */
  user_id: string | null
}

/** Watches handled per poller round, per instance. */
const ROUND = 20

/**
 * Abandoned-cart reminders (`abandoned_cart`). Cart events and `POST /store/push/carts` keep one
 * `push_cart_watch` row per cart; the retry poller's round (`processDue`) takes the due rows (each
 * by one instance, `FOR UPDATE SKIP LOCKED`, with a lease), checks the cart in the database, and
 * raises the catalogue's `cart.abandoned` for the step: one message per cart and step (its
 * idempotency key), held, capped and switched by category like any other.
 */
export default class PushCartReminderService {
  private readonly deps_: Dependencies

  constructor(deps: Dependencies) {
    this.deps_ = deps
  }

  /** On or off and the delays, as the options set them unless an admin changed them (Automations). */
  private async settings(): Promise<{ enabled: boolean; delaysMinutes: readonly number[] }> {
    return (await this.deps_.pushAutomationService.settings()).abandoned_cart
  }

  private now(): Date {
    return this.deps_.webPushClock.now()
  }

  /**
   * A cart changed (`cart.created`, `cart.updated`, `cart.customer_updated`; the data is the cart,
   * `{ id }` or the id itself). The steps not yet sent count again from now. A signed-in
   * customer's cart with items is watched from here when the customer has a device taking cart
   * reminders; a guest's only once a device registered it.
   */
  async recordActivity(data: unknown): Promise<void> {
    const settings = await this.settings()
    if (!settings.enabled) return
    const id = typeof data === "string" ? data : (data as { id?: unknown } | null)?.id
    if (typeof id !== "string" || !id) return
    const cart = await this.cartRow(id)
    if (!cart) return
    const create = cart.account && cart.itemCount > 0 && (await this.customerTakesReminders(cart.customerId))
    await this.touch(id, cart, { create, delays: settings.delaysMinutes })
  }

  /**
   * A signed-in customer's device now takes cart reminders (it subscribed, or switched them on):
   * the customer's open carts with items, changed within the reminders' reach (their last delay
   * and a day), are watched from now, as if the shopper had just touched them. A cart already
   * watched keeps its schedule (a storefront syncing its choices moves nothing). Never throws:
   * the device is saved whatever happens here.
   */
  async watchOpenCarts(customerId: string): Promise<void> {
    try {
      const settings = await this.settings()
      if (!settings.enabled) return
      const now = this.now()
      const reachMs = watchExpiresAt(now, settings.delaysMinutes).getTime() - now.getTime()
      const carts: Array<{ id: string }> = await this.deps_.manager.query(
        `SELECT c."id" FROM "cart" c JOIN "customer" cu ON cu."id" = c."customer_id" AND cu."has_account"
         WHERE c."customer_id" = $1 AND NOT ${CART_DONE_SQL}
           AND GREATEST(c."updated_at", (SELECT max(li."updated_at") FROM "line_item" li WHERE li."cart_id" = c."id"))
               > $2::timestamptz - $3 * interval '1 millisecond'
           AND EXISTS (SELECT 1 FROM "line_item" li WHERE li."cart_id" = c."id")
           AND NOT EXISTS (SELECT 1 FROM "push_cart_watch" w WHERE w."cart_id" = c."id")
         ORDER BY c."updated_at" DESC LIMIT 3`,
        [customerId, now, reachMs]
      )
      for (const cart of carts) {
        await this.deps_.manager.query(
          `INSERT INTO "push_cart_watch" ("id", "cart_id", "customer_id", "activity_at", "next_reminder_at")
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT ("cart_id") DO NOTHING`,
          [generateEntityId(undefined, "pushcart"), cart.id, customerId, now, nextCheckAt(now, 0, settings.delaysMinutes)]
        )
      }
    } catch (err) {
      this.deps_.logger.warn(`web-push: the open carts of a customer's new device were not watched: ${describeError(err)}`)
    }
  }

  /**
   * `POST /store/push/carts`: the device (proven by its endpoint and auth secret) asks for the
   * cart's reminders. Nothing is stored for a cart that does not exist, is done with, or belongs to
   * a registered account other than the device's, nor for an admin's device: the caller learns
   * nothing either way.
   */
  async watch(cartId: string, device: WatchingDevice): Promise<void> {
    if (device.user_id) return
    const cart = await this.cartRow(cartId)
    if (!cart || cart.closed) return
    if (cart.account && cart.customerId !== device.customer_id) return
    await this.touch(cartId, cart, { create: true, subscriptionId: device.id, delays: (await this.settings()).delaysMinutes })
  }

  /** `DELETE /store/push/carts`: the device no longer gets this cart's reminders (its customer's devices still may). */
  async unwatch(cartId: string, deviceId: string): Promise<void> {
    await this.deps_.manager.query(
      `UPDATE "push_cart_watch" SET "subscription_id" = NULL, "updated_at" = now() WHERE "cart_id" = $1 AND "subscription_id" = $2`,
      [cartId, deviceId]
    )
  }

  /**
   * Records activity on a watched cart (creating its row when `create`): a done cart is closed, an
   * empty one waits for items (until it expires), any other has its next step counted from now. A
   * watch closed because the cart sat past its last step opens again: the cart is in use again,
   * and the steps already sent stay sent.
   */
  private async touch(
    cartId: string,
    cart: CartRow,
    opts: { create: boolean; subscriptionId?: string; delays: readonly number[] }
  ): Promise<void> {
    const now = this.now()
    const delays = opts.delays
    await this.deps_.manager.transaction(async (tx) => {
      const [row]: PushCartWatch[] = await tx.query(`SELECT * FROM "push_cart_watch" WHERE "cart_id" = $1 FOR UPDATE`, [cartId])
      if (cart.closed) {
        if (row && !row.closed_at)
          await tx.query(`UPDATE "push_cart_watch" SET "closed_at" = $2, "next_reminder_at" = NULL, "updated_at" = now() WHERE "id" = $1`, [
            row.id,
            now,
          ])
        return
      }
      const next = (stepsSent: number) => (cart.itemCount > 0 ? nextCheckAt(now, stepsSent, delays) : watchExpiresAt(now, delays))
      if (!row) {
        if (!opts.create) return
        await tx.query(
          `INSERT INTO "push_cart_watch" ("id", "cart_id", "subscription_id", "customer_id", "activity_at", "next_reminder_at")
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT ("cart_id") DO NOTHING`,
          [generateEntityId(undefined, "pushcart"), cartId, opts.subscriptionId ?? null, cart.customerId, now, next(0)]
        )
        return
      }
      // The first device to register the cart keeps it while it exists: a stranger who learnt a
      // guest's cart id cannot take its reminders away (nor its revenue credit). It gives way once
      // the cart is a registered account's and the device is not that account's.
      await tx.query(
        `UPDATE "push_cart_watch" w SET "subscription_id" = CASE
             WHEN w."subscription_id" IS NULL OR ($6 AND NOT EXISTS (SELECT 1 FROM "push_subscription" s
                    WHERE s."id" = w."subscription_id" AND s."customer_id" IS NOT DISTINCT FROM $3))
             THEN COALESCE($2, w."subscription_id") ELSE w."subscription_id" END,
           "customer_id" = $3, "activity_at" = $4, "next_reminder_at" = $5, "closed_at" = NULL, "updated_at" = now()
         WHERE w."id" = $1`,
        [row.id, opts.subscriptionId ?? null, cart.customerId, now, next(row.steps_sent), cart.account]
      )
    })
  }

  /**
   * The poller's round: takes the watches whose next step is due (each by one instance, leased
   * for `lease_ms`: a crash leaves it to be taken again, and the step's idempotency key keeps it
   * to one message) and sends or reschedules each. Never throws: the rest of the round goes on.
   */
  async processDue(now: Date): Promise<void> {
    const settings = await this.settings()
    if (!settings.enabled) return
    const due = await this.claimDue(now).catch((err: unknown) => {
      this.deps_.logger.error(`web-push: taking due cart reminders failed: ${describeError(err)}`)
      return [] as PushCartWatch[]
    })
    for (const watch of due) {
      await this.remind(watch, now, settings.delaysMinutes).catch((err: unknown) => {
        this.deps_.logger.error(`web-push: cart reminder for watch ${watch.id} failed (taken again after the lease): ${describeError(err)}`)
      })
    }
  }

  private claimDue(now: Date): Promise<PushCartWatch[]> {
    return claimDueWatches(this.deps_.manager, ROUND, this.deps_.webPushOptions.leaseMs, now)
  }

  private async remind(watch: PushCartWatch, now: Date, delays: readonly number[]): Promise<void> {
    const cart = (await this.cartRow(watch.cart_id)) ?? { closed: true, itemCount: 0, customerId: null, account: false }
    const plan = planWatch(cart, { activityAt: new Date(watch.activity_at), stepsSent: watch.steps_sent }, delays, now)
    if (plan.kind === "send")
      await this.deps_.pushNotificationService.handleEvent(CART_ABANDONED_EVENT, { id: watch.cart_id, step: plan.step })
    await this.deps_.manager.transaction(async (tx) => {
      // The row as it is now: activity while the step was being sent reschedules from that activity.
      const [row]: PushCartWatch[] = await tx.query(`SELECT * FROM "push_cart_watch" WHERE "id" = $1 FOR UPDATE`, [watch.id])
      if (!row || row.closed_at) return
      // A watch that expired is not closed when the shopper came back to the cart in the meantime.
      const activityMoved = new Date(row.activity_at).getTime() !== new Date(watch.activity_at).getTime()
      if (plan.kind === "close" && (cart.closed || !activityMoved)) {
        await tx.query(`UPDATE "push_cart_watch" SET "closed_at" = $2, "next_reminder_at" = NULL, "updated_at" = now() WHERE "id" = $1`, [
          row.id,
          now,
        ])
        return
      }
      const stepsSent = plan.kind === "send" ? Math.max(row.steps_sent, plan.step) : row.steps_sent
      const activityAt = new Date(row.activity_at)
      const empty = plan.kind === "idle" || (plan.kind === "close" && cart.itemCount <= 0)
      const next = empty ? watchExpiresAt(activityAt, delays) : nextCheckAt(activityAt, stepsSent, delays)
      await tx.query(`UPDATE "push_cart_watch" SET "steps_sent" = $2, "next_reminder_at" = $3, "updated_at" = now() WHERE "id" = $1`, [
        row.id,
        stepsSent,
        next,
      ])
    })
  }

  /** The cart in the database: done with once completed, ordered, deleted, or not a shopper's cart (a swap's, a draft order's). */
  private async cartRow(cartId: string): Promise<CartRow | null> {
    const [row]: Array<{ closed: boolean; item_count: number; customer_id: string | null; account: boolean | null }> =
      await this.deps_.manager.query(
        `SELECT ${CART_DONE_SQL} AS closed,
                (SELECT COALESCE(sum(li."quantity"), 0)::int FROM "line_item" li WHERE li."cart_id" = c."id") AS item_count,
                c."customer_id", cu."has_account" AS account
         FROM "cart" c LEFT JOIN "customer" cu ON cu."id" = c."customer_id"
         WHERE c."id" = $1`,
        [cartId]
      )
    return row ? { closed: row.closed, itemCount: row.item_count, customerId: row.customer_id, account: row.account === true } : null
  }

  /** Whether a registered customer has a device that takes cart reminders (else their carts are not watched). */
  private async customerTakesReminders(customerId: string | null): Promise<boolean> {
    if (!customerId) return false
    const rows = await this.deps_.manager.query(
      `SELECT 1 FROM "push_subscription" WHERE "customer_id" = $1 AND $2 = ANY("categories") LIMIT 1`,
      [customerId, CART_REMINDERS_CATEGORY]
    )
    return rows.length > 0
  }
}
