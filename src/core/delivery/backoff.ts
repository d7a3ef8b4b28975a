export interface BackoffOptions {
  /** Delay cap of the first retry, in ms. @defaultValue 10000 */
  baseMs?: number
  /** Largest delay, in ms. @defaultValue 3600000 (1 hour) */
  maxMs?: number
  /** Source of randomness in [0, 1). @defaultValue Math.random */
  random?: () => number
  /** A push service's Retry-After; returned instead when it is longer. */
  retryAfterMs?: number
}

/**
 * Delay before retry number `attempt` (1 = first retry): exponential growth
 * capped at `maxMs`, with full jitter (uniform in [0, cap]). When the push
 * service asked for longer via Retry-After, that wins.
 */
export function backoffDelayMs(attempt: number, opts: BackoffOptions = {}): number {
  const baseMs = opts.baseMs ?? 10_000
  const maxMs = opts.maxMs ?? 3_600_000
  const random = opts.random ?? Math.random
  const n = Number.isFinite(attempt) ? Math.max(1, Math.floor(attempt)) : 1
  const cap = Math.min(maxMs, baseMs * 2 ** Math.min(n - 1, 52))
  const jittered = Math.floor(Math.min(Math.max(random(), 0), 1) * cap)
  const retryAfter = opts.retryAfterMs
  return retryAfter !== undefined && Number.isFinite(retryAfter) && retryAfter > jittered ? Math.ceil(retryAfter) : jittered
}
