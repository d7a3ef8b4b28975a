import type { MedusaRequest } from "@medusajs/medusa"
import { NotFoundError } from "../core/errors/api-errors"
import type { ProductAlertKind } from "../core/catalogue/product-alerts"
import type { PushSubscription } from "../models/push-subscription"
import { register } from "./subscription-registration"
import type { AlertDevice } from "./validation/product-alert-input"
import type { EndpointProof } from "./validation/request-validation"
import { customerId, services, type PluginServices } from "./helpers"

/** 404 while the store does not send this kind of alert (`product_alerts.enabled`, or the admin's Automations page). */
export async function assertAlertsOn(plugin: PluginServices, kind: ProductAlertKind): Promise<void> {
  if (!(await plugin.automations.settings())[kind].enabled) {
    throw new NotFoundError(`This store does not send ${kind === "back_in_stock" ? "back-in-stock" : "price-drop"} alerts`)
  }
}

/** The device that holds this endpoint and auth secret (404 otherwise). */
export async function provenDevice(
  req: MedusaRequest,
  proof: EndpointProof
): Promise<{ plugin: PluginServices; device: PushSubscription }> {
  // A device may list and cancel its alerts whether or not the store sends them now.
  const plugin = services(req)
  const device = await plugin.subscriptions.findByProof(proof.endpoint, proof.auth)
  if (!device) throw new NotFoundError("No subscription has this endpoint and auth secret")
  return { plugin, device }
}

/**
 * The device asking for an alert: a known one proves itself by endpoint and auth secret; a
 * browser's whole subscription is that device when its secret matches, else it is registered:
 * for the signed-in customer, or as a visitor's device, which receives only what it asks for.
 */
export async function askingDevice(req: MedusaRequest, asking: AlertDevice): Promise<{ plugin: PluginServices; device: PushSubscription }> {
  if ("proof" in asking) return provenDevice(req, asking.proof)
  const plugin = services(req)
  const input = asking.subscription
  const known = await plugin.subscriptions.findByProof(input.endpoint, input.auth)
  if (known) return { plugin, device: known }
  const signedIn = customerId(req)
  const saved = await register(req, input, signedIn ? { customer_id: signedIn } : { visitor: true })
  const device = await plugin.subscriptions.findByProof(input.endpoint, input.auth)
  if (!device) throw new NotFoundError(`The subscription ${saved.id} could not be read back; try again`)
  return { plugin, device }
}
