import type { MedusaRequest } from "@medusajs/medusa"
import { NotFoundError } from "../core/errors/api-errors"
import type { PushSubscription } from "../models/push-subscription"
import { register } from "./subscription-registration"
import type { AlertDevice } from "./validation/product-alert-input"
import type { EndpointProof } from "./validation/request-validation"
import { customerId, services, type PluginServices } from "./helpers"

/** The plugin's services once product alerts are on (404 naming the option when off). */
export function alertServices(req: MedusaRequest): PluginServices {
  const plugin = services(req)
  if (!plugin.options.productAlerts.enabled) throw new NotFoundError("Product alerts are turned off in this store (product_alerts.enabled)")
  return plugin
}

/** The device that holds this endpoint and auth secret (404 otherwise). */
export async function provenDevice(
  req: MedusaRequest,
  proof: EndpointProof
): Promise<{ plugin: PluginServices; device: PushSubscription }> {
  const plugin = alertServices(req)
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
  const plugin = alertServices(req)
  const input = asking.subscription
  const known = await plugin.subscriptions.findByProof(input.endpoint, input.auth)
  if (known) return { plugin, device: known }
  const signedIn = customerId(req)
  const saved = await register(req, input, signedIn ? { customer_id: signedIn } : { visitor: true })
  const device = await plugin.subscriptions.findByProof(input.endpoint, input.auth)
  if (!device) throw new NotFoundError(`The subscription ${saved.id} could not be read back; try again`)
  return { plugin, device }
}
