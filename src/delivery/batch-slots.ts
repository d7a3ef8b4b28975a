import { Semaphore } from "../core/concurrency/semaphore"

/**
 * The batches of large audiences this process sends at once (two); the rest wait as ids, not rows,
 * so memory stays flat however many batches the event bus hands over. One per process, registered
 * by the loader as `webPushBatchSlots`.
 */
export class BatchSlots {
  private readonly slots: Semaphore

  constructor(size = 2) {
    this.slots = new Semaphore(size)
  }

  /** Runs one batch when a slot is free. */
  run<T>(work: () => Promise<T>): Promise<T> {
    return this.slots.run(work)
  }
}
