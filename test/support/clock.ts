/**
 * The delivery engine's clock in a test store: tests move it instead of sleeping. This file is the
 * one place that knows where the engine takes its time from.
 */
import type { Container } from "./medusa-app"

/** What the tests use of the engine's clock (registered by the loader as `webPushClock`). */
interface ClockHolder {
  useClock(clock: () => Date): void
}

export interface TestClock {
  /** The engine's time now. */
  now(): Date
  /** Moves the engine's time forward by `ms`, frozen or running. */
  advance(ms: number): void
  /** Stops the engine's time at `at` (default: where it is now) until it is frozen again, advanced or resumed. */
  freeze(at?: Date): void
  /** Lets the clock run again: real time plus every advance so far (the time it stood still is not made up). */
  resume(): void
  /** Back to real time (offset 0, running). */
  reset(): void
}

const clocks = new WeakMap<Container, TestClock>()

/**
 * The test clock of the store whose container this is, installed on first use (it starts as real
 * time, running). Every caller with the same container gets the same clock.
 */
export function useTestClock(store: { app: { container: Container } } | Container): TestClock {
  const container = "app" in store ? store.app.container : store
  const existing = clocks.get(container)
  if (existing) return existing
  let offsetMs = 0
  let frozenAt: number | undefined
  const nowMs = (): number => frozenAt ?? Date.now() + offsetMs
  const clock: TestClock = {
    now: () => new Date(nowMs()),
    advance(ms) {
      if (frozenAt !== undefined) frozenAt += ms
      offsetMs += ms
    },
    freeze(at) {
      frozenAt = at ? at.getTime() : nowMs()
    },
    resume() {
      frozenAt = undefined
    },
    reset() {
      offsetMs = 0
      frozenAt = undefined
    },
  }
  container.resolve<ClockHolder>("webPushClock").useClock(clock.now)
  clocks.set(container, clock)
  return clock
}

/** Moves the engine's clock of `store` forward by `ms`. */
export function advanceClock(store: { app: { container: Container } } | Container, ms: number): void {
  useTestClock(store).advance(ms)
}

/**
 * One round of the retry poller's work, awaited: what is due at the engine's time now and not
 * claimed elsewhere is sent before this resolves. Lets a test say "nothing is due yet" without
 * sleeping through poller rounds. The background poller still runs and a send it claimed is not
 * awaited here, so such a test also checks that the rows are still waiting.
 */
export async function runDueWork(store: { app: { container: Container } } | Container): Promise<number> {
  const container = "app" in store ? store.app.container : store
  return container.resolve<{ processDue(): Promise<number> }>("pushDispatcherService").processDue()
}
