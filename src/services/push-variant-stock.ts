import type { ProductVariantInventoryService } from "@medusajs/medusa"
import type { EntityManager } from "typeorm"
import { isInStock, type VariantLike } from "../core/catalogue/product-alerts"

type Dependencies = {
  manager: EntityManager
  productVariantInventoryService: ProductVariantInventoryService
}

/** A variant's inventory items, as Medusa links them (`product_variant_inventory_item`). */
type VariantItems = Awaited<ReturnType<ProductVariantInventoryService["listByVariant"]>>

/**
 * Whether a shopper can buy a variant now, as the store's checkout would decide it. Without
 * Medusa's inventory module that is the variant's own `inventory_quantity`. With it (multi-location
 * stock: `@medusajs/inventory` and `@medusajs/stock-location`), the variant's own count is not kept:
 * the quantity is what the locations of one of the product's sales channels hold, less what is
 * reserved, for each of the variant's inventory items (divided by the quantity it takes), as
 * Medusa works it out when an order is placed in that channel.
 */
export default class PushVariantStockService {
  private readonly deps_: Dependencies

  constructor(deps: Dependencies) {
    this.deps_ = deps
  }

  /**
   * Whether the store keeps stock in Medusa's inventory module (`inventoryService`; Medusa
   * registers nothing, or undefined, without it), where the variant's own count is not kept.
   */
  usesInventoryModule(): boolean {
    try {
      return (this.deps_ as Dependencies & { inventoryService?: object }).inventoryService != null
    } catch {
      return false
    }
  }

  /** Whether `variant` (with `product_id` or `product`) can be bought now in at least one sales channel. */
  async inStock(variant: VariantLike & { product_id?: string | null }): Promise<boolean> {
    // Stock not managed, or backorders allowed: the module is not asked.
    if (!this.usesInventoryModule() || isInStock(variant, 0)) return isInStock(variant)
    return isInStock(variant, await this.moduleQuantity(variant.id, variant.product_id ?? variant.product?.id ?? null))
  }

  /**
   * The most of the variant one order can take in any of the product's sales channels. A variant
   * with no inventory item is not counted by the module, and Medusa sells it freely.
   */
  private async moduleQuantity(variantId: string, productId: string | null): Promise<number> {
    const inventory = this.deps_.productVariantInventoryService
    const items: VariantItems = await inventory.listByVariant(variantId)
    if (items.length === 0) return Number.POSITIVE_INFINITY
    if (!productId) return 0
    const channels: Array<{ sales_channel_id: string }> = await this.deps_.manager.query(
      `SELECT psc."sales_channel_id" FROM "product_sales_channel" psc
       JOIN "sales_channel" sc ON sc."id" = psc."sales_channel_id" AND sc."deleted_at" IS NULL AND NOT sc."is_disabled"
       WHERE psc."product_id" = $1 ORDER BY psc."sales_channel_id"`,
      [productId]
    )
    let best = 0
    for (const { sales_channel_id } of channels) {
      // NaN when an item has no level in any of the channel's locations: nothing to sell there.
      const quantity = await inventory.getVariantQuantityFromVariantInventoryItems(items, sales_channel_id)
      if (Number.isFinite(quantity)) best = Math.max(best, Math.floor(quantity))
      if (best >= 1) break
    }
    return best
  }

  /**
   * The variants with open back-in-stock alerts whose stock an inventory-module event may have
   * raised: a location's level created or changed (`inventory-level.created` `{ ids }`,
   * `.updated` `{ id }`), a reservation given back or made smaller (`reservation-item.deleted`
   * `{ ids }` or `{ line_item_id }`, `.updated` `{ id }`: an order cancelled or edited). Other
   * shapes (a whole location's reservations) are left to the reconcile round.
   */
  async watchedVariantsOf(event: InventoryEvent, data: unknown): Promise<string[]> {
    if (!this.usesInventoryModule()) return []
    const d = (data ?? {}) as Record<string, unknown>
    const ids = idList(d.ids ?? d.id)
    const lineItems = idList(d.line_item_id)
    const table = event.startsWith("inventory-level.") ? "inventory_level" : "reservation_item"
    let variants: string
    if (ids.length) {
      variants = `SELECT pvi."variant_id" FROM "${table}" t
        JOIN "product_variant_inventory_item" pvi ON pvi."inventory_item_id" = t."inventory_item_id" AND pvi."deleted_at" IS NULL
        WHERE t."id" = ANY($1)`
    } else if (event === "reservation-item.deleted" && lineItems.length) {
      variants = `SELECT li."variant_id" FROM "line_item" li WHERE li."id" = ANY($1) AND li."variant_id" IS NOT NULL`
    } else return []
    const rows: Array<{ variant_id: string }> = await this.deps_.manager.query(
      `SELECT DISTINCT v."variant_id" FROM (${variants}) v
       WHERE EXISTS (SELECT 1 FROM "push_variant_alert" a WHERE a."variant_id" = v."variant_id" AND a."kind" = 'back_in_stock' AND a."message_id" IS NULL)`,
      [ids.length ? ids : lineItems]
    )
    return rows.map((r) => r.variant_id)
  }
}

/** The inventory module's events that can put a variant back in stock. */
export const INVENTORY_EVENTS = [
  "inventory-level.created",
  "inventory-level.updated",
  "reservation-item.updated",
  "reservation-item.deleted",
] as const
export type InventoryEvent = (typeof INVENTORY_EVENTS)[number]

function idList(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value]
  return list.filter((v): v is string => typeof v === "string" && v !== "").slice(0, 1000)
}
