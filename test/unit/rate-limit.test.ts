import { test } from "node:test"
import assert from "node:assert/strict"
import { clientKey, TokenBuckets } from "../../src/core/rate-limits/rate-limit"

function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start
  return { now: () => t, advance: (ms) => void (t += ms) }
}

test("a bucket allows `limit` requests at once, then refuses with the time until the next token", () => {
  const c = clock()
  const buckets = new TokenBuckets({ limit: 3, windowMs: 60_000 }, c.now)
  for (let i = 0; i < 3; i++) assert.deepEqual(buckets.take("ip:1.2.3.4"), { allowed: true }, `request ${i + 1}`)
  assert.deepEqual(buckets.take("ip:1.2.3.4"), { allowed: false, retryAfterMs: 20_000 })
  c.advance(5_000)
  assert.deepEqual(buckets.take("ip:1.2.3.4"), { allowed: false, retryAfterMs: 15_000 }, "refused requests take nothing")
})

test("tokens refill evenly over the window, never beyond the limit", () => {
  const c = clock()
  const buckets = new TokenBuckets({ limit: 2, windowMs: 1_000 }, c.now)
  buckets.take("k")
  buckets.take("k")
  c.advance(500)
  assert.equal(buckets.take("k").allowed, true, "one token back after half the window")
  assert.equal(buckets.take("k").allowed, false)
  c.advance(60_000)
  assert.equal(buckets.take("k").allowed, true)
  assert.equal(buckets.take("k").allowed, true)
  assert.equal(buckets.take("k").allowed, false, "a long pause refills to the limit only")
})

test("keys are independent", () => {
  const c = clock()
  const buckets = new TokenBuckets({ limit: 1, windowMs: 60_000 }, c.now)
  assert.equal(buckets.take("ip:1.1.1.1").allowed, true)
  assert.equal(buckets.take("ip:1.1.1.1").allowed, false)
  assert.equal(buckets.take("ip:2.2.2.2").allowed, true)
  assert.equal(buckets.take("customer:cus_1").allowed, true)
})

test("a clock going backwards grants nothing", () => {
  const c = clock()
  const buckets = new TokenBuckets({ limit: 1, windowMs: 60_000 }, c.now)
  buckets.take("k")
  c.advance(-30_000)
  assert.equal(buckets.take("k").allowed, false)
})

test("memory stays bounded: past maxKeys the least recently used bucket is forgotten", () => {
  const c = clock()
  const buckets = new TokenBuckets({ limit: 1, windowMs: 60_000 }, c.now, 100)
  for (let i = 0; i < 1_000; i++) buckets.take(`ip:10.0.${i >> 8}.${i & 255}`)
  assert.equal(buckets.size, 100)
  // the most recent keys are still limited
  assert.equal(buckets.take("ip:10.0.3.231").allowed, false)
})

const keys: Array<[string | undefined, string]> = [
  ["203.0.113.7", "ip:203.0.113.7"],
  ["::ffff:203.0.113.7", "ip:203.0.113.7"],
  ["::FFFF:203.0.113.7", "ip:203.0.113.7"],
  ["2001:db8:1:2:3:4:5:6", "ip6:8193:3512:1:2"],
  ["2001:db8:1:2::99", "ip6:8193:3512:1:2"],
  ["[2001:db8:1:2::1]", "ip6:8193:3512:1:2"],
  ["fe80::1%eth0", "ip6:65152:0:0:0"],
  ["64:ff9b::198.51.100.7", "ip6:100:65435:0:0"],
  ["2001:DB8:1:2::1", "ip6:8193:3512:1:2"],
  [undefined, "ip:unknown"],
  ["", "ip:unknown"],
]
for (const [ip, key] of keys) {
  test(`clientKey(${JSON.stringify(ip)}) is ${key}`, () => assert.equal(clientKey(ip), key))
}

test("clientKey: one IPv6 /64 is one client; garbage is cut to a bounded key", () => {
  assert.equal(clientKey("2001:db8:aa:bb:1::1"), clientKey("2001:db8:aa:bb:ffff::2"))
  assert.notEqual(clientKey("2001:db8:aa:bb::1"), clientKey("2001:db8:aa:bc::1"))
  assert.ok(clientKey("x".repeat(10_000)).length <= 70)
})
