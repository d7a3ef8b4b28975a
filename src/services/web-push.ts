import { checkEndpoint } from "../core/security/endpoint-policy"
import type { ResolvedOptions } from "../core/options/plugin-options"
import type { PushRequest, PushResult, PushTarget } from "../core/transport/push-transport"
import { Semaphore } from "../core/concurrency/semaphore"
import { createPushSender, PushSender } from "../core/transport/sender"

/** `webPushOptions`: registered by the loader once the options are valid (resolving it throws the option error otherwise). */
type Dependencies = { webPushOptions: ResolvedOptions }

/**
 * The transport: encrypts, signs and sends one message to one device and classifies the outcome.
 * One instance per process: it holds the keep-alive connections to push services and caps the
 * requests in flight across every sender.
 */
export default class WebPushService {
  static LIFE_TIME = "SINGLETON"

  private readonly sender: PushSender
  private readonly inFlight: Semaphore
  private readonly options: ResolvedOptions

  constructor(deps: Dependencies) {
    this.options = deps.webPushOptions
    this.sender = createPushSender({
      vapid: this.options.vapid,
      policy: this.options.endpointPolicy,
      timeoutMs: this.options.requestTimeoutMs,
      maxConnectionsPerOrigin: this.options.concurrency,
    })
    this.inFlight = new Semaphore(this.options.concurrency)
  }

  /** The VAPID public key browsers pass to `pushManager.subscribe` as `applicationServerKey`. */
  get vapidPublicKey(): string {
    return this.options.vapid.publicKey
  }

  /** Refuses an endpoint that is not an allowed push service or whose name resolves to a private address. */
  async assertEndpointAllowed(endpoint: string): Promise<void> {
    await checkEndpoint(endpoint, this.options.endpointPolicy)
  }

  /** Sends one message; never throws. The connection itself re-checks the address it reaches. */
  send(target: PushTarget, request: PushRequest): Promise<PushResult> {
    return this.inFlight.run(() => this.sender.send(target, request))
  }

  /** Closes the connections to push services (shutdown, tests). */
  async close(): Promise<void> {
    await this.sender.close()
  }
}
