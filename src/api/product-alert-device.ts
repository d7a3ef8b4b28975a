import type { MedusaRequest } from "@medusajs/medusa"
import { NotFoundError } from "../core/errors/api-errors"
import type { PushSubscription } from "../models/push-subscription"
import type { EndpointProof } from "./validation/request-validation"
import { services, type PluginServices } from "./helpers"

/**
 * The store's product-alert routes: the plugin's services once product alerts are on (404 naming
 * the option when off), and the device that holds this endpoint and auth secret (404 otherwise).
 */
export async function alertDevice(req: MedusaRequest, proof: EndpointProof): Promise<{ plugin: PluginServices; device: PushSubscription }> {
  const plugin = services(req)
  if (!plugin.options.productAlerts.enabled) throw new NotFoundError("Product alerts are turned off in this store (product_alerts.enabled)")
  const device = await plugin.subscriptions.findByProof(proof.endpoint, proof.auth)
  if (!device) throw new NotFoundError("No subscription has this endpoint and auth secret")
  return { plugin, device }
}
