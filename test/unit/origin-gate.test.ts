import { test } from "node:test"
import assert from "node:assert/strict"
import { classifyResponse, type DeliveryOutcome } from "../../src/core/transport/outcome"
import { pauseRule } from "../../src/core/delivery/outcome-signal"
import { OriginGate, type PausedOrigin, type PauseStore } from "../../src/core/delivery/origin-gate"

const ORIGIN = "https://fcm.googleapis.com"
const NOW = new Date("2026-01-01T12:00:00Z")
const http = (status: number): DeliveryOutcome => classifyResponse(status, {}, "", NOW.getTime())

/** An in-memory stand-in for the shared table: records pauses and recoveries. */
function fakeHealth() {
  const pauses: Array<{ origin: string; reason: string; durationMs: number }> = []
  const recovered: string[] = []
  const health = {
    async pause(origin: string, cause: { reason: string }, durationMs: number, now: Date) {
      pauses.push({ origin, reason: cause.reason, durationMs })
      return new Date(now.getTime() + durationMs)
    },
    async recovered(origin: string) {
      recovered.push(origin)
    },
  } satisfies PauseStore
  return { health, pauses, recovered }
}

/** Settles `statuses` in order; answers how each was stored (null: as it came; a date: kept for the pause). */
async function run(gate: OriginGate, statuses: number[], probe = false, proven = true): Promise<Array<Date | null | "held">> {
  const stored: Array<Date | null | "held"> = statuses.map(() => "held")
  for (const [i, status] of statuses.entries()) {
    await gate.settle(ORIGIN, http(status), status, probe && i === 0, proven, (until) => (stored[i] = until))
  }
  return stored
}

test("push-service failures are held until the threshold, then all are kept for the pause", async () => {
  const { health, pauses } = fakeHealth()
  const gate = new OriginGate(new Map(), pauseRule(5, 60_000), health, () => NOW)
  const stored = await run(gate, [403, 403, 403, 403])
  assert.deepEqual(stored, ["held", "held", "held", "held"], "not decided yet: nothing written")
  await gate.settle(ORIGIN, http(403), 403, false, true, (until: Date | null) => stored.push(until))
  const until = new Date(NOW.getTime() + 60_000)
  assert.deepEqual(stored, [until, until, until, until, until])
  assert.deepEqual(pauses, [{ origin: ORIGIN, reason: "vapid_rejected HTTP 403: 5 of 5 requests failed", durationMs: 60_000 }])
  assert.deepEqual(await gate.admit(ORIGIN, true), { send: false, pausedUntil: until }, "nothing more is sent in this run")
})

test("a service that mostly works is not paused: held failures are stored as they came", async () => {
  const { health, pauses } = fakeHealth()
  const gate = new OriginGate(new Map(), pauseRule(5, 60_000), health, () => NOW)
  const stored = await run(gate, [503, 201, 503, 201, 503, 201])
  assert.deepEqual(stored, [null, null, null, null, null, null])
  assert.deepEqual(pauses, [])
})

test("fewer outcomes than the threshold: the run ends, the held failures are stored as they came", async () => {
  const { health, pauses } = fakeHealth()
  const gate = new OriginGate(new Map(), pauseRule(5, 60_000), health, () => NOW)
  const stored = await run(gate, [500, 500])
  assert.deepEqual(stored, ["held", "held"])
  gate.flush()
  assert.deepEqual(stored, [null, null])
  assert.deepEqual(pauses, [])
})

test("a few device faults and neutral outcomes never pause a service", async () => {
  const { health, pauses } = fakeHealth()
  const gate = new OriginGate(new Map(), pauseRule(3, 60_000), health, () => NOW)
  assert.deepEqual(await run(gate, [400, 400, 429, 413, 400]), [null, null, null, null, null])
  assert.deepEqual(pauses, [])
})

test("after a pause one probe goes first; the others wait for it; a failed probe pauses twice as long", async () => {
  const { health, pauses } = fakeHealth()
  const row = { origin: ORIGIN, paused_until: new Date(NOW.getTime() - 1), pauses: 1 } satisfies PausedOrigin & { origin: string }
  const gate = new OriginGate(new Map([[ORIGIN, row]]), pauseRule(5, 60_000), health, () => NOW)
  assert.deepEqual(await gate.admit(ORIGIN, true), { send: true, probe: true })
  let second: unknown
  const waiting = gate.admit(ORIGIN, true).then((a) => (second = a))
  await new Promise((r) => setImmediate(r))
  assert.equal(second, undefined, "the second delivery waits for the probe")
  const stored: Array<Date | null> = []
  await gate.settle(ORIGIN, http(503), 503, true, true, (until: Date | null) => stored.push(until))
  await waiting
  const until = new Date(NOW.getTime() + 120_000)
  assert.deepEqual(stored, [until])
  assert.deepEqual(second, { send: false, pausedUntil: until })
  assert.deepEqual(
    pauses.map((p) => p.durationMs),
    [120_000]
  )
})

test("a probe that gets through ends the pause: the service is recovered and the others are sent", async () => {
  const { health, recovered } = fakeHealth()
  const row = { origin: ORIGIN, paused_until: new Date(NOW.getTime() - 1), pauses: 2 } satisfies PausedOrigin & { origin: string }
  const gate = new OriginGate(new Map([[ORIGIN, row]]), pauseRule(5, 60_000), health, () => NOW)
  assert.deepEqual(await gate.admit(ORIGIN, true), { send: true, probe: true })
  const waiting = gate.admit(ORIGIN, true)
  await gate.settle(ORIGIN, http(201), 201, true, true, () => undefined)
  assert.deepEqual(await waiting, { send: true, probe: false })
  assert.deepEqual(recovered, [ORIGIN])
})

test("devices that never succeeded neither count nor wait: their 403s are stored at once and pause nothing", async () => {
  const { health, pauses } = fakeHealth()
  const gate = new OriginGate(new Map(), pauseRule(5, 60_000), health, () => NOW)
  const stored = await run(gate, Array(12).fill(403), false, false)
  assert.deepEqual(stored, Array(12).fill(null))
  assert.deepEqual(pauses, [])
  assert.deepEqual(await gate.admit(ORIGIN, true), { send: true, probe: false })
})

test("after a pause a device that never succeeded is not the probe: the next proven device is", async () => {
  const { health } = fakeHealth()
  const row = { origin: ORIGIN, paused_until: new Date(NOW.getTime() - 1), pauses: 1 } satisfies PausedOrigin & { origin: string }
  const gate = new OriginGate(new Map([[ORIGIN, row]]), pauseRule(5, 60_000), health, () => NOW)
  assert.deepEqual(await gate.admit(ORIGIN, false), { send: true, probe: false })
  assert.deepEqual(await gate.admit(ORIGIN, true), { send: true, probe: true })
  assert.deepEqual(await gate.admit(ORIGIN, false), { send: true, probe: false }, "never waits for the probe")
})

test("400s from nearly every proven device of one origin are a store-side fault: a pause, not the devices' faults", async () => {
  const { health, pauses } = fakeHealth()
  const gate = new OriginGate(new Map(), pauseRule(5, 60_000), health, () => NOW)
  const stored = await run(gate, [400, 400, 400, 400, 400])
  const until = new Date(NOW.getTime() + 60_000)
  assert.deepEqual(stored, [until, until, until, until, until])
  assert.deepEqual(pauses, [{ origin: ORIGIN, reason: "bad_request HTTP 400: 5 of 5 requests failed", durationMs: 60_000 }])
})
