import type { MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { clientAddress } from "../core/rate-limits/client-address"
import type PushRateLimitService from "../services/push-rate-limit"
import type { LimitedAction } from "../services/push-rate-limit"
import { customerId, signedInAdminId } from "./helpers"

/**
 * Answers 429 with `Retry-After` (seconds) and a JSON error once the client (IP address, found
 * with `trust_proxy`; and the customer or admin when signed in) is over its `rate_limits`
 * allowance for this action. Runs before the body is validated: a flood of malformed requests
 * is limited like any other. Never fails the request itself: without a limiter (invalid
 * options) the route answers 503 naming the option.
 */
export function rateLimit(action: LimitedAction) {
  return async (req: MedusaRequest, res: MedusaResponse, next: MedusaNextFunction): Promise<void> => {
    let limiter: PushRateLimitService
    try {
      limiter = req.scope.resolve<PushRateLimitService>("pushRateLimitService")
    } catch {
      return next()
    }
    const ip = clientAddress(req.socket?.remoteAddress, req.headers["x-forwarded-for"], limiter.trustProxy)
    const decision = await limiter
      .take(action, { ip, customerId: customerId(req), userId: signedInAdminId(req) })
      .catch(() => ({ allowed: true as const }))
    if (decision.allowed) return next()
    const seconds = Math.ceil(decision.retryAfterMs / 1000)
    res.set("Retry-After", String(seconds))
    res.status(429).json({ type: "rate_limited", message: `Too many requests; try again in ${seconds} seconds` })
  }
}
