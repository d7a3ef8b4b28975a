import { generateEntityId, type PricingService, type ProductVariantService, type RegionService } from "@medusajs/medusa"
import type { EntityManager } from "typeorm"
import type { ProductAlertKind, VariantLike } from "../core/catalogue/product-alerts"
import type PushVariantStockService from "./push-variant-stock"
import { ConflictError, InvalidRequestError } from "../core/errors/api-errors"
import type { ResolvedOptions } from "../core/options/plugin-options"
import type { PushSubscription } from "../models/push-subscription"

type Dependencies = {
  manager: EntityManager
  webPushOptions: ResolvedOptions
  productVariantService: ProductVariantService
  regionService: RegionService
  pricingService: PricingService
  pushVariantStockService: PushVariantStockService
}

/** What a device asks for. */
export interface AlertRequest {
  readonly variantId: string
  readonly kind: ProductAlertKind
  /** The region whose price is watched (price drops). */
  readonly regionId?: string
}

/** A request checked against the store (`prepare`), ready to record for a device. */
export interface PreparedAlert {
  readonly kind: ProductAlertKind
  readonly variantId: string
  readonly productId: string
  readonly regionId: string | null
  readonly currency: string | null
  /** The price today (price drops), in the currency's smallest unit. */
  readonly amount: number | null
}

/** An open alert as the store routes answer it (never the device's endpoint or secret). */
export interface PublicAlert {
  id: string
  kind: ProductAlertKind
  variant_id: string
  product_id: string
  region_id: string | null
  currency_code: string | null
  /** The price the device saw when it asked (price drops), in the currency's smallest unit. */
  requested_amount: number | null
  created_at: Date
}

/** Per variant of a product, the open alerts of each kind (the admin's product page). */
export interface VariantAlertCounts {
  variant_id: string
  back_in_stock: number
  price_drop: number
}

const PUBLIC_COLUMNS = `"id", "kind", "variant_id", "product_id", "region_id", "currency_code", "requested_amount", "created_at"`

/** The relations a product alert reads of a variant. */
export const ALERT_VARIANT_RELATIONS = ["product"]

/** The variant's price now, in a region (its currency), as a customer without a group sees it; null when it has none there. */
export async function regionPrice(
  pricing: PricingService,
  variantId: string,
  region: { id: string; currency_code: string }
): Promise<number | null> {
  const prices = await pricing.getProductVariantPricingById(variantId, {
    region_id: region.id,
    currency_code: region.currency_code,
    include_discount_prices: true,
    // Medusa caches prices for a while; a price list changes them without clearing that cache.
    ignore_cache: true,
  })
  return typeof prices.calculated_price === "number" ? prices.calculated_price : null
}

/**
 * Back-in-stock and price-drop alerts as devices ask for, list and cancel them. A device proves
 * itself by its endpoint and auth secret (the route's job); an alert belongs to that device only.
 */
export default class PushProductAlertService {
  private readonly deps_: Dependencies

  constructor(deps: Dependencies) {
    this.deps_ = deps
  }

  private get options() {
    return this.deps_.webPushOptions.productAlerts
  }

  /**
   * Checks what a device asks for before anything is stored: the variant exists; a back-in-stock
   * alert is for a variant out of stock, a price drop for a region where it has a price (409
   * otherwise), whose price today is the one watched.
   */
  async prepare(input: AlertRequest): Promise<PreparedAlert> {
    const variant = await this.variant(input.variantId)
    const prepared: PreparedAlert = {
      kind: input.kind,
      variantId: variant.id,
      productId: variant.product?.id ?? "",
      regionId: null,
      currency: null,
      amount: null,
    }
    if (input.kind === "back_in_stock") {
      if (await this.deps_.pushVariantStockService.inStock(variant))
        throw new ConflictError("This variant is in stock: there is nothing to wait for", "variant_id")
      return prepared
    }
    if (!input.regionId)
      throw new InvalidRequestError("region_id", "region_id is required for a price drop alert (the price is the region's)")
    const region = await this.deps_.regionService.retrieve(input.regionId, { select: ["id", "currency_code"] }).catch(() => null)
    if (!region) throw new InvalidRequestError("region_id", "region_id is not a region of this store")
    const amount = await regionPrice(this.deps_.pricingService, variant.id, region)
    if (amount === null) throw new ConflictError("This variant has no price in this region", "region_id")
    return { ...prepared, regionId: region.id, currency: region.currency_code, amount }
  }

  /**
   * Records a prepared alert for the device, or updates its open alert of that kind for the
   * variant (a price drop then watches from today's price); past `max_per_device` open alerts, 409.
   */
  async record(device: PushSubscription, alert: PreparedAlert): Promise<PublicAlert> {
    if (device.user_id) throw new ConflictError("An admin device cannot ask for product alerts", "endpoint")
    return this.deps_.manager.transaction(async (tx) => {
      // One device's requests are counted under a lock on its row, so two at once cannot pass the limit together.
      await tx.query(`SELECT 1 FROM "push_subscription" WHERE "id" = $1 FOR UPDATE`, [device.id])
      const [{ open }] = await tx.query(
        `SELECT count(*)::int AS open FROM "push_variant_alert" WHERE "subscription_id" = $1 AND "message_id" IS NULL
           AND NOT ("variant_id" = $2 AND "kind" = $3)`,
        [device.id, alert.variantId, alert.kind]
      )
      if (open >= this.options.maxPerDevice) {
        throw new ConflictError(`This device already waits for ${open} product alerts (the most it may); cancel one first`, "variant_id")
      }
      const rows: PublicAlert[] = await tx.query(
        `INSERT INTO "push_variant_alert" ("id", "subscription_id", "variant_id", "product_id", "kind", "region_id", "currency_code", "requested_amount")
         VALUES ($8, $1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT ("subscription_id", "variant_id", "kind") WHERE "message_id" IS NULL
         DO UPDATE SET "region_id" = EXCLUDED."region_id", "currency_code" = EXCLUDED."currency_code",
                       "requested_amount" = EXCLUDED."requested_amount", "updated_at" = now()
         RETURNING ${PUBLIC_COLUMNS}`,
        [
          device.id,
          alert.variantId,
          alert.productId,
          alert.kind,
          alert.regionId,
          alert.currency,
          alert.amount,
          generateEntityId(undefined, "pushalert"),
        ]
      )
      return rows[0]
    })
  }

  /** The device's open alerts, newest first. */
  list(device: PushSubscription): Promise<PublicAlert[]> {
    return this.deps_.manager.query(
      `SELECT ${PUBLIC_COLUMNS} FROM "push_variant_alert" WHERE "subscription_id" = $1 AND "message_id" IS NULL ORDER BY "created_at" DESC, "id"`,
      [device.id]
    )
  }

  /** Cancels one of the device's open alerts; false when it has none with this id. */
  async remove(device: PushSubscription, id: string): Promise<boolean> {
    const rows: unknown[] = await this.deps_.manager.query(
      `WITH gone AS (DELETE FROM "push_variant_alert" WHERE "id" = $1 AND "subscription_id" = $2 AND "message_id" IS NULL RETURNING 1)
       SELECT 1 FROM gone`,
      [id, device.id]
    )
    return rows.length > 0
  }

  /** Open alerts per variant of a product, by kind (variants without any are left out). */
  countsForProduct(productId: string): Promise<VariantAlertCounts[]> {
    return this.deps_.manager.query(
      `SELECT "variant_id",
              count(*) FILTER (WHERE "kind" = 'back_in_stock')::int AS back_in_stock,
              count(*) FILTER (WHERE "kind" = 'price_drop')::int AS price_drop
       FROM "push_variant_alert" WHERE "product_id" = $1 AND "message_id" IS NULL
       GROUP BY "variant_id" ORDER BY "variant_id"`,
      [productId]
    )
  }

  /** A variant of a published product (a draft's is answered as unknown: its price and title are not public yet). */
  private async variant(id: string): Promise<VariantLike & { product?: { id: string } | null }> {
    const unknown = new InvalidRequestError("variant_id", "variant_id is not a variant of this store")
    const variant = await this.deps_.productVariantService.retrieve(id, { relations: ALERT_VARIANT_RELATIONS }).catch(() => null)
    if (!variant || variant.product?.status !== "published") throw unknown
    return variant
  }
}
