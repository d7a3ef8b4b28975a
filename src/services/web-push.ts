import type { Logger } from "@medusajs/medusa"
import type https from "node:https"
import { checkEndpoint } from "../core/endpoint-policy"
import { createGuardedAgent } from "../core/guarded-agent"
import { resolveOptions, ResolvedOptions, WebPushPluginOptions } from "../core/plugin-options"
import { PushRequest, PushResult, PushTarget, sendPush } from "../core/push-transport"

type Dependencies = { logger: Logger }

/**
 * The delivery service: encrypts, signs and sends one message to one device and classifies the
 * outcome. One instance per process, holding the keep-alive connections to push services.
 */
export default class WebPushService {
  static LIFE_TIME = "SINGLETON"

  readonly options: ResolvedOptions
  private readonly agent: https.Agent

  constructor(_deps: Dependencies, rawOptions: WebPushPluginOptions) {
    this.options = resolveOptions(rawOptions)
    this.agent = createGuardedAgent(this.options.endpointPolicy, this.options.concurrency)
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
    return sendPush(target, request, {
      vapid: this.options.vapid,
      policy: this.options.endpointPolicy,
      agent: this.agent,
      timeoutMs: this.options.requestTimeoutMs,
    })
  }
}
