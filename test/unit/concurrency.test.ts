import { test } from "node:test"
import assert from "node:assert/strict"
import { setTimeout as delay } from "node:timers/promises"
import { forEachConcurrent } from "../../src/core/concurrency/for-each-concurrent"

/** Work that records how many calls are in flight, each taking a few (varying) milliseconds. */
function tracker() {
  let inFlight = 0
  const state = { peak: 0, done: [] as number[], started: [] as number[] }
  const work = async (item: number): Promise<void> => {
    state.started.push(item)
    inFlight++
    state.peak = Math.max(state.peak, inFlight)
    await delay(1 + ((item * 7) % 5))
    inFlight--
    state.done.push(item)
  }
  return { state, work }
}

const cases: Array<[number, number]> = [
  // [items, limit]
  [20, 3],
  [5, 10],
  [7, 1],
  [50, 50],
  [1, 4],
]
for (const [count, limit] of cases) {
  test(`${count} items with limit ${limit}: never more than the limit in flight, every item once`, async () => {
    const items = Array.from({ length: count }, (_, i) => i)
    const { state, work } = tracker()
    await forEachConcurrent(items, limit, work)
    assert.equal(state.peak, Math.min(limit, count))
    assert.deepEqual(
      [...state.done].sort((a, b) => a - b),
      items
    )
    assert.deepEqual(state.started, items, "started in input order")
  })
}

test("an empty list resolves without calling the work", async () => {
  let calls = 0
  await forEachConcurrent([], 5, async () => {
    calls++
  })
  assert.equal(calls, 0)
})

test("a limit below 1 still processes every item, one at a time", async () => {
  const { state, work } = tracker()
  await forEachConcurrent([1, 2, 3], 0, work)
  assert.equal(state.peak, 1)
  assert.deepEqual(state.done, [1, 2, 3])
})

test("a throwing item does not stop the others; the first error is rethrown after all finished", async () => {
  const items = Array.from({ length: 10 }, (_, i) => i)
  const { state, work } = tracker()
  const first = new Error("item 2 failed")
  const second = new Error("item 6 failed")
  let settledBeforeRejection = -1
  const run = forEachConcurrent(items, 3, async (item) => {
    if (item === 2) {
      await delay(1)
      throw first
    }
    if (item === 6) throw second
    await work(item)
  })
  await assert.rejects(
    run.finally(() => {
      settledBeforeRejection = state.done.length
    }),
    (err: unknown) => err === first
  )
  assert.equal(settledBeforeRejection, 8, "the eight other items had finished before the rejection")
  assert.deepEqual(
    [...state.done].sort((a, b) => a - b),
    [0, 1, 3, 4, 5, 7, 8, 9]
  )
})

test("a synchronous throw in the work is caught the same way", async () => {
  const seen: number[] = []
  await assert.rejects(
    forEachConcurrent([1, 2, 3], 2, (item) => {
      seen.push(item)
      if (item === 1) throw new TypeError("sync")
      return Promise.resolve()
    }),
    TypeError
  )
  assert.deepEqual(seen, [1, 2, 3])
})
