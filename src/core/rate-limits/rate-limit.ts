import { isIPv6 } from "node:net"
import { ipv6Groups } from "../security/ip-address"

/** How many requests a key may make per window; the bucket refills evenly over the window. */
export interface RateLimit {
  readonly limit: number
  readonly windowMs: number
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number }

interface Bucket {
  tokens: number
  at: number
}

/**
 * Token buckets, one per key (an IP address, a customer), held in memory. Each bucket holds up to
 * `limit` tokens and refills at `limit` per `windowMs`; a request takes one token. The clock is
 * injected so tests control time. At most `maxKeys` buckets are kept (memory stays bounded
 * whatever the number of clients); past that, the longest untouched bucket is forgotten.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>()

  constructor(
    private readonly rate: RateLimit,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 50_000
  ) {}

  /** Takes one token for `key`, or answers how long until one is available. */
  take(key: string): RateDecision {
    const now = this.now()
    const bucket = this.refilled(key, now)
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      this.store(key, bucket)
      return { allowed: true }
    }
    this.store(key, bucket)
    const msPerToken = this.rate.windowMs / this.rate.limit
    return { allowed: false, retryAfterMs: Math.max(1, Math.ceil((1 - bucket.tokens) * msPerToken)) }
  }

  /** Buckets currently held (for tests). */
  get size(): number {
    return this.buckets.size
  }

  private refilled(key: string, now: number): Bucket {
    const bucket = this.buckets.get(key)
    if (!bucket) return { tokens: this.rate.limit, at: now }
    const elapsed = Math.max(0, now - bucket.at)
    const tokens = Math.min(this.rate.limit, bucket.tokens + (elapsed * this.rate.limit) / this.rate.windowMs)
    return { tokens, at: now }
  }

  private store(key: string, bucket: Bucket): void {
    // Re-inserting keeps the Map in least-recently-used order, so eviction drops the stalest first.
    this.buckets.delete(key)
    this.buckets.set(key, bucket)
    for (const stalest of this.buckets.keys()) {
      if (this.buckets.size <= this.maxKeys) break
      this.buckets.delete(stalest)
    }
  }
}

/**
 * The key an address is limited under: IPv4 as is, IPv6 by its /64 network (one subscriber
 * usually holds a whole /64, so per-address limits would be trivial to dodge), IPv4-mapped IPv6
 * as the IPv4 inside. Anything else (a header's garbage) is cut to a bounded length.
 */
export function clientKey(ip: string | undefined): string {
  if (!ip) return "ip:unknown"
  const bare = ip
    .trim()
    .replace(/^\[|\]$/g, "")
    .replace(/%.*$/, "")
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare)
  if (mapped) return `ip:${mapped[1]}`
  if (isIPv6(bare)) return `ip6:${ipv6Groups(bare).slice(0, 4).join(":")}`
  return `ip:${bare.slice(0, 64)}`
}
