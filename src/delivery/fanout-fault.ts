import type { PushMessage } from "../models/push-message"

/** Runs at the start of every fan-out (tests only: to fail or stop between record and fan-out). */
export type FanoutFaultHook = (message: PushMessage) => void | Promise<void>

/**
 * Test-only fault injection, registered by the loader as `webPushFanoutFault`: the hook runs at the
 * start of every fan-out, right after its message was recorded (a throw fails the fan-out; a promise
 * that never settles stands for a crash). Reachable only through the container; no option or
 * request sets it.
 */
export class FanoutFault {
  private hook?: FanoutFaultHook

  set(hook: FanoutFaultHook | undefined): void {
    this.hook = hook
  }

  async run(message: PushMessage): Promise<void> {
    await this.hook?.(message)
  }
}
