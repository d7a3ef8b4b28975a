import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import type PushServiceHealthService from "../../../../services/push-service-health"
import type { EngineClock } from "../../../../core/delivery/clock"
import type { ResolvedOptions } from "../../../../core/options/plugin-options"
import { ADMIN_SERVICE_WORKER_PATH } from "../../../admin-push-sw/route"

/**
 * What the admin's Web Push settings page shows: whether push is configured (or the option at
 * fault), the VAPID public key and subject, the URLs notifications link to (and `backend_url`,
 * where Safari's own taps are counted; null when unset), and the push
 * services paused right now (host, until when, why). Never the private key.
 */
export async function GET(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  let options: ResolvedOptions
  try {
    options = req.scope.resolve<ResolvedOptions>("webPushOptions")
  } catch (err) {
    res.json({
      config: { configured: false, error: (err as Error).message, service_worker_url: ADMIN_SERVICE_WORKER_PATH, paused_push_services: [] },
    })
    return
  }
  const { vapid, storefrontUrl, adminUrl, backendUrl } = options
  const paused = await req.scope
    .resolve<PushServiceHealthService>("pushServiceHealthService")
    .listPaused(req.scope.resolve<EngineClock>("webPushClock").now())
  res.json({
    config: {
      configured: true,
      error: null,
      vapid_public_key: vapid.publicKey,
      vapid_subject: vapid.subject,
      storefront_url: storefrontUrl,
      admin_url: adminUrl,
      backend_url: backendUrl ?? null,
      service_worker_url: ADMIN_SERVICE_WORKER_PATH,
      paused_push_services: paused,
    },
  })
}
