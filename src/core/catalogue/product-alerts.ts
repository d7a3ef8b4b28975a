import { formatMoney } from "../templates/money"
import type { TemplateContext } from "../templates/template-context"

/** What a device asks to be told about a variant. */
export type ProductAlertKind = "back_in_stock" | "price_drop"

export const PRODUCT_ALERT_KINDS: readonly ProductAlertKind[] = ["back_in_stock", "price_drop"]

/** The catalogue event (audience customer) whose template tells a device about each kind. */
export const PRODUCT_ALERT_EVENTS: Readonly<Record<ProductAlertKind, string>> = {
  back_in_stock: "product_variant.back_in_stock",
  price_drop: "product_variant.price_drop",
}

/** The preference category of product alerts (a store may hold or cap it like any other). */
export const PRODUCT_ALERTS_CATEGORY = "product_alerts"

/** A variant's fields the alerts read; structural, so the core needs no Medusa import. */
export interface VariantLike {
  readonly id: string
  readonly title?: string | null
  readonly sku?: string | null
  readonly inventory_quantity?: number | null
  readonly manage_inventory?: boolean | null
  readonly allow_backorder?: boolean | null
  readonly product?: {
    readonly id: string
    readonly title?: string | null
    readonly handle?: string | null
    readonly thumbnail?: string | null
  } | null
}

/**
 * Whether a variant can be bought now: stock not managed, backorders allowed, or some in stock
 * (`quantity`: the variant's own `inventory_quantity`; with Medusa's multi-location inventory module
 * the stock is worked out by `services/push-variant-stock` instead).
 */
export function isInStock(variant: VariantLike, quantity: number | null = variant.inventory_quantity ?? null): boolean {
  if (variant.manage_inventory === false || variant.allow_backorder === true) return true
  return (quantity ?? 0) > 0
}

/** A price drop tells a device only when the price fell below the one it saw. */
export function isPriceDrop(requested: number | null, current: number | null): boolean {
  return requested !== null && current !== null && current < requested
}

/** `product`, `variant` and `price` variables of a product alert, amounts in the reader's locale. */
export function productAlertContext(
  variant: VariantLike,
  price: { current: number | null; previous: number | null; currency: string | null },
  locale = "en"
): TemplateContext {
  const product = variant.product
  const money = (amount: number | null): string | undefined =>
    amount !== null && price.currency ? formatMoney(amount, price.currency, locale) : undefined
  // A product with one variant names it "Default" (or its own title): the product's title then says it all.
  const variantTitle = variant.title && variant.title !== product?.title && variant.title !== "Default" ? variant.title : undefined
  return {
    product: {
      id: product?.id,
      title: product?.title ?? undefined,
      handle: product?.handle ?? undefined,
      thumbnail: product?.thumbnail ?? undefined,
    },
    variant: { id: variant.id, title: variantTitle, sku: variant.sku ?? undefined },
    price: { current: money(price.current), previous: money(price.previous), currency_code: price.currency?.toUpperCase() },
  }
}
