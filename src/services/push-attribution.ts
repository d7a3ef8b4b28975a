import { generateEntityId, type OrderService } from "@medusajs/medusa"
import type { EntityManager } from "typeorm"
import type { EngineClock } from "../core/delivery/clock"
import type { ResolvedOptions } from "../core/options/plugin-options"
import type { PushAttribution } from "../models/push-attribution"

type Dependencies = {
  manager: EntityManager
  orderService: OrderService
  webPushOptions: ResolvedOptions
  webPushClock: EngineClock
}

/** The event an order is credited on (subscribed by the loader apart from the catalogue's rules). */
export const ATTRIBUTION_EVENT = "order.placed"

/**
 * Devices whose clicks an order `$1` (customer `$2`, cart `$3`, `$10`: the customer has an
 * account) can be credited to: the signed-in customer's devices, and the device that registered
 * the order's cart (`watchCart`, a guest's too) unless the order is a registered account's and the
 * device is not theirs (the rule the cart's reminders follow: such a device is no longer told about
 * the cart, so it earns nothing from it). A guest device that subscribed from an order's
 * confirmation page belongs to that order alone and only exists after it, so it never credits it;
 * and Medusa's guest customer row, shared by every guest order with the same e-mail, owns no device
 * (a device's customer is a signed-in one).
 */
const CREDITED_DEVICES = `
  SELECT s."id" FROM "push_subscription" s WHERE $2::text IS NOT NULL AND s."customer_id" = $2::text
  UNION
  SELECT w."subscription_id" FROM "push_cart_watch" w
  JOIN "push_subscription" ws ON ws."id" = w."subscription_id"
  WHERE $3::text IS NOT NULL AND w."cart_id" = $3::text AND (NOT $10::boolean OR ws."customer_id" IS NOT DISTINCT FROM $2::text)`

/**
 * Revenue attribution: an order placed within `attribution_window_hours` after a click on a
 * notification, by the clicking device's customer or from the cart that device registered, is
 * credited to that notification (the last click before the order wins), with the order's total.
 */
export default class PushAttributionService {
  private readonly deps_: Dependencies

  constructor(deps: Dependencies) {
    this.deps_ = deps
  }

  /**
   * Credits order `orderId` to the last click before it, if one falls within the window; the
   * order's time is the engine's clock now (the event is handled seconds after the order is
   * placed). Once per order: a redelivered event credits nothing more. Returns the attribution
   * made now, or null (none, already made, or attribution off).
   */
  async attributeOrder(orderId: string): Promise<PushAttribution | null> {
    const { manager, webPushOptions, webPushClock } = this.deps_
    const hours = webPushOptions.attributionWindowHours
    if (hours === 0) return null
    const [seen] = await manager.query(`SELECT 1 FROM "push_attribution" WHERE "order_id" = $1`, [orderId])
    if (seen) return null
    const order = await this.deps_.orderService.retrieveWithTotals(orderId, { relations: ["customer"] })
    if (typeof order.total !== "number" || !order.currency_code) return null
    const placedAt = webPushClock.now()
    const rows: PushAttribution[] = await manager.query(
      `INSERT INTO "push_attribution"
         ("id", "order_id", "message_id", "delivery_id", "subscription_id", "customer_id", "clicked_at", "attributed_at", "total", "currency_code")
       SELECT $4, $1, d."message_id", d."id", d."subscription_id", $2::text, d."clicked_at", $5::timestamptz, $7, $8
       FROM "push_delivery" d
       WHERE d."subscription_id" IN (${CREDITED_DEVICES})
         AND d."clicked_at" IS NOT NULL
         -- A notification about this very order (its confirmation, clicked after it was placed) earns nothing.
         AND NOT EXISTS (SELECT 1 FROM "push_message" om WHERE om."id" = d."message_id" AND om."resource_id" = $9::text)
         AND d."clicked_at" <= $5 AND d."clicked_at" > $5::timestamptz - $6 * interval '1 hour'
       ORDER BY d."clicked_at" DESC, d."id" DESC
       LIMIT 1
       ON CONFLICT ("order_id") DO NOTHING
       RETURNING *`,
      [
        order.id,
        order.customer_id ?? null,
        order.cart_id ?? null,
        generateEntityId(undefined, "pushattr"),
        placedAt,
        hours,
        Math.round(order.total),
        order.currency_code.toLowerCase(),
        order.id,
        order.customer?.has_account === true,
      ]
    )
    return rows[0] ?? null
  }

  /** The `order.placed` handler: data without an order id is ignored; a failure is thrown to the event bus (Redis retries it). */
  async handleOrderPlaced(data: unknown): Promise<void> {
    const id = (data as { id?: unknown } | null | undefined)?.id
    if (typeof id !== "string" || !id) return
    await this.attributeOrder(id)
  }
}
