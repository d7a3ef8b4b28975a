/**
 * Waiting for a condition instead of a fixed time: the one polling helper of the test suites.
 * (Waits on the push service's own events are in push-service.ts: `waitForMessages`.)
 */

export interface EventuallyOptions {
  /** How long to wait before failing; default 30 s (generous for a loaded machine: only a failing wait takes it). */
  timeoutMs?: number
  /** How long to pause between checks; default 100 ms. */
  intervalMs?: number
}

/**
 * Calls `check` until it returns a truthy value and resolves with that value; fails after
 * `timeoutMs` with an error naming `what` was awaited (a function: read at that moment, to say what
 * was seen instead). A check that throws ends the wait with its error. `options` may be the timeout alone.
 */
export async function eventually<T>(
  what: string | (() => string),
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  options: EventuallyOptions | number = {}
): Promise<T> {
  const { timeoutMs = 30_000, intervalMs = 100 } = typeof options === "number" ? { timeoutMs: options } : options
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`${typeof what === "function" ? what() : what}: not within ${timeoutMs} ms`)
    await pause(intervalMs)
  }
}

/** Resolves after `ms` of real time: only for real I/O the test cannot observe (say why where used). */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
