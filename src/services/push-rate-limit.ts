import type { Logger } from "@medusajs/medusa"
import { ClientRateLimiter, RequestClient } from "../core/rate-limits/client-rate-limiter"
import type { RateDecision } from "../core/rate-limits/rate-limit"
import { RedisScriptClient, RedisTokenBuckets, SharedBucketsUnavailable } from "../core/rate-limits/redis-token-buckets"
import type { ResolvedOptions } from "../core/options/plugin-options"

type Dependencies = {
  webPushOptions: ResolvedOptions
  logger: Logger
  configModule: { projectConfig?: { redis_url?: string; redis_prefix?: string } }
  redisClient?: unknown
}

/**
 * What a limit applies to: subscribing (and renewing) a device, writing a contact message,
 * reporting a click, changing a device's preferences, removing a device by its proof, posting an
 * inbound alert.
 */
export type LimitedAction = "subscribe" | "contact" | "click" | "preferences" | "unsubscribe" | "inbound"

/** Redis keys of the buckets start with this (after the store's `redis_prefix`). */
export const REDIS_KEY_PREFIX = "web-push:rl:"

/**
 * Per-client request limits on the public routes (`rate_limits`). When the store runs Redis
 * (`projectConfig.redis_url`: Medusa then registers its ioredis client as `redisClient`), the
 * buckets live there and every instance enforces one allowance; otherwise each process keeps
 * its own in memory. A Redis failure at run time never fails a request: that request is
 * counted in memory, and the outage is logged once.
 */
export default class PushRateLimitService {
  static LIFE_TIME = "SINGLETON"

  private readonly limiter: ClientRateLimiter<LimitedAction>
  /** Reverse proxies trusted for the client address (`trust_proxy`). */
  readonly trustProxy: number

  constructor(deps: Dependencies) {
    // Throws while the options are invalid: the routes answer 503 then, with or without limits.
    const { rateLimits, trustProxy } = deps.webPushOptions
    this.trustProxy = trustProxy
    const logger = deps.logger
    const shared = sharedBuckets(deps)
    this.limiter = new ClientRateLimiter<LimitedAction>(rateLimits, {
      shared,
      onSharedUnavailable: (err) =>
        logger.warn(`medusa-plugin-web-push: rate limits are counted per process while Redis does not answer (${describe(err)})`),
      onSharedRestored: () => logger.info("medusa-plugin-web-push: rate limits are shared through Redis again"),
    })
  }

  /** Whether the allowances are currently shared through Redis. */
  get shared(): boolean {
    return this.limiter.shared
  }

  /**
   * Takes one request from the client's allowance: its IP address's and, when signed in, its
   * customer's or admin's (each must have room; a refused request still counts against the other).
   */
  take(action: LimitedAction, client: RequestClient): Promise<RateDecision> {
    return this.limiter.take(action, client)
  }
}

function sharedBuckets(deps: Dependencies): RedisTokenBuckets | undefined {
  const project = deps.configModule?.projectConfig
  // Without `redis_url`, Medusa's `redisClient` is an in-process fake: nothing to share.
  if (!project?.redis_url) return undefined
  let client: unknown
  try {
    client = deps.redisClient
  } catch {
    return undefined
  }
  if (!isScriptClient(client)) return undefined
  return new RedisTokenBuckets(client, `${project.redis_prefix ?? ""}${REDIS_KEY_PREFIX}`)
}

function isScriptClient(client: unknown): client is RedisScriptClient {
  const c = client as Partial<RedisScriptClient> | null | undefined
  return typeof c?.evalsha === "function" && typeof c?.eval === "function"
}

/** Our own reason only: a Redis error's text may carry the connection URL, or a key with an address in it. */
function describe(err: unknown): string {
  return err instanceof SharedBucketsUnavailable ? err.reason : "unexpected error"
}
