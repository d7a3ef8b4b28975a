import { createHash } from "node:crypto"
import type { RateDecision, RateLimit } from "./rate-limit"

/**
 * What the Redis buckets need of a client: ioredis (Medusa's `redisClient`) has these. `status`
 * is `"ready"` while connected; any other state is treated as Redis being away, without waiting.
 */
export interface RedisScriptClient {
  readonly status?: string
  evalsha(sha: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>
  eval(script: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>
}

/**
 * One take from a token bucket, atomically: the same refill rule as the in-memory
 * {@link TokenBuckets}, on Redis's clock (so instances with skewed clocks agree). The key expires
 * a window after its last take: by then the bucket would be full again, so nothing is lost.
 * KEYS[1] = bucket; ARGV = limit, window in ms. Returns { 1, 0 } or { 0, ms until a token }.
 */
export const TAKE_TOKEN_SCRIPT = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = limit
  at = now
end
tokens = math.min(limit, tokens + math.max(0, now - at) * limit / window)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], window)
if allowed == 1 then
  return { 1, 0 }
end
return { 0, math.max(1, math.ceil((1 - tokens) * window / limit)) }
`

const SCRIPT_SHA = createHash("sha1").update(TAKE_TOKEN_SCRIPT).digest("hex")

/** Redis could not answer a take (away, slow, or an unexpected reply). */
export class SharedBucketsUnavailable extends Error {
  readonly code = "shared_buckets_unavailable"
  /** Written by this plugin (never Redis's text), so safe to log. */
  readonly reason: string
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`Shared rate-limit buckets unavailable: ${reason}`, options)
    this.name = "SharedBucketsUnavailable"
    this.reason = reason
  }
}

/**
 * Token buckets held in Redis, so that every instance of the store draws on one allowance per
 * client. Keys are `<prefix><key>`. A take that Redis cannot answer within `timeoutMs` rejects
 * with {@link SharedBucketsUnavailable}; the caller decides what to do without Redis.
 */
export class RedisTokenBuckets {
  constructor(
    private readonly client: RedisScriptClient,
    private readonly prefix: string,
    private readonly timeoutMs = 500
  ) {}

  async take(key: string, rate: RateLimit): Promise<RateDecision> {
    if (this.client.status !== undefined && this.client.status !== "ready") {
      throw new SharedBucketsUnavailable(`connection ${this.client.status}`)
    }
    const reply = await this.withTimeout(this.run(`${this.prefix}${key}`, rate))
    if (!Array.isArray(reply) || reply.length !== 2 || typeof reply[0] !== "number" || typeof reply[1] !== "number") {
      throw new SharedBucketsUnavailable("unexpected reply")
    }
    return reply[0] === 1 ? { allowed: true } : { allowed: false, retryAfterMs: Math.max(1, reply[1]) }
  }

  private async run(key: string, rate: RateLimit): Promise<unknown> {
    const args = [key, rate.limit, rate.windowMs] as const
    try {
      return await this.client.evalsha(SCRIPT_SHA, 1, ...args)
    } catch (err) {
      // The first take after a Redis restart (or on a fresh Redis) loads the script.
      if (!/NOSCRIPT/.test((err as Error)?.message ?? "")) throw err
      return this.client.eval(TAKE_TOKEN_SCRIPT, 1, ...args)
    }
  }

  private withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SharedBucketsUnavailable(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs)
    })
    return Promise.race([work, timeout])
      .finally(() => clearTimeout(timer))
      .catch((err: unknown) => {
        throw err instanceof SharedBucketsUnavailable ? err : new SharedBucketsUnavailable("command failed", { cause: err })
      })
  }
}
