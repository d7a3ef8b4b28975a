/**
 * The time the delivery engine schedules by (delivery windows, retries, leases, caps, TTLs). One per
 * process, registered by the loader as `webPushClock`; tests move it instead of sleeping.
 */
export class EngineClock {
  private source: () => Date = () => new Date()

  now(): Date {
    return this.source()
  }

  /** Replaces the time source (tests only; reachable through the container, no option sets it). */
  useClock(source: () => Date): void {
    this.source = source
  }
}
