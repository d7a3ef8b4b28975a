import assert from "node:assert/strict"
import { randomBytes } from "node:crypto"
import { inspect } from "node:util"
import { after, before, describe, it } from "node:test"
import type { EntityManager } from "typeorm"
import { generateVapidKeys } from "../../src/core/keys/keys"
import { clientKey } from "../../src/core/rate-limits/rate-limit"
import { createDatabase, DatabaseServer, dropDatabase, startDatabaseServer } from "../support/database"
import { startTestStore, TestStore } from "../support/environment"
import { eventually } from "../support/eventually"
import { HttpClient, JsonResponse } from "../support/http"
import { registerCustomer } from "../support/order-flow"
import { startStoreProcess, StoreProcess } from "../support/store-process"
import { writeStore } from "../support/store"

type RateLimited = { type: string; message: string }

/** A proof (endpoint and auth secret) that matches no device: removing it answers 404. */
const unknownProof = () => ({
  endpoint: `https://fcm.googleapis.com/fcm/send/nobody-${randomBytes(6).toString("hex")}`,
  auth: randomBytes(16).toString("base64url"),
})

/** A 429 as documented: Retry-After in whole seconds within the bound, a JSON error naming the limit. */
function assertLimited(res: JsonResponse<unknown>, maxSeconds: number, what: string): void {
  assert.equal(res.status, 429, `${what}: ${JSON.stringify(res.body)}`)
  const body = res.body as RateLimited
  assert.equal(body.type, "rate_limited", what)
  assert.match(body.message, /Too many requests; try again in \d+ seconds/, what)
  const retryAfter = res.headers.get("retry-after") ?? ""
  assert.match(retryAfter, /^\d+$/, `${what}: Retry-After ${retryAfter}`)
  assert.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= maxSeconds, `${what}: Retry-After ${retryAfter} within 1..${maxSeconds}`)
  assert.match(res.headers.get("content-type") ?? "", /application\/json/, what)
}

describe("rate limits on clicks, preferences and removal (one store, in memory)", () => {
  let store: TestStore
  let db: EntityManager
  let seq = 0
  /** Behind two trusted proxies (`trust_proxy: 2`): the client is the second entry from the right. */
  const client = (): Record<string, string> => {
    const n = ++seq
    return { "x-forwarded-for": `203.0.${113 + (n >> 8)}.${n & 255}, 10.0.0.1` }
  }

  before(async () => {
    store = await startTestStore("rate_limits", {
      pluginOptions: {
        rate_limits: { clicks_per_minute: 3, preferences_per_minute: 3, unsubscribe_per_minute: 3 },
        trust_proxy: 2,
      },
    })
    db = store.app.container.resolve<EntityManager>("manager")
  })

  after(async () => {
    await store?.stop()
  })

  const customerDevice = async (label: string) => {
    const customer = await registerCustomer(store.http, `${label}-${process.pid}@teststore.dev`)
    const device = store.push.createDevice(label)
    await store.http.expect(201, "POST", "/store/push/subscriptions", {
      headers: client(),
      token: customer.token,
      body: { subscription: device.subscription },
    })
    return { customer, device }
  }

  it("a click over the limit: 429 with Retry-After and a JSON message, and the click is not recorded", async () => {
    const device = store.push.createDevice("admin-clicks")
    await store.http.expect(201, "POST", "/admin/push/subscriptions", {
      apiToken: store.admin.apiToken,
      body: { subscription: device.subscription },
    })
    const { message } = await store.http.expect<{ message: { id: string } }>(200, "POST", "/admin/push/test", {
      apiToken: store.admin.apiToken,
    })
    const [delivery] = await db.query(`SELECT "id" FROM "push_delivery" WHERE "message_id" = $1`, [message.id])
    assert.ok(delivery, "the test push made a delivery")

    const limiter = store.app.container.resolve<{ shared: boolean }>("pushRateLimitService")
    assert.equal(limiter.shared, false, "without redis_url the buckets are in this process's memory")
    const me = client()
    for (let i = 0; i < 3; i++) {
      const res = await store.http.request("POST", "/store/push/clicks", { headers: me, body: { delivery_id: "not-a-delivery" } })
      assert.equal(res.status, 400, `click ${i + 1} is within the allowance`)
    }
    const limited = await store.http.request("POST", "/store/push/clicks", { headers: me, body: { delivery_id: delivery.id } })
    assertLimited(limited, 20, "the 4th click in a minute")
    const [row] = await db.query(`SELECT "clicked_at" FROM "push_delivery" WHERE "id" = $1`, [delivery.id])
    assert.equal(row.clicked_at, null, "the refused click was not recorded")
    const other = await store.http.request("POST", "/store/push/clicks", { headers: client(), body: { delivery_id: delivery.id } })
    assert.notEqual(other.status, 429, "another client has its own allowance")
  })

  it("a preference change over the limit: 429, and the device's preferences are unchanged", async () => {
    const { device } = await customerDevice("prefs-limited")
    const [before] = await db.query(`SELECT "categories", "locale" FROM "push_subscription" WHERE "endpoint" = $1`, [device.endpoint])
    const me = client()
    for (let i = 0; i < 3; i++)
      assert.equal((await store.http.request("POST", "/store/push/preferences", { headers: me, body: {} })).status, 400)
    const change = { endpoint: device.endpoint, auth: device.keys.auth, categories: ["announcements"], locale: "fr" }
    assertLimited(
      await store.http.request("POST", "/store/push/preferences", { headers: me, body: change }),
      20,
      "the 4th preference change"
    )
    const [after] = await db.query(`SELECT "categories", "locale" FROM "push_subscription" WHERE "endpoint" = $1`, [device.endpoint])
    assert.deepEqual(after, before, "nothing changed")
    await store.http.expect(200, "POST", "/store/push/preferences", { headers: client(), body: change })
  })

  it("removing a device over the limit: 429 and the device stays; per customer across addresses too", async () => {
    const { customer, device } = await customerDevice("delete-limited")
    const proof = { endpoint: device.endpoint, auth: device.keys.auth }
    const stored = async () =>
      (await db.query(`SELECT count(*)::int AS n FROM "push_subscription" WHERE "endpoint" = $1`, [device.endpoint]))[0].n as number

    const me = client()
    for (let i = 0; i < 3; i++) await store.http.expect(404, "DELETE", "/store/push/subscriptions", { headers: me, body: unknownProof() })
    assertLimited(
      await store.http.request("DELETE", "/store/push/subscriptions", { headers: me, body: proof }),
      20,
      "the 4th removal from one address"
    )
    assert.equal(await stored(), 1, "the device is still there")

    // The signed-in customer's own allowance holds whatever address each request comes from.
    for (let i = 0; i < 3; i++)
      await store.http.expect(404, "DELETE", "/store/push/subscriptions", {
        headers: client(),
        token: customer.token,
        body: unknownProof(),
      })
    assertLimited(
      await store.http.request("DELETE", "/store/push/subscriptions", { headers: client(), token: customer.token, body: proof }),
      20,
      "the customer's 4th removal"
    )
    assert.equal(await stored(), 1, "the device is still there")

    await store.http.expect(200, "DELETE", "/store/push/subscriptions", { headers: client(), body: proof })
    assert.equal(await stored(), 0)
  })

  it("the admin's removal by proof is limited per admin across addresses; the device stays", async () => {
    const device = store.push.createDevice("admin-delete-limited")
    await store.http.expect(201, "POST", "/admin/push/subscriptions", {
      apiToken: store.admin.apiToken,
      body: { subscription: device.subscription },
    })
    const auth = { apiToken: store.admin.apiToken }
    for (let i = 0; i < 3; i++)
      await store.http.expect(404, "DELETE", "/admin/push/subscriptions", { ...auth, headers: client(), body: unknownProof() })
    const limited = await store.http.request("DELETE", "/admin/push/subscriptions", {
      ...auth,
      headers: client(),
      body: { endpoint: device.endpoint, auth: device.keys.auth },
    })
    assertLimited(limited, 20, "the admin's 4th removal")
    const rows = await db.query(`SELECT "id" FROM "push_subscription" WHERE "endpoint" = $1`, [device.endpoint])
    assert.equal(rows.length, 1, "the admin device is still there")
  })

  it("trust_proxy: 2 counts by the second X-Forwarded-For entry from the right; what the client writes before it changes nothing", async () => {
    const answers: number[] = []
    for (let i = 0; i < 5; i++) {
      // The client forges a new leftmost address each time and the first proxy varies: one client still.
      const headers = { "x-forwarded-for": `6.6.6.${i}, 192.0.2.50, 10.0.0.${i + 1}` }
      answers.push((await store.http.request("DELETE", "/store/push/subscriptions", { headers, body: unknownProof() })).status)
    }
    assert.deepEqual(answers, [404, 404, 404, 429, 429])
    // Through one proxy only, the one entry is the client (fewer entries than trusted hops).
    await store.http.expect(404, "DELETE", "/store/push/subscriptions", {
      headers: { "x-forwarded-for": "192.0.2.51" },
      body: unknownProof(),
    })
    assert.equal(
      (
        await store.http.request("DELETE", "/store/push/subscriptions", {
          headers: { "x-forwarded-for": "192.0.2.50" },
          body: unknownProof(),
        })
      ).status,
      429,
      "the same client without the first proxy is still the same client"
    )
  })
})

const REDIS_URL = process.env.TEST_REDIS_URL
const NO_REDIS =
  "NO REDIS: the shared rate-limit tests did not run. Start Redis on 127.0.0.1:6379 or set TEST_REDIS_URL (required when CI=true)."

describe("rate limits shared through Redis (two stores on one Redis)", () => {
  if (!REDIS_URL) {
    process.stderr.write(`\n${"#".repeat(100)}\n# ${NO_REDIS}\n${"#".repeat(100)}\n\n`)
    it("shares one allowance across instances", { skip: process.env.CI === "true" ? false : NO_REDIS }, () => assert.fail(NO_REDIS))
    return
  }

  const LIMIT = 4
  const rateLimits = { unsubscribe_per_minute: LIMIT, clicks_per_minute: 100_000, preferences_per_minute: 100_000 }
  let first: TestStore
  let second: StoreProcess | undefined
  let server: DatabaseServer
  let secondDb: string | undefined
  const logs: Array<{ level: string; line: string }> = []
  /** One client per run (a fresh IPv6 /64): runs sharing this Redis never share a bucket. */
  const freshClient = (): string => `2001:db8:${randomBytes(2).toString("hex")}:${randomBytes(2).toString("hex")}::1`
  const remove = (http: HttpClient, ip: string) =>
    http.request<RateLimited>("DELETE", "/store/push/subscriptions", { headers: { "x-forwarded-for": ip }, body: unknownProof() })

  interface RedisClient {
    status: string
    pttl(key: string): Promise<number>
    disconnect(): void
    connect(): Promise<void>
  }
  const redis = () => first.app.container.resolve<RedisClient>("redisClient")
  const limiterShared = () => first.app.container.resolve<{ shared: boolean }>("pushRateLimitService").shared

  before(async () => {
    first = await startTestStore("rate_limits_redis", { redisUrl: REDIS_URL, pluginOptions: { rate_limits: rateLimits } })
    const logger = first.app.container.resolve<Record<string, unknown>>("logger")
    for (const level of ["warn", "info", "error"]) {
      const original = logger[level]
      if (typeof original !== "function") continue
      logger[level] = (...args: unknown[]) => {
        logs.push({ level, line: args.map((a) => (typeof a === "string" ? a : inspect(a))).join(" ") })
        return original.apply(logger, args)
      }
    }
    // The second instance: another process, with its own database; only Redis is shared.
    server = await startDatabaseServer()
    secondDb = `wp_rate_limits_second_${process.pid}`
    const url = await createDatabase(server.url, secondDb, process.env.WEB_PUSH_TEMPLATE_DB)
    const vapid = generateVapidKeys()
    const dir = writeStore({
      name: secondDb,
      databaseUrl: url,
      redisUrl: REDIS_URL,
      redisQueue: `web-push-rate-limits-${process.pid}`,
      pluginOptions: {
        vapid_public_key: vapid.publicKey,
        vapid_private_key: vapid.privateKey,
        vapid_subject: "mailto:ops@teststore.dev",
        rate_limits: rateLimits,
      },
    })
    second = await startStoreProcess(dir)
  })

  after(async () => {
    await second?.stop().catch(() => undefined)
    await first?.stop()
    if (secondDb) await dropDatabase(server.url, secondDb).catch(() => undefined)
    await server?.stop()
  })

  it(`with a limit of ${LIMIT}, ${LIMIT} requests split across both instances pass and the next is refused on either`, async () => {
    assert.equal(limiterShared(), true, "the first store keeps its buckets in Redis")
    const a = first.http
    const b = new HttpClient((second as StoreProcess).baseUrl)
    const ip = freshClient()
    const statuses: number[] = []
    for (const http of [a, b, a, b]) statuses.push((await remove(http, ip)).status)
    assert.deepEqual(statuses, [404, 404, 404, 404], "the allowance, taken on both")
    const onFirst = await remove(a, ip)
    assertLimited(onFirst, 15, "the 5th request, on the first instance")
    assertLimited(await remove(b, ip), 15, "the 6th request, on the second instance")
    const ttl = await redis().pttl(`web-push:rl:unsubscribe:${clientKey(ip)}`)
    assert.ok(ttl > 0 && ttl <= 60_000, `the bucket expires within its window (PTTL ${ttl})`)
  })

  it("when Redis stops answering: requests are counted in memory (never a 5xx), one warning without client data; shared again once it is back", async () => {
    const warningsBefore = logs.filter((l) => l.level === "warn").length
    redis().disconnect()
    try {
      await eventually(
        () => `the Redis client closed (it is ${redis().status})`,
        () => redis().status === "end",
        { timeoutMs: 5000, intervalMs: 50 }
      )
      const ip = freshClient()
      const statuses: number[] = []
      for (let i = 0; i < LIMIT + 2; i++) statuses.push((await remove(first.http, ip)).status)
      assert.deepEqual(statuses, [...new Array<number>(LIMIT).fill(404), 429, 429], "this process's memory still limits")
      assert.equal(limiterShared(), false)
      const warnings = logs.filter((l) => l.level === "warn").slice(warningsBefore)
      assert.equal(warnings.length, 1, `one warning for the outage: ${JSON.stringify(warnings)}`)
      assert.match(warnings[0].line, /rate limits are counted per process while Redis does not answer \(connection end\)/)
      assert.doesNotMatch(warnings[0].line, /2001:db8|ip6?:|redis:\/\//, "no client address or Redis URL in the log")
    } finally {
      await redis().connect()
    }
    const ip = freshClient()
    await first.http.expect(404, "DELETE", "/store/push/subscriptions", { headers: { "x-forwarded-for": ip }, body: unknownProof() })
    assert.equal(limiterShared(), true, "back on Redis after one request")
    assert.ok(
      logs.some((l) => l.level === "info" && /shared through Redis again/.test(l.line)),
      "the return is logged"
    )
    assert.ok((await redis().pttl(`web-push:rl:unsubscribe:${clientKey(ip)}`)) > 0, "the new request's bucket is in Redis")
  })
})
