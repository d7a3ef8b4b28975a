import http2 from "node:http2"
import type { IncomingHttpHeaders } from "node:http"
import https from "node:https"
import { isIP, type LookupFunction } from "node:net"
import type { Readable } from "node:stream"
import tls from "node:tls"
import { Semaphore } from "../concurrency/semaphore"

export interface OriginConnectionOptions {
  /** The SSRF-guarded DNS lookup every connection resolves its host through. */
  readonly lookup: LookupFunction
  /** Connect timeout, and the longest wait for an answer and then for its body, in ms. */
  readonly timeoutMs: number
  /** Idle keep-alive connections close after this many ms. */
  readonly keepAliveTimeoutMs: number
  /** HTTP/1.1 connections at most (one request in flight on each). */
  readonly maxConnections: number
  /** HTTP/2 streams at most on the one connection (fewer when the push service says so). */
  readonly maxStreams: number
  /** Tests only: a CA to trust instead of Node's store. */
  readonly ca?: string | Buffer
}

export interface RawResponse {
  readonly statusCode: number
  readonly headers: IncomingHttpHeaders
  /** The body, unread: the caller reads a bounded part of it or discards it. */
  readonly body: Readable
}

/** A timeout with the codes outcome classification knows (the same as undici's). */
class TransportTimeoutError extends Error {
  constructor(readonly code: "UND_ERR_CONNECT_TIMEOUT" | "UND_ERR_HEADERS_TIMEOUT" | "UND_ERR_BODY_TIMEOUT") {
    super(`push service timed out (${code})`)
    this.name = "TransportTimeoutError"
  }
}

/** The session ended before the push service answered: the message may not have arrived. */
class StreamClosedError extends Error {
  readonly code = "ERR_HTTP2_STREAM_CANCEL"
  constructor() {
    super("HTTP/2 stream closed before an answer")
    this.name = "StreamClosedError"
  }
}

const ignore = (): void => undefined

/** An HTTP/2 request in flight: when it times out, and how to fail it if no answer came. */
interface StreamWatch {
  readonly reject: (err: Error) => void
  answered: boolean
  /** `performance.now()` past which the stream is cancelled. */
  deadline: number
}

/**
 * The connections to one push-service origin, on Node's own `http2` and `https` (Node 18.17 and
 * later). The first request opens one TLS connection offering `h2` and `http/1.1` in ALPN;
 * requests arriving meanwhile wait for it. HTTP/2: that connection multiplexes every request (at
 * most `maxStreams` at once, or the service's own limit). HTTP/1.1: a keep-alive agent of up to
 * `maxConnections` sockets. Redirects are never followed: a 3xx is an answer like any other.
 */
export class OriginConnection {
  private readonly url: URL
  private session: http2.ClientHttp2Session | undefined
  private streams: Semaphore | undefined
  private agent: https.Agent | undefined
  private probing: Promise<void> | undefined
  private readonly h1InFlight = new Set<Promise<unknown>>()
  private readonly watched = new Map<http2.ClientHttp2Stream, StreamWatch>()
  private sweeper: NodeJS.Timeout | undefined
  private closed = false

  constructor(
    origin: string,
    private readonly options: OriginConnectionOptions
  ) {
    this.url = new URL(origin)
  }

  /** POSTs `body`; resolves once the answer's headers are in. */
  post(path: string, headers: Record<string, string>, body: Buffer): Promise<RawResponse> {
    // The common case, an open connection, without an extra promise layer.
    const session = this.session
    if (!this.closed && session && !session.closed && !session.destroyed && this.streams) {
      return this.streams.run(() => this.h2Request(session, path, headers, body))
    }
    return this.connectAndPost(path, headers, body)
  }

  private async connectAndPost(path: string, headers: Record<string, string>, body: Buffer): Promise<RawResponse> {
    for (;;) {
      if (this.closed) throw new Error("OriginConnection is closed")
      const session = this.session
      if (session && !session.closed && !session.destroyed && this.streams) {
        return this.streams.run(() => this.h2Request(session, path, headers, body))
      }
      if (this.agent) return this.h1Request(path, headers, body)
      this.probing ??= this.probe().finally(() => {
        this.probing = undefined
      })
      await this.probing
    }
  }

  /** Closes the connections; requests in flight finish first. */
  async close(): Promise<void> {
    this.closed = true
    const session = this.session
    this.session = undefined
    if (session && !session.destroyed) await new Promise<void>((resolve) => session.close(() => resolve()))
    await Promise.allSettled([...this.h1InFlight])
    this.agent?.destroy()
    this.agent = undefined
  }

  private get host(): string {
    return this.url.hostname.replace(/^\[|\]$/g, "")
  }

  private get port(): number {
    return Number(this.url.port || 443)
  }

  private tlsOptions(): tls.ConnectionOptions {
    const { lookup, ca } = this.options
    // SNI carries names only, never an address.
    return { lookup, ...(ca ? { ca } : {}), ...(isIP(this.host) ? {} : { servername: this.host }) }
  }

  /** Opens the first connection and learns the protocol from ALPN. */
  private probe(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({ host: this.host, port: this.port, ALPNProtocols: ["h2", "http/1.1"], ...this.tlsOptions() })
      socket.setTimeout(this.options.timeoutMs, () => socket.destroy(new TransportTimeoutError("UND_ERR_CONNECT_TIMEOUT")))
      socket.once("error", reject)
      socket.once("secureConnect", () => {
        socket.setTimeout(0)
        socket.removeListener("error", reject)
        if (socket.alpnProtocol === "h2") this.adopt(socket)
        else {
          socket.destroy()
          this.agent = new https.Agent({
            keepAlive: true,
            maxSockets: this.options.maxConnections,
            timeout: this.options.keepAliveTimeoutMs,
            ...this.tlsOptions(),
          })
        }
        resolve()
      })
    })
  }

  /** Makes an HTTP/2 session of the probe's socket. */
  private adopt(socket: tls.TLSSocket): void {
    const session = http2.connect(this.url.origin, { createConnection: () => socket })
    const forget = (): void => {
      if (this.session === session) this.session = undefined
    }
    // A session error also fails its streams, each classified on its own; the next request reconnects.
    session.on("error", forget)
    session.on("close", forget)
    session.on("goaway", forget)
    session.setTimeout(this.options.keepAliveTimeoutMs, () => {
      if (!session.closed) session.close()
    })
    session.once("remoteSettings", (settings) => {
      const peerMax = settings.maxConcurrentStreams
      if (peerMax !== undefined && peerMax < this.options.maxStreams && this.session === session) {
        this.streams = new Semaphore(Math.max(1, peerMax))
      }
    })
    this.streams = new Semaphore(this.options.maxStreams)
    this.session = session
  }

  private h2Request(session: http2.ClientHttp2Session, path: string, headers: Record<string, string>, body: Buffer): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const requestHeaders: http2.OutgoingHttpHeaders = { ...headers }
      requestHeaders[":method"] = "POST"
      requestHeaders[":path"] = path
      requestHeaders["content-length"] = body.length
      const stream = session.request(requestHeaders)
      const watch: StreamWatch = { reject, answered: false, deadline: performance.now() + this.options.timeoutMs }
      this.watched.set(stream, watch)
      this.startSweeping()
      stream.on("error", (err) => {
        if (!watch.answered) reject(err)
      })
      stream.once("close", () => {
        this.watched.delete(stream)
        if (!watch.answered) reject(new StreamClosedError())
      })
      stream.once("response", (responseHeaders) => {
        watch.answered = true
        watch.deadline = performance.now() + this.options.timeoutMs
        // The pseudo-header stays in the object: copying the rest out costs more than it is worth.
        resolve({ statusCode: Number(responseHeaders[":status"]), headers: responseHeaders as IncomingHttpHeaders, body: stream })
      })
      stream.end(body)
    })
  }

  /**
   * One timer per connection instead of one per stream (a timer per request cost about a tenth of
   * the transport's own CPU): every quarter of the timeout it cancels the streams past their
   * deadline, so a stream times out between one and 1.25 timeouts after its request (waiting for
   * the answer) or its answer (reading the body).
   */
  private startSweeping(): void {
    if (this.sweeper) return
    const every = Math.max(10, Math.floor(this.options.timeoutMs / 4))
    this.sweeper = setInterval(() => this.sweep(), every)
    this.sweeper.unref()
  }

  private sweep(): void {
    const now = performance.now()
    for (const [stream, watch] of this.watched) {
      if (now < watch.deadline) continue
      this.watched.delete(stream)
      if (!watch.answered) watch.reject(new TransportTimeoutError("UND_ERR_HEADERS_TIMEOUT"))
      stream.close(http2.constants.NGHTTP2_CANCEL)
    }
    if (this.watched.size === 0 && this.sweeper) {
      clearInterval(this.sweeper)
      this.sweeper = undefined
    }
  }

  private h1Request(path: string, headers: Record<string, string>, body: Buffer): Promise<RawResponse> {
    const done = new Promise<RawResponse>((resolve, reject) => {
      const request = https.request(
        {
          agent: this.agent,
          host: this.host,
          port: this.port,
          method: "POST",
          path,
          headers: { ...headers, "content-length": String(body.length) },
          ...this.tlsOptions(),
        },
        (response) => {
          response.on("error", ignore)
          resolve({ statusCode: response.statusCode ?? 0, headers: response.headers, body: response })
        }
      )
      request.setTimeout(this.options.timeoutMs, () => request.destroy(new TransportTimeoutError("UND_ERR_HEADERS_TIMEOUT")))
      request.on("error", reject)
      request.end(body)
    })
    const tracked = done.catch(ignore)
    this.h1InFlight.add(tracked)
    void tracked.finally(() => this.h1InFlight.delete(tracked))
    return done
  }
}
