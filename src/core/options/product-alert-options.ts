import { PluginOptionsError } from "../errors/plugin-errors"
import { isPlainObject, positiveInteger, refuseUnknownKeys } from "./option-values"

/** `product_alerts`: back-in-stock and price-drop alerts a device asks for on a product page. */
export interface ProductAlertsOption {
  /**
   * Whether the store sends back-in-stock and price-drop alerts (asking answers 404 when off). An
   * admin may switch each kind on the Automations page, over this option. @defaultValue true
   */
  enabled?: boolean
  /** Open alerts one device may hold; one more answers 409. @defaultValue 50 */
  max_per_device?: number
  /**
   * Minutes between two checks of every watched variant's stock and price, for changes no store
   * event reports (a price list, an import); a variant's own update is
   * checked at once. @defaultValue 15
   */
  reconcile_minutes?: number
  /**
   * Days after which an alert nobody was told about lapses (counted from when the device last
   * asked): a variant that never comes back, or a device nobody reads any more, keeps nothing
   * stored for ever. @defaultValue 180
   */
  expire_days?: number
}

export interface ResolvedProductAlerts {
  readonly enabled: boolean
  readonly maxPerDevice: number
  readonly reconcileMinutes: number
  readonly expireDays: number
}

/** Validates `product_alerts`; errors name `product_alerts.<field>`. */
export function resolveProductAlerts(value: unknown): ResolvedProductAlerts {
  if (value === undefined) return { enabled: true, maxPerDevice: 50, reconcileMinutes: 15, expireDays: 180 }
  if (!isPlainObject(value))
    throw new PluginOptionsError("product_alerts", "must be an object such as { enabled: true, reconcile_minutes: 15 }")
  refuseUnknownKeys(value, ["enabled", "max_per_device", "reconcile_minutes", "expire_days"], "product_alerts")
  const enabled = value.enabled ?? true
  if (typeof enabled !== "boolean") throw new PluginOptionsError("product_alerts.enabled", "must be true or false")
  return {
    enabled,
    maxPerDevice: positiveInteger(value.max_per_device, "product_alerts.max_per_device", 50, 1_000),
    reconcileMinutes: positiveInteger(value.reconcile_minutes, "product_alerts.reconcile_minutes", 15, 24 * 60),
    expireDays: positiveInteger(value.expire_days, "product_alerts.expire_days", 180, 3650),
  }
}
