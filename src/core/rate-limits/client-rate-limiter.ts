import { clientKey, RateDecision, RateLimit, TokenBuckets } from "./rate-limit"

/** Who a request comes from: its address and, when signed in, its customer or admin user. */
export interface RequestClient {
  ip?: string
  customerId?: string
  userId?: string
}

/** Buckets shared by every instance of the store (Redis); a take rejects when they cannot answer. */
export interface SharedBuckets {
  take(key: string, rate: RateLimit): Promise<RateDecision>
}

export interface ClientRateLimiterOptions {
  /** Shared buckets; without them each process keeps its own, in memory. */
  shared?: SharedBuckets
  /** Called once when the shared buckets stop answering (the limiter uses memory meanwhile). */
  onSharedUnavailable?: (err: unknown) => void
  /** Called once when they answer again after that. */
  onSharedRestored?: () => void
  /** Clock of the in-memory buckets (tests). */
  now?: () => number
}

/**
 * Per-client allowances for each limited action: one bucket per IP address (IPv6 per /64) and
 * one per signed-in customer or admin; a request needs room in each (a refused one still counts
 * against the others). With shared buckets every instance draws on one allowance; when they
 * fail, that request is counted in this process's memory instead, so a Redis outage never turns
 * into refused or failed requests.
 */
export class ClientRateLimiter<Action extends string> {
  private readonly memory: Record<string, TokenBuckets> = {}
  private sharedDown = false

  constructor(
    private readonly rates: Readonly<Record<Action, RateLimit>>,
    private readonly options: ClientRateLimiterOptions = {}
  ) {
    for (const action of Object.keys(rates) as Action[]) this.memory[action] = new TokenBuckets(rates[action], options.now)
  }

  /** Whether takes currently go to the shared buckets. */
  get shared(): boolean {
    return !!this.options.shared && !this.sharedDown
  }

  async take(action: Action, client: RequestClient): Promise<RateDecision> {
    const keys = [clientKey(client.ip)]
    if (client.customerId) keys.push(`customer:${client.customerId}`)
    if (client.userId) keys.push(`user:${client.userId}`)
    const decisions = await Promise.all(keys.map((key) => this.takeOne(action, key)))
    const waits = decisions.flatMap((d) => (d.allowed ? [] : [d.retryAfterMs]))
    return waits.length ? { allowed: false, retryAfterMs: Math.max(...waits) } : { allowed: true }
  }

  private async takeOne(action: Action, key: string): Promise<RateDecision> {
    const { shared } = this.options
    if (shared) {
      try {
        const decision = await shared.take(`${action}:${key}`, this.rates[action])
        if (this.sharedDown) {
          this.sharedDown = false
          this.options.onSharedRestored?.()
        }
        return decision
      } catch (err) {
        if (!this.sharedDown) {
          this.sharedDown = true
          this.options.onSharedUnavailable?.(err)
        }
      }
    }
    return this.memory[action].take(key)
  }
}
