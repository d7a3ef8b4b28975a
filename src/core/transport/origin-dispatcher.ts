import type { TLSSocket } from 'node:tls'
import { buildConnector, Client, Pool, type Dispatcher } from 'undici'

export interface OriginDispatcherOptions {
  /** Connector settings (SSRF-guarded lookup, connect timeout, test CA) for every connection. */
  readonly connect: buildConnector.BuildOptions
  readonly headersTimeout: number
  readonly bodyTimeout: number
  readonly keepAliveTimeout: number
  /** HTTP/1.1 connections at most (one request in flight on each). */
  readonly maxConnections: number
  /** HTTP/2 streams multiplexed on the one connection. */
  readonly maxStreams: number
}

type Protocol = 'h1' | 'h2'

/**
 * The connections to one push-service origin. The first request opens one connection offering
 * `h2` and `http/1.1` in ALPN; requests arriving meanwhile wait for the answer. HTTP/2: that one
 * connection multiplexes every request. HTTP/1.1: a keep-alive pool of up to `maxConnections`.
 * (An undici `Pool` alone would open `maxConnections` HTTP/2 sessions during the first burst,
 * since each connection counts as busy until its handshake is done.)
 */
export class OriginDispatcher {
  private chosen: Dispatcher | undefined
  private probe: Client | undefined
  private waiting: Promise<Dispatcher> | undefined

  constructor(private readonly origin: string, private readonly options: OriginDispatcherOptions) {}

  /** The dispatcher for the next request: synchronous once the protocol is known. */
  dispatcher(): Dispatcher | Promise<Dispatcher> {
    if (this.chosen) return this.chosen
    if (this.waiting) return this.waiting
    let settle: (outcome: Protocol | Error) => void = () => undefined
    this.waiting = new Promise<Protocol | Error>((resolve) => {
      settle = resolve
    }).then((outcome) => this.choose(outcome))
    // Only requests that waited observe a failed first connection; nobody else must see it.
    this.waiting.catch(() => undefined)
    this.probe = this.client(settle)
    return this.probe
  }

  async close(): Promise<void> {
    const all = [this.chosen, this.probe].filter((d): d is Dispatcher => d !== undefined)
    this.chosen = undefined
    this.probe = undefined
    await Promise.all([...new Set(all)].map((d) => d.close()))
  }

  private client(onConnected: (outcome: Protocol | Error) => void): Client {
    const connect = buildConnector({ ...this.options.connect, allowH2: true })
    let reported = false
    return new Client(this.origin, {
      ...this.timeouts(),
      allowH2: true,
      pipelining: this.options.maxStreams,
      maxConcurrentStreams: this.options.maxStreams,
      connect: (opts, callback) =>
        connect(opts, (...args) => {
          if (!reported) {
            reported = true
            const [err, socket] = args
            onConnected(err ?? ((socket as TLSSocket).alpnProtocol === 'h2' ? 'h2' : 'h1'))
          }
          callback(...args)
        }),
    })
  }

  private choose(outcome: Protocol | Error): Dispatcher {
    const probe = this.probe
    this.waiting = undefined
    this.probe = undefined
    if (probe === undefined) throw new Error('OriginDispatcher is closed')
    if (outcome instanceof Error) {
      // The first connection failed: the requests that waited for it fail the same way (their
      // outcome is classified from this error); the next request probes again.
      probe.destroy().catch(() => undefined)
      throw outcome
    }
    const protocol = outcome
    if (protocol === 'h2') {
      this.chosen = probe
      return probe
    }
    // HTTP/1.1: the probe finishes its request and closes; a pool takes over.
    probe.close().catch(() => undefined)
    this.chosen = new Pool(this.origin, {
      ...this.timeouts(),
      connections: this.options.maxConnections,
      pipelining: 1,
      connect: this.options.connect,
    })
    return this.chosen
  }

  private timeouts(): { headersTimeout: number; bodyTimeout: number; keepAliveTimeout: number } {
    const { headersTimeout, bodyTimeout, keepAliveTimeout } = this.options
    return { headersTimeout, bodyTimeout, keepAliveTimeout }
  }
}
