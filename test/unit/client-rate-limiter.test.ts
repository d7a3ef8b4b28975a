import assert from "node:assert/strict"
import { test } from "node:test"
import { ClientRateLimiter, SharedBuckets } from "../../src/core/rate-limits/client-rate-limiter"
import type { RateDecision, RateLimit } from "../../src/core/rate-limits/rate-limit"
import {
  RedisScriptClient,
  RedisTokenBuckets,
  SharedBucketsUnavailable,
  TAKE_TOKEN_SCRIPT,
} from "../../src/core/rate-limits/redis-token-buckets"

const RATES = { click: { limit: 2, windowMs: 60_000 }, contact: { limit: 1, windowMs: 3_600_000 } }
const fixedClock = () => 1_000_000

/** Shared buckets that count takes per key in a Map, or fail while `down` is set. */
class FakeShared implements SharedBuckets {
  readonly takes: Array<[string, RateLimit]> = []
  private readonly used = new Map<string, number>()
  down = false

  async take(key: string, rate: RateLimit): Promise<RateDecision> {
    if (this.down) throw new SharedBucketsUnavailable("connection reconnecting")
    this.takes.push([key, rate])
    const used = (this.used.get(key) ?? 0) + 1
    this.used.set(key, used)
    return used <= rate.limit ? { allowed: true } : { allowed: false, retryAfterMs: 1234 }
  }
}

test("in memory: each action has its own allowance per address", async () => {
  const limiter = new ClientRateLimiter(RATES, { now: fixedClock })
  const ip = "203.0.113.7"
  assert.equal((await limiter.take("click", { ip })).allowed, true)
  assert.equal((await limiter.take("click", { ip })).allowed, true)
  assert.deepEqual(await limiter.take("click", { ip }), { allowed: false, retryAfterMs: 30_000 })
  assert.equal((await limiter.take("contact", { ip })).allowed, true, "another action is counted apart")
  assert.equal((await limiter.take("click", { ip: "203.0.113.8" })).allowed, true, "another address is counted apart")
  assert.equal(limiter.shared, false)
})

test("a signed-in customer or admin is limited across addresses too", async () => {
  const limiter = new ClientRateLimiter(RATES, { now: fixedClock })
  assert.equal((await limiter.take("contact", { ip: "198.51.100.1", customerId: "cus_1" })).allowed, true)
  assert.equal((await limiter.take("contact", { ip: "198.51.100.2", customerId: "cus_1" })).allowed, false, "same customer, new address")
  assert.equal((await limiter.take("contact", { ip: "198.51.100.3", userId: "usr_1" })).allowed, true)
  assert.equal((await limiter.take("contact", { ip: "198.51.100.4", userId: "usr_1" })).allowed, false, "same admin, new address")
  assert.equal((await limiter.take("contact", { ip: "198.51.100.5", customerId: "cus_2" })).allowed, true)
})

test("with shared buckets: every take goes there, keyed by action and client", async () => {
  const shared = new FakeShared()
  const limiter = new ClientRateLimiter(RATES, { shared, now: fixedClock })
  await limiter.take("click", { ip: "::ffff:203.0.113.7", customerId: "cus_1" })
  assert.deepEqual(shared.takes.map(([k]) => k).sort(), ["click:customer:cus_1", "click:ip:203.0.113.7"])
  assert.deepEqual(shared.takes[0][1], RATES.click)
  await limiter.take("click", { ip: "203.0.113.7" })
  assert.deepEqual(await limiter.take("click", { ip: "203.0.113.7" }), { allowed: false, retryAfterMs: 1234 })
  assert.equal(limiter.shared, true)
})

test("shared buckets failing: memory counts meanwhile, the outage is reported once, and the return once", async () => {
  const shared = new FakeShared()
  const events: string[] = []
  const limiter = new ClientRateLimiter(RATES, {
    shared,
    now: fixedClock,
    onSharedUnavailable: (err) => events.push(`down: ${(err as SharedBucketsUnavailable).reason}`),
    onSharedRestored: () => events.push("up"),
  })
  shared.down = true
  const answers = []
  for (let i = 0; i < 5; i++) answers.push((await limiter.take("click", { ip: "203.0.113.7", customerId: "cus_1" })).allowed)
  assert.deepEqual(answers, [true, true, false, false, false], "the memory buckets still limit")
  assert.deepEqual(events, ["down: connection reconnecting"])
  assert.equal(limiter.shared, false)
  shared.down = false
  assert.equal((await limiter.take("click", { ip: "203.0.113.9" })).allowed, true)
  await limiter.take("click", { ip: "203.0.113.9" })
  shared.down = true
  await limiter.take("click", { ip: "203.0.113.9" })
  assert.deepEqual(events, ["down: connection reconnecting", "up", "down: connection reconnecting"], "a later outage is reported again")
})

/** A scripted stand-in for ioredis: answers evalsha/eval from a queue of replies or errors. */
function fakeRedis(status: string, replies: Array<unknown | Error | "hang">): RedisScriptClient & { calls: string[] } {
  const calls: string[] = []
  const answer = (): Promise<unknown> => {
    const next = replies.shift()
    if (next === "hang") return new Promise(() => undefined)
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next)
  }
  return {
    status,
    calls,
    evalsha: (sha, numKeys, ...args) => (calls.push(`evalsha ${sha.length} ${numKeys} ${args.join(" ")}`), answer()),
    eval: (script, numKeys, ...args) => (calls.push(`eval ${script === TAKE_TOKEN_SCRIPT} ${numKeys} ${args.join(" ")}`), answer()),
  }
}

test("Redis buckets: the reply is mapped; keys carry the prefix; the rate travels with each call", async () => {
  const redis = fakeRedis("ready", [
    [1, 0],
    [0, 2500],
  ])
  const buckets = new RedisTokenBuckets(redis, "shop:web-push:rl:")
  assert.deepEqual(await buckets.take("click:ip:1.2.3.4", { limit: 5, windowMs: 60_000 }), { allowed: true })
  assert.deepEqual(await buckets.take("click:ip:1.2.3.4", { limit: 5, windowMs: 60_000 }), { allowed: false, retryAfterMs: 2500 })
  assert.deepEqual(redis.calls, [
    "evalsha 40 1 shop:web-push:rl:click:ip:1.2.3.4 5 60000",
    "evalsha 40 1 shop:web-push:rl:click:ip:1.2.3.4 5 60000",
  ])
})

test("Redis buckets: a Redis without the script loaded gets it once through EVAL", async () => {
  const redis = fakeRedis("ready", [new Error("NOSCRIPT No matching script. Please use EVAL."), [1, 0]])
  assert.deepEqual(await new RedisTokenBuckets(redis, "p:").take("k", { limit: 1, windowMs: 1000 }), { allowed: true })
  assert.deepEqual(redis.calls, ["evalsha 40 1 p:k 1 1000", "eval true 1 p:k 1 1000"])
})

const failures: Array<[string, RedisScriptClient & { calls: string[] }, RegExp, number]> = [
  ["not connected: no command is sent", fakeRedis("reconnecting", []), /connection reconnecting/, 0],
  [
    "a command error",
    fakeRedis("ready", [new Error("READONLY You can't write against a read only replica. redis://secret@host")]),
    /command failed/,
    1,
  ],
  ["an unexpected reply", fakeRedis("ready", ["OK"]), /unexpected reply/, 1],
  ["no answer in time", fakeRedis("ready", ["hang"]), /no answer within 20 ms/, 1],
]
for (const [what, redis, reason, calls] of failures) {
  test(`Redis buckets: ${what} rejects as unavailable, with a reason safe to log`, async () => {
    await assert.rejects(new RedisTokenBuckets(redis, "p:", 20).take("k", { limit: 1, windowMs: 1000 }), (err: unknown) => {
      assert.ok(err instanceof SharedBucketsUnavailable)
      assert.match(err.reason, reason)
      assert.doesNotMatch(err.reason, /secret|redis:\/\//)
      return true
    })
    assert.equal(redis.calls.length, calls)
  })
}
