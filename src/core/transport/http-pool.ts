import type { IncomingHttpHeaders } from "node:http"
import type { Readable } from "node:stream"
import type { EndpointPolicy } from "../security/endpoint-policy"
import { guardedLookup } from "../security/guarded-lookup"
import { OriginConnection } from "./origin-connection"

/** TLS settings for tests only; in production Node's CA store plus `NODE_EXTRA_CA_CERTS` is trusted. */
export interface PushTlsOverrides {
  /** PEM CA certificate(s) to trust instead of the default store (e.g. a local test CA). */
  readonly ca?: string | Buffer
}

export interface PushHttpPoolOptions {
  readonly policy: EndpointPolicy
  /** Connect timeout, and the longest wait for an answer and then for its body, in ms. */
  readonly timeoutMs: number
  /** At most this many connections to one push-service origin (HTTP/2 needs one; HTTP/1.1 one per request in flight). */
  readonly maxConnectionsPerOrigin: number
  /** Bytes of an answer's body kept (for the error reason); the rest is not read. @defaultValue 4096 */
  readonly maxBodyBytes?: number
  /** Streams multiplexed on one HTTP/2 connection. @defaultValue 100 */
  readonly maxStreamsPerConnection?: number
  /** Idle keep-alive connections close after this many ms. @defaultValue 30000 */
  readonly keepAliveTimeoutMs?: number
  readonly tls?: PushTlsOverrides
}

export interface PushHttpResponse {
  readonly statusCode: number
  readonly headers: IncomingHttpHeaders
  /** At most `maxBodyBytes` of the body, UTF-8 decoded; empty for 2xx. */
  readonly body: string
}

async function readBounded(body: Readable, limit: number, deadline: number): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    chunks.push(size + chunk.length > limit ? chunk.subarray(0, limit - size) : chunk)
    size += chunk.length
    // A body longer than we keep, or trickling past the deadline, is cut off: its connection is closed.
    if (size >= limit || Date.now() > deadline) {
      body.destroy()
      break
    }
  }
  return Buffer.concat(chunks).toString("utf8")
}

/**
 * Keep-alive connections to push services, per origin (see {@link OriginConnection}): HTTP/2 when
 * the service offers it in ALPN (one connection multiplexes the streams), HTTP/1.1 otherwise (up to
 * `maxConnectionsPerOrigin` keep-alive connections, no pipelining). Every connection resolves its
 * host through {@link guardedLookup}, so the SSRF guard holds at connect time. Redirects are never
 * followed: a 3xx comes back as a response like any other.
 */
export class PushHttpPool {
  private readonly origins = new Map<string, OriginConnection>()
  private readonly maxBodyBytes: number
  private closed = false

  constructor(private readonly options: PushHttpPoolOptions) {
    this.maxBodyBytes = options.maxBodyBytes ?? 4096
  }

  /** POSTs `body` to `path` (with its query) on `origin`. Rejects with Node's (or the lookup guard's) error on failure. */
  async post(origin: string, path: string, headers: Record<string, string>, body: Buffer): Promise<PushHttpResponse> {
    const started = Date.now()
    const response = await this.originFor(origin).post(path, headers, body)
    const statusCode = response.statusCode
    // The status decides the outcome: a body that fails or times out afterwards changes nothing.
    if (statusCode >= 200 && statusCode < 300) {
      response.body.resume()
      return { statusCode, headers: response.headers, body: "" }
    }
    const deadline = started + 2 * this.options.timeoutMs
    const text = await readBounded(response.body, this.maxBodyBytes, deadline).catch(() => "")
    return { statusCode, headers: response.headers, body: text }
  }

  /** Closes every connection; requests in flight finish first. */
  async close(): Promise<void> {
    this.closed = true
    const origins = [...this.origins.values()]
    this.origins.clear()
    await Promise.all(origins.map((origin) => origin.close()))
  }

  private originFor(origin: string): OriginConnection {
    if (this.closed) throw new Error("PushHttpPool is closed")
    let connection = this.origins.get(origin)
    if (connection === undefined) {
      const { timeoutMs, maxConnectionsPerOrigin, policy, tls } = this.options
      connection = new OriginConnection(origin, {
        lookup: guardedLookup(policy),
        timeoutMs,
        keepAliveTimeoutMs: this.options.keepAliveTimeoutMs ?? 30_000,
        maxConnections: maxConnectionsPerOrigin,
        maxStreams: this.options.maxStreamsPerConnection ?? 100,
        ...(tls?.ca ? { ca: tls.ca } : {}),
      })
      this.origins.set(origin, connection)
    }
    return connection
  }
}
