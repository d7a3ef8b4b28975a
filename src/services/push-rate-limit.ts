import { clientKey, RateDecision, TokenBuckets } from "../core/rate-limit"
import type WebPushService from "./web-push"

type Dependencies = { webPushService: WebPushService }

/** What a limit applies to: subscribing (and renewing) a device, or writing a contact message. */
export type LimitedAction = "subscribe" | "contact"

/**
 * Per-client request limits on the public routes (`rate_limits`), as token buckets per IP address
 * and per signed-in customer. One instance per process, held in memory: with several store
 * instances each applies the limit on its own, so a client may get up to N times the limit.
 */
export default class PushRateLimitService {
  static LIFE_TIME = "SINGLETON"

  private readonly buckets: Record<LimitedAction, TokenBuckets>

  constructor(deps: Dependencies) {
    // Throws while the options are invalid: the routes answer 503 then, with or without limits.
    const { rateLimits } = deps.webPushService.options
    this.buckets = { subscribe: new TokenBuckets(rateLimits.subscribe), contact: new TokenBuckets(rateLimits.contact) }
  }

  /**
   * Takes one request from the client's allowance: its IP address's and, when signed in, its
   * customer's (both must have room; a refused request still counts against the other).
   */
  take(action: LimitedAction, client: { ip?: string; customerId?: string }): RateDecision {
    const buckets = this.buckets[action]
    const decisions = [buckets.take(clientKey(client.ip))]
    if (client.customerId) decisions.push(buckets.take(`customer:${client.customerId}`))
    const waits = decisions.flatMap((d) => (d.allowed ? [] : [d.retryAfterMs]))
    return waits.length ? { allowed: false, retryAfterMs: Math.max(...waits) } : { allowed: true }
  }
}
