import { createPrivateKey, sign, type KeyObject } from "node:crypto"
import type { VapidDetails } from "../keys/keys"

/** Options of {@link VapidHeaderCache}; all optional. */
export interface VapidHeaderCacheOptions {
  /**
   * How far ahead the JWT `exp` is set, in seconds (RFC 8292 allows at most 24 h).
   * @defaultValue 43200 (12 hours)
   */
  readonly lifetimeSeconds?: number
  /**
   * A cached header is signed again when less than this many seconds of its lifetime are left.
   * @defaultValue 3600 (1 hour)
   */
  readonly renewBeforeSeconds?: number
  /** The clock, in ms since the epoch (injectable for tests). @defaultValue Date.now */
  readonly now?: () => number
}

interface CachedHeader {
  readonly value: string
  /** JWT `exp`, seconds since the epoch. */
  readonly exp: number
}

const MAX_LIFETIME_S = 24 * 60 * 60
const JWT_HEADER = Buffer.from(JSON.stringify({ typ: "JWT", alg: "ES256" })).toString("base64url")

function vapidSigningKey(vapid: VapidDetails): KeyObject {
  const publicKey = Buffer.from(vapid.publicKey, "base64url")
  return createPrivateKey({
    key: {
      kty: "EC",
      crv: "P-256",
      d: vapid.privateKey,
      x: publicKey.subarray(1, 33).toString("base64url"),
      y: publicKey.subarray(33, 65).toString("base64url"),
    },
    format: "jwk",
  })
}

/**
 * The RFC 8292 `Authorization: vapid t=<jwt>, k=<public key>` header, signed (ES256) once per
 * push-service origin (the JWT `aud`) and reused until less than `renewBeforeSeconds` of it are
 * left. Signing costs about as much CPU as encrypting a message, so caching it matters at volume.
 * Each instance holds its own cache: VAPID details travel with the instance, never in module state.
 */
export class VapidHeaderCache {
  private readonly key: KeyObject
  private readonly byOrigin = new Map<string, CachedHeader>()
  private readonly lifetimeSeconds: number
  private readonly renewBeforeSeconds: number
  private readonly now: () => number

  constructor(
    private readonly vapid: VapidDetails,
    options: VapidHeaderCacheOptions = {}
  ) {
    this.lifetimeSeconds = options.lifetimeSeconds ?? 12 * 60 * 60
    this.renewBeforeSeconds = options.renewBeforeSeconds ?? 60 * 60
    this.now = options.now ?? Date.now
    if (!(this.lifetimeSeconds > 0 && this.lifetimeSeconds <= MAX_LIFETIME_S)) {
      throw new RangeError(`VAPID lifetimeSeconds must be within (0, ${MAX_LIFETIME_S}]`)
    }
    if (!(this.renewBeforeSeconds >= 0 && this.renewBeforeSeconds < this.lifetimeSeconds)) {
      throw new RangeError("VAPID renewBeforeSeconds must be at least 0 and below lifetimeSeconds")
    }
    this.key = vapidSigningKey(vapid)
  }

  /** The `Authorization` header value for a push service origin such as `https://fcm.googleapis.com`. */
  header(origin: string): string {
    const nowSeconds = Math.floor(this.now() / 1000)
    const cached = this.byOrigin.get(origin)
    if (cached && cached.exp - nowSeconds > this.renewBeforeSeconds) return cached.value
    const exp = nowSeconds + this.lifetimeSeconds
    const value = `vapid t=${this.sign(origin, exp)}, k=${this.vapid.publicKey}`
    this.byOrigin.set(origin, { value, exp })
    return value
  }

  /** Forgets the cached header of one origin (a push service refused it with 401/403). */
  invalidate(origin: string): void {
    this.byOrigin.delete(origin)
  }

  private sign(aud: string, exp: number): string {
    const claims = Buffer.from(JSON.stringify({ aud, exp, sub: this.vapid.subject })).toString("base64url")
    const signingInput = `${JWT_HEADER}.${claims}`
    const signature = sign("sha256", Buffer.from(signingInput), { key: this.key, dsaEncoding: "ieee-p1363" })
    return `${signingInput}.${signature.toString("base64url")}`
  }
}
