import { describeError } from "../core/errors/plugin-errors"

/** Where the poller reports a failed round (Medusa's logger). */
export interface PollerLogger {
  error(message: string): void
}

/**
 * Runs the due-work round (retries, held deliveries, scheduled messages, work of crashed instances)
 * every `retry_poll_ms`, never two rounds at once; the timer does not keep the process alive. One
 * per process, registered by the loader as `webPushRetryPoller` and started there.
 */
export class RetryPoller {
  private timer?: NodeJS.Timeout
  private polling = false

  constructor(
    private readonly intervalMs: number,
    private readonly logger: PollerLogger
  ) {}

  start(round: () => Promise<unknown>): void {
    if (this.timer) return
    this.timer = setInterval(() => {
      if (this.polling) return
      this.polling = true
      round()
        .catch((err: unknown) => this.logger.error(`web-push: retry poller: ${describeError(err)}`))
        .finally(() => {
          this.polling = false
        })
    }, this.intervalMs)
    this.timer.unref()
  }

  /** Stops polling (shutdown, tests); a round under way finishes. */
  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }
}
