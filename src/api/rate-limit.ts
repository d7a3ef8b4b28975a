import type { MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import type PushRateLimitService from "../services/push-rate-limit"
import type { LimitedAction } from "../services/push-rate-limit"
import { customerId } from "./helpers"

/**
 * Answers 429 with `Retry-After` (seconds) and a JSON error once the client (IP address, and
 * customer when signed in) is over its `rate_limits` allowance for this action. Runs before the
 * body is validated: a flood of malformed requests is limited like any other.
 */
export function rateLimit(action: LimitedAction) {
  return (req: MedusaRequest, res: MedusaResponse, next: MedusaNextFunction): void => {
    let limiter: PushRateLimitService
    try {
      limiter = req.scope.resolve<PushRateLimitService>("pushRateLimitService")
    } catch {
      // Invalid options: the route itself answers 503 naming the option.
      return next()
    }
    const decision = limiter.take(action, { ip: req.ip, customerId: customerId(req) })
    if (decision.allowed) return next()
    const seconds = Math.ceil(decision.retryAfterMs / 1000)
    res.set("Retry-After", String(seconds))
    res.status(429).json({ type: "rate_limited", message: `Too many requests; try again in ${seconds} seconds` })
  }
}
