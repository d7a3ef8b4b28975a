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
  /** Connect timeout, and the longest silence while waiting for an answer or reading it, in ms. */
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
      const stream = session.request({ ":method": "POST", ":path": path, ...headers, "content-length": String(body.length) })
      let answered = false
      stream.on("error", (err) => {
        if (!answered) reject(err)
      })
      stream.setTimeout(this.options.timeoutMs, () => {
        const timeout = new TransportTimeoutError(answered ? "UND_ERR_BODY_TIMEOUT" : "UND_ERR_HEADERS_TIMEOUT")
        if (!answered) reject(timeout)
        stream.close(http2.constants.NGHTTP2_CANCEL)
      })
      stream.once("close", () => {
        if (!answered) reject(new StreamClosedError())
      })
      stream.once("response", (responseHeaders) => {
        answered = true
        const { ":status": status, ...rest } = responseHeaders
        resolve({ statusCode: Number(status), headers: rest as IncomingHttpHeaders, body: stream })
      })
      stream.end(body)
    })
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
