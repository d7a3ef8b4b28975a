import assert from "node:assert/strict"
import { after, before, describe, it } from "node:test"
import type { EntityManager } from "typeorm"
import type { PushMessage } from "../../src/models/push-message"
import type PushNotificationService from "../../src/services/push-notification"
import type { FanoutFault } from "../../src/delivery/fanout-fault"
import { CERT_DIR, startTestStore, TestStore } from "../support/environment"
import { useTestClock, type TestClock } from "../support/clock"
import { eventually } from "../support/eventually"
import { placeOrder, registerCustomer } from "../support/order-flow"
import { createAdmin } from "../support/seed"
import { PushService, ReceivedMessage, startPushService } from "../support/push-service"
import { ensureTestCertificates } from "../support/tls"

const HOUR = 3_600_000
const PAUSE_MS = 600_000
const messageIdOf = (m: ReceivedMessage): string => (m.payload as { data: { message_id: string } }).data.message_id

interface PausedService {
  host: string
  paused_until: string
  reason: string
  status_code: number | null
  since: string
  failures: number
}

/**
 * The retire rule (only what the device caused), the pause of a failing push service, and
 * messages recorded but never fanned out. The engine's clock is moved, never waited for.
 */
describe("delivery engine health: retire rule, push-service pause, fan-out resume", () => {
  let store: TestStore
  let db: EntityManager
  /** The engine's clock: real time plus what the tests moved it on. */
  let clock: TestClock
  let fanoutFault: FanoutFault
  let seeded = 0

  /**
   * Devices written straight into the table (as crash-and-scale.test.ts does), opted into `category`;
   * `proven`: they succeeded before (`last_success_at` set).
   */
  const seedDevices = async (
    push: PushService,
    count: number,
    category: string,
    proven = false
  ): Promise<Array<{ id: string; subscriptionId: string }>> => {
    const devices = Array.from({ length: count }, (_, i) => ({
      device: push.createDevice(`${category}-${proven ? "p" : "n"}${i}`),
      n: ++seeded,
    }))
    await db.query(
      `INSERT INTO "push_subscription" ("id", "endpoint", "p256dh", "auth", "customer_id", "categories", "last_success_at")
       SELECT 'pushsub_health' || lpad(n::text, 5, '0'), e, p, a, 'cus_health' || n, ARRAY[$5::text], CASE WHEN $6 THEN now() END
       FROM unnest($1::text[], $2::text[], $3::text[], $4::int[]) AS t(e, p, a, n)`,
      [
        devices.map((d) => d.device.endpoint),
        devices.map((d) => d.device.keys.p256dh),
        devices.map((d) => d.device.keys.auth),
        devices.map((d) => d.n),
        category,
        proven,
      ]
    )
    return devices.map((d) => ({ id: d.device.id, subscriptionId: `pushsub_health${String(d.n).padStart(5, "0")}` }))
  }

  const broadcast = async (category: string, title: string): Promise<string> => {
    const { message } = await store.http.expect<{ message: { id: string } }>(202, "POST", "/admin/push/broadcasts", {
      apiToken: store.admin.apiToken,
      body: { title, body: "Engine health", category },
    })
    return message.id
  }

  const message = async (id: string): Promise<PushMessage & { last_error: string | null }> =>
    (
      await store.http.expect<{ message: PushMessage & { last_error: string | null } }>(200, "GET", `/admin/push/messages/${id}`, {
        apiToken: store.admin.apiToken,
      })
    ).message

  const settled = (id: string, timeoutMs = 30_000) =>
    eventually(
      `message ${id} done`,
      async () => {
        const m = await message(id)
        return m.status === "done" || m.status === "failed" ? m : undefined
      },
      timeoutMs
    )

  const deviceRow = async (subscriptionId: string) =>
    (await db.query(`SELECT "consecutive_failures", "first_failure_at" FROM "push_subscription" WHERE "id" = $1`, [subscriptionId]))[0] as
      { consecutive_failures: number; first_failure_at: Date | null } | undefined

  before(async () => {
    store = await startTestStore("engine_health", {
      pluginOptions: {
        retry_base_ms: 200,
        retry_poll_ms: 200,
        max_attempts: 3,
        request_timeout_ms: 1000,
        categories: ["svc-faults", "bad-device", "outage", "resume", "resume-fail", "foreign-keys", "orphans", "stale"],
        // Nothing here is about the delivery window or caps: nothing is held, whatever the hour.
        held_categories: [],
        push_service_pause_threshold: 10,
        push_service_pause_ms: PAUSE_MS,
      },
    })
    db = store.app.container.resolve<EntityManager>("manager")
    clock = useTestClock(store)
    fanoutFault = store.app.container.resolve<FanoutFault>("webPushFanoutFault")
  })

  after(async () => {
    fanoutFault?.set(undefined)
    await store?.stop()
  })

  it("a device answered 500, 403 and timeouts for longer than the retire window is kept", async () => {
    const [device] = await seedDevices(store.push, 1, "svc-faults")
    store.push.respondWith(device.id, [{ status: 500 }, { status: 500 }, { status: 500 }])
    const first = await settled(await broadcast("svc-faults", "five hundred"))
    assert.equal(first.status, "done")
    assert.equal(first.failed_count, 1)

    clock.advance(73 * HOUR)
    store.push.respondWith(device.id, [{ status: 403, body: '{"reason":"BadJwtToken"}' }])
    await settled(await broadcast("svc-faults", "forbidden"))
    assert.ok(await deviceRow(device.subscriptionId), "a VAPID rejection 73 h after the first failure retires nothing")

    clock.advance(73 * HOUR)
    store.push.setDelay(device.id, 5000) // well past request_timeout_ms (undici's timers are coarse): every attempt times out
    const timedOut = await settled(await broadcast("svc-faults", "timeouts"), 60_000)
    store.push.setDelay(device.id, 0)
    assert.equal(timedOut.failed_count, 1)
    const [delivery] = await db.query(`SELECT "attempts", "last_error" FROM "push_delivery" WHERE "message_id" = $1`, [timedOut.id])
    assert.equal(delivery.attempts, 3)
    assert.match(delivery.last_error, /timeout/)

    const row = await deviceRow(device.subscriptionId)
    assert.ok(row, "the device is still registered after 146 h of failures that were not its own")
    assert.equal(row.consecutive_failures, 0)
    assert.equal(row.first_failure_at, null)
    const ok = await settled(await broadcast("svc-faults", "works again"))
    assert.equal(ok.delivered_count, 1)
    assert.equal(store.push.messagesFor(device.id).filter((m) => messageIdOf(m) === ok.id).length, 1)
  })

  it("a device answering 400 is retired only after 3 such failures in a row, the first older than the window", async () => {
    const [device] = await seedDevices(store.push, 1, "bad-device")
    const reject = () => store.push.respondWith(device.id, [{ status: 400, body: '{"reason":"BadDeviceToken"}' }])
    for (const [step, advance] of [
      [1, 0],
      [2, HOUR],
      [3, HOUR],
    ] as const) {
      clock.advance(advance)
      reject()
      await settled(await broadcast("bad-device", `bad request ${step}`))
      const row = await deviceRow(device.subscriptionId)
      assert.ok(row, `kept after ${step} failure(s) within the window`)
      assert.equal(row.consecutive_failures, step)
    }
    clock.advance(71 * HOUR) // the first failure is now 73 h old
    reject()
    await settled(await broadcast("bad-device", "bad request 4"))
    assert.equal(await deviceRow(device.subscriptionId), undefined, "retired: a run of 400s spanning the window")
  })

  it("a fan-out that fails right after the message is recorded is resumed by the poller: every device once", async () => {
    const devices = await seedDevices(store.push, 4, "resume")
    let failures = 0
    const seen: unknown[] = []
    fanoutFault.set((m) => {
      seen.push(m.payload)
      if (m.payload.title === "resume me" && failures === 0) {
        failures += 1
        throw new Error("injected fault between record and fan-out")
      }
    })
    try {
      const id = await broadcast("resume", "resume me")
      const done = await settled(id)
      assert.equal(failures, 1, `the fault fired (${JSON.stringify(seen)})`)
      assert.equal(done.status, "done")
      assert.equal(done.delivered_count, 4)
      assert.match(done.last_error ?? "", /^fanout_failed: Error$/, "the failure's reason is kept, without its text")
      const counts = devices.map((d) => store.push.messagesFor(d.id).filter((m) => messageIdOf(m) === id).length)
      assert.deepEqual(counts, [1, 1, 1, 1])
    } finally {
      fanoutFault.set(undefined)
    }
  })

  it("a fan-out that keeps failing ends `failed` after max_attempts, with its reason in the message log", async () => {
    const devices = await seedDevices(store.push, 2, "resume-fail")
    fanoutFault.set((m) => {
      if (m.payload.title === "never fans out") throw Object.assign(new Error("database is gone: secret text"), { code: "ECONNRESET" })
    })
    try {
      const id = await broadcast("resume-fail", "never fans out")
      const failed = await settled(id)
      assert.equal(failed.status, "failed")
      assert.equal(failed.last_error, "fanout_failed: Error (ECONNRESET)")
      const [{ fanout_attempts }] = await db.query(`SELECT "fanout_attempts" FROM "push_message" WHERE "id" = $1`, [id])
      assert.equal(fanout_attempts, 3)
      const log = await store.http.expect<{ messages: Array<{ id: string; status: string; last_error: string | null }> }>(
        200,
        "GET",
        "/admin/push/messages?status=failed",
        { apiToken: store.admin.apiToken }
      )
      assert.deepEqual(
        log.messages.map((m) => [m.id, m.status, m.last_error]),
        [[id, "failed", "fanout_failed: Error (ECONNRESET)"]]
      )
      for (const d of devices) assert.equal(store.push.messagesFor(d.id).length, 0)
    } finally {
      fanoutFault.set(undefined)
    }
  })

  it("an event whose fan-out failed after its message was recorded, delivered again, reaches the device once", async () => {
    const email = "redelivered@teststore.dev"
    const customer = await registerCustomer(store.http, email)
    const device = store.push.createDevice("redelivered-phone")
    await store.http.expect(201, "POST", "/store/push/subscriptions", {
      token: customer.token,
      body: { subscription: device.subscription },
    })
    let failures = 0
    fanoutFault.set((m) => {
      if (m.event_name === "order.placed" && m.audience === "customer" && failures === 0) {
        failures += 1
        throw new Error("injected fault between record and fan-out")
      }
    })
    try {
      const order = await placeOrder(store.http, store.catalog, { token: customer.token, email })
      const recorded = await eventually("the order's message recorded, its fan-out failed", async () => {
        const [m] = await db.query(
          `SELECT "id", "last_error" FROM "push_message" WHERE "event_name" = 'order.placed' AND "audience" = 'customer' AND "resource_id" = $1`,
          [order.id]
        )
        return failures === 1 && m?.last_error ? (m as { id: string }) : undefined
      })
      // The event bus delivers the event again (the Redis bus retries a failed handler): the
      // recorded message is fanned out then, or was already resumed by the poller; never twice.
      await store.app.container.resolve<PushNotificationService>("pushNotificationService").handleEvent("order.placed", { id: order.id })
      const done = await settled(recorded.id)
      assert.equal(done.delivered_count, 1)
      assert.equal(store.push.messagesFor(device.id).filter((m) => messageIdOf(m) === recorded.id).length, 1)
      const [{ n }] = await db.query(
        `SELECT count(*)::int AS n FROM "push_message" WHERE "event_name" = 'order.placed' AND "resource_id" = $1 AND "audience" = 'customer'`,
        [order.id]
      )
      assert.equal(n, 1, "one message for the event, however often it is delivered")
    } finally {
      fanoutFault.set(undefined)
    }
  })

  it("a push service failing for every device is paused, shown to the admin, probed, and then every device gets the message once", async () => {
    const certs = ensureTestCertificates(CERT_DIR)
    const outage = await startPushService({ key: certs.keyPem, cert: certs.certPem, expectedVapidPublicKey: store.vapid.publicKey })
    try {
      const devices = await seedDevices(outage, 12, "outage", true)
      for (const d of devices) outage.respondWith(d.id, [{ status: 403, body: '{"reason":"BadJwtToken"}' }])
      const firstId = await broadcast("outage", "outage one")
      const host = new URL(outage.origin).host
      const config = async () =>
        (
          await store.http.expect<{ config: { paused_push_services: PausedService[] } }>(200, "GET", "/admin/push/config", {
            apiToken: store.admin.apiToken,
          })
        ).config.paused_push_services

      const paused = await eventually("the push service paused", async () => (await config()).find((p) => p.host === host))
      assert.match(paused.reason, /^vapid_rejected HTTP 403: \d+ of \d+ requests failed$/)
      assert.equal(paused.status_code, 403)
      const pausedUntil = new Date(paused.paused_until).getTime()
      const engineNow = clock.now().getTime()
      assert.ok(pausedUntil > engineNow + PAUSE_MS - 60_000 && pausedUntil <= engineNow + PAUSE_MS, "paused for push_service_pause_ms")

      const rows = async (messageId: string) =>
        db.query(`SELECT "status", "attempts", "next_attempt_at", "last_error" FROM "push_delivery" WHERE "message_id" = $1`, [
          messageId,
        ]) as Promise<Array<{ status: string; attempts: number; next_attempt_at: Date; last_error: string }>>
      const first = await eventually("every delivery kept for the pause", async () => {
        const r = await rows(firstId)
        return r.length === 12 && r.every((d) => d.status === "retrying") ? r : undefined
      })
      for (const d of first) {
        assert.equal(d.attempts, 0, "an attempt to a paused service is not counted")
        assert.equal(new Date(d.next_attempt_at).getTime(), pausedUntil)
        assert.match(d.last_error, /^push_service_paused/)
      }
      const sentBeforePause = outage.attempts.length
      assert.ok(sentBeforePause >= 10 && sentBeforePause <= 12, `each device tried at most once before the pause (${sentBeforePause})`)

      // While paused, a new message is not sent to it at all.
      const secondId = await broadcast("outage", "outage two")
      await eventually("the second message waits for the pause", async () => {
        const r = await rows(secondId)
        return r.length === 12 && r.every((d) => d.status === "retrying" && d.last_error === "push_service_paused" && d.attempts === 0)
      })
      assert.equal(outage.attempts.length, sentBeforePause, "nothing sent to a paused push service")
      const [{ n: kept }] = await db.query(`SELECT count(*)::int AS n FROM "push_subscription" WHERE 'outage' = ANY("categories")`)
      assert.equal(kept, 12, "no device removed")

      // The pause ends; the probe fails again: paused twice as long, one request sent.
      for (const d of devices) outage.respondWith(d.id, [{ status: 503 }])
      clock.advance(PAUSE_MS + 1000)
      const [again] = await eventually("paused again after the probe", async () => {
        const [row] = await db.query(`SELECT "pauses", "paused_until" FROM "push_service_health" WHERE "origin" = $1`, [outage.origin])
        return row?.pauses === 2 ? [row] : undefined
      })
      const secondPause = new Date(again.paused_until).getTime() - clock.now().getTime()
      assert.ok(secondPause > 2 * PAUSE_MS - 60_000 && secondPause <= 2 * PAUSE_MS, `the second pause doubles (${secondPause} ms)`)
      assert.equal(outage.attempts.length, sentBeforePause + 1, "one probe, not every delivery")
      await eventually("a second pause counts an attempt of every delivery it holds", async () => {
        const all = [...(await rows(firstId)), ...(await rows(secondId))]
        return all.length === 24 && all.every((d) => d.status === "retrying" && d.attempts === 1)
      })

      // The push service recovers: after the pause, the probe succeeds and every device gets each message once.
      outage.reset()
      clock.advance(2 * PAUSE_MS + 1000)
      for (const id of [firstId, secondId]) {
        const done = await settled(id)
        assert.equal(done.delivered_count, 12)
        const counts = devices.map((d) => outage.messagesFor(d.id).filter((m) => messageIdOf(m) === id).length)
        assert.deepEqual(counts, Array(12).fill(1), "each device got it exactly once")
      }
      assert.deepEqual(await config(), [], "no longer shown once it answers again")
      const [{ n: health }] = await db.query(`SELECT count(*)::int AS n FROM "push_service_health"`)
      assert.equal(health, 0)
    } finally {
      await outage.close()
    }
  })

  /** Runs `work` with the engine's clock stopped (nothing falls due meanwhile), then moves it on by `advanceMs`. */
  const withFrozenClock = async <T>(work: () => Promise<T>, advanceMs = 60_000): Promise<T> => {
    clock.freeze()
    try {
      return await work()
    } finally {
      clock.advance(advanceMs)
      clock.resume()
    }
  }

  it("devices that never succeeded answering 403 (a foreign applicationServerKey) do not pause their push service", async () => {
    const certs = ensureTestCertificates(CERT_DIR)
    const shared = await startPushService({ key: certs.keyPem, cert: certs.certPem, expectedVapidPublicKey: store.vapid.publicKey })
    try {
      const foreign = await seedDevices(shared, 12, "foreign-keys")
      const [regular] = await seedDevices(shared, 1, "foreign-keys", true)
      for (const d of foreign) shared.respondWith(d.id, Array(4).fill({ status: 403, body: '{"reason":"InvalidApplicationServerKey"}' }))
      for (const title of ["foreign one", "foreign two"]) {
        const id = await broadcast("foreign-keys", title)
        const done = await settled(id)
        assert.equal(done.delivered_count, 1, `${title}: the device that succeeded before gets it`)
        assert.equal(done.failed_count, 12, `${title}: each foreign-key device's 403 is its own, final outcome`)
        assert.equal(shared.messagesFor(regular.id).filter((m) => messageIdOf(m) === id).length, 1)
      }
      const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM "push_service_health" WHERE "origin" = $1`, [shared.origin])
      assert.equal(n, 0, "the push service is not paused")
      const statuses: Array<{ status: string; attempts: number }> = await db.query(
        `SELECT DISTINCT "status", "attempts" FROM "push_delivery" WHERE "subscription_id" = ANY($1)`,
        [foreign.map((f) => f.subscriptionId)]
      )
      assert.deepEqual(statuses, [{ status: "rejected", attempts: 1 }])
    } finally {
      await shared.close()
    }
  })

  it("more orphaned open deliveries than the poller takes at once never stall it: they end gone, a real retry is sent", async () => {
    const [device] = await seedDevices(store.push, 1, "orphans", true)
    store.push.respondWith(device.id, [{ status: 503 }])
    const id = await withFrozenClock(async () => {
      const messageId = await broadcast("orphans", "after the orphans")
      await eventually("the first attempt answered 503", async () => {
        const [d] = await db.query(`SELECT "status" FROM "push_delivery" WHERE "message_id" = $1`, [messageId])
        return d?.status === "retrying"
      })
      // 1500 open deliveries (every open status, due before the real retry) whose devices were removed: more than
      // the poller claims at once (200), even when several polls overlap and skip each other's locked rows.
      await db.query(
        `WITH m AS (
           INSERT INTO "push_message" ("id", "idempotency_key", "event_name", "audience", "template_key", "category", "payload", "ttl", "urgency", "status", "created_at")
           SELECT 'pushmsg_orphans', 'orphans-test', "event_name", "audience", "template_key", "category", "payload", "ttl", "urgency", 'sending', $2
           FROM "push_message" WHERE "id" = $1
           RETURNING "id")
         INSERT INTO "push_delivery" ("id", "message_id", "subscription_id", "status", "next_attempt_at")
         SELECT 'pushdel_orphan' || n, m."id", 'pushsub_removed' || n,
                (ARRAY['pending', 'sending', 'retrying', 'scheduled'])[1 + n % 4], $2::timestamptz - interval '1 hour'
         FROM m, generate_series(1, 1500) AS n`,
        [messageId, clock.now()]
      )
      return messageId
    })
    const done = await settled(id)
    assert.equal(done.delivered_count, 1)
    assert.equal(store.push.messagesFor(device.id).filter((m) => messageIdOf(m) === id).length, 1)
    const orphans = await settled("pushmsg_orphans")
    assert.equal(orphans.status, "done")
    assert.equal(orphans.gone_count, 1500)
    const [{ open }] = await db.query(
      `SELECT count(*)::int AS open FROM "push_delivery" WHERE "message_id" = 'pushmsg_orphans' AND "status" <> 'gone'`
    )
    assert.equal(open, 0)
  })

  it("a retry to a deleted admin's device is never sent: the device is removed, the delivery closed as gone", async () => {
    const users = store.app.container.resolve<{ delete(id: string): Promise<void> }>("userService")
    const leaver = await createAdmin(store.app.container, "retry-leaver@teststore.dev")
    const laptop = store.push.createDevice("retry-leaver-laptop")
    await store.http.expect(201, "POST", "/admin/push/subscriptions", {
      apiToken: leaver.apiToken,
      body: { subscription: laptop.subscription },
    })
    store.push.respondWith(laptop.id, [{ status: 503 }])
    const deliveryId = await withFrozenClock(async () => {
      await store.http.expect(200, "POST", "/admin/push/test", { apiToken: leaver.apiToken, body: {} })
      const retrying = await eventually("the test notification is retrying", async () => {
        const [d] = await db.query(
          `SELECT d."id", d."status" FROM "push_delivery" d JOIN "push_message" m ON m."id" = d."message_id" WHERE m."target_user_id" = $1`,
          [leaver.id]
        )
        return d?.status === "retrying" ? (d as { id: string }) : undefined
      })
      await users.delete(leaver.id)
      return retrying.id
    })
    await eventually("the delivery closed as gone", async () => {
      const [d] = await db.query(`SELECT "status" FROM "push_delivery" WHERE "id" = $1`, [deliveryId])
      return d?.status === "gone"
    })
    assert.equal(store.push.attempts.filter((a) => a.deviceId === laptop.id).length, 1, "only the first attempt, before the deletion")
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM "push_subscription" WHERE "endpoint" = $1`, [laptop.endpoint])
    assert.equal(n, 0, "the departed admin's device is removed")
  })

  it("a message never fanned out is not resumed once older than its TTL: it ends failed, expired", async () => {
    const [device] = await seedDevices(store.push, 1, "stale", true)
    let fired = 0
    fanoutFault.set((m) => {
      if (m.payload.title === "stale news" && fired === 0) {
        fired += 1
        throw new Error("injected fault between record and fan-out")
      }
    })
    clock.freeze()
    let id = ""
    try {
      id = await broadcast("stale", "stale news")
      await eventually("the fan-out failed", async () => fired === 1 && (await message(id)).last_error !== null)
      const [{ ttl }] = await db.query(`SELECT "ttl" FROM "push_message" WHERE "id" = $1`, [id])
      clock.advance((ttl as number) * 1000 + HOUR) // an upgrade a day later: the message is past its TTL
    } finally {
      fanoutFault.set(undefined)
      clock.resume()
    }
    const ended = await settled(id)
    assert.equal(ended.status, "failed")
    assert.equal(ended.last_error, "expired")
    assert.equal(store.push.messagesFor(device.id).length, 0)
  })
})
