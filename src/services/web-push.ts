import type { Logger } from "@medusajs/medusa"
import { checkEndpoint } from "../core/endpoint-policy"
import { describeError } from "../core/errors"
import { assertSupportedNode } from "../core/runtime"
import { resolveOptions, ResolvedOptions, WebPushPluginOptions } from "../core/plugin-options"
import type { PushRequest, PushResult, PushTarget } from "../core/push-transport"
import { Semaphore } from "../core/semaphore"
import { createPushSender, PushSender } from "../core/transport/sender"
import type { PushMessage } from "../models/push-message"

type Dependencies = { logger: Logger }

/** Runs at the start of every fan-out (tests only: to fail or stop between record and fan-out). */
export type FanoutFaultHook = (message: PushMessage) => void | Promise<void>

/**
 * The delivery service: encrypts, signs and sends one message to one device and classifies the
 * outcome. One instance per process: it holds the keep-alive connections to push services, caps
 * the requests in flight across every sender, and runs the retry poller.
 */
export default class WebPushService {
  static LIFE_TIME = "SINGLETON"

  readonly options: ResolvedOptions
  private readonly sender: PushSender
  private readonly inFlight: Semaphore
  /** Batches this process sends at once; the rest wait (as ids, not rows), so memory stays flat. */
  private readonly batchSlots = new Semaphore(2)
  private readonly logger: Logger
  private poller?: NodeJS.Timeout
  private clock: () => Date = () => new Date()
  private polling = false
  private fanoutFault?: FanoutFaultHook

  constructor(deps: Dependencies, rawOptions: WebPushPluginOptions) {
    assertSupportedNode()
    this.options = resolveOptions(rawOptions)
    this.logger = deps.logger
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

  /** The time the delivery engine schedules by (windows, retries, leases, caps). */
  now(): Date {
    return this.clock()
  }

  /** Replaces the clock: tests move time forward instead of sleeping. */
  useClock(clock: () => Date): void {
    this.clock = clock
  }

  /**
   * Test-only fault injection: `hook` runs at the start of every fan-out, right after its message
   * was recorded (a throw fails the fan-out; a promise that never settles stands for a crash).
   * Reachable only through the container; no option or request sets it.
   */
  setFanoutFaultHook(hook: FanoutFaultHook | undefined): void {
    this.fanoutFault = hook
  }

  get fanoutFaultHook(): FanoutFaultHook | undefined {
    return this.fanoutFault
  }

  /** Runs one batch when a slot is free. */
  inBatchSlot<T>(work: () => Promise<T>): Promise<T> {
    return this.batchSlots.run(work)
  }

  /** Runs `work` every `retry_poll_ms`, never two at once; the timer does not keep the process alive. */
  startPoller(work: () => Promise<unknown>): void {
    if (this.poller) return
    this.poller = setInterval(() => {
      if (this.polling) return
      this.polling = true
      work()
        .catch((err: unknown) => this.logger.error(`web-push: retry poller: ${describeError(err)}`))
        .finally(() => {
          this.polling = false
        })
    }, this.options.retryPollMs)
    this.poller.unref()
  }

  /** Stops the poller and closes the connections to push services (shutdown, tests). */
  async close(): Promise<void> {
    if (this.poller) clearInterval(this.poller)
    this.poller = undefined
    await this.sender.close()
  }
}
