import assert from "node:assert/strict"
import { after, before, describe, it } from "node:test"
import type { EntityManager } from "typeorm"
import type { FanoutFault } from "../../src/delivery/fanout-fault"
import { useTestClock, type TestClock } from "../support/clock"
import { startTestStore, TestStore } from "../support/environment"
import { eventually } from "../support/eventually"
import { registerCustomer } from "../support/order-flow"
import type { Device, ReceivedMessage } from "../support/push-service"

const HOUR = 3_600_000
const DAY = 24 * HOUR
/** The engine's time for the whole file: every order and device is dated from it. */
const T0 = new Date("2026-11-30T12:00:00Z")
const ago = (ms: number): Date => new Date(T0.getTime() - ms)
const CATEGORY = "announcements"

const messageIdOf = (m: ReceivedMessage): string => (m.payload as { data: { message_id: string } }).data.message_id

interface Reach {
  recipient_count: number
  sending_now: number
  held_for_window: number
  segment: Record<string, unknown> | null
}

/**
 * Who a segmented broadcast reaches, checked against the data: customers in groups, orders in
 * regions at different times (one canceled), devices with languages and subscription dates, and
 * devices a broadcast never reaches (not opted in, an admin's, a guest's). Every expectation is an
 * SQL query written here, apart from the plugin's, and a list of the devices it must name.
 */
describe("broadcast segments", () => {
  let store: TestStore
  let db: EntityManager
  let clock: TestClock
  let fanoutFault: FanoutFault
  let secondRegion: string
  const groups: Record<string, string> = {}
  /** Device label -> device (its endpoint is how the expectations name it). */
  const devices = new Map<string, Device>()

  const addCustomer = async (id: string) => {
    await db.query(`INSERT INTO "customer" ("id", "email", "first_name", "has_account") VALUES ($1, $2, 'Seg', true)`, [
      id,
      `${id}@teststore.dev`,
    ])
  }
  const addOrder = async (customerId: string, regionId: string, placed: Date, status = "pending") => {
    await db.query(
      `INSERT INTO "order" ("id", "customer_id", "email", "region_id", "currency_code", "status", "created_at")
       VALUES ('order_seg_' || md5(random()::text), $1::text, $1::text || '@teststore.dev', $2, 'eur', $3, $4)`,
      [customerId, regionId, status, placed]
    )
  }
  const addDevice = async (
    label: string,
    owner: { customer_id?: string; user_id?: string; order_id?: string },
    extra: {
      locale?: string | null
      since: Date
      categories?: string[]
    }
  ) => {
    const device = store.push.createDevice(label)
    devices.set(label, device)
    await db.query(
      `INSERT INTO "push_subscription" ("id", "endpoint", "p256dh", "auth", "customer_id", "user_id", "order_id", "guest_expires_at",
                                        "categories", "locale", "created_at")
       VALUES ('pushsub_seg_' || $1, $2, $3, $4, $5, $6, $7::text, CASE WHEN $7::text IS NULL THEN NULL ELSE $10::timestamptz + interval '30 days' END,
               $8, $9, $10)`,
      [
        label.replace(/[^a-z0-9]/g, "_"),
        device.endpoint,
        device.keys.p256dh,
        device.keys.auth,
        owner.customer_id ?? null,
        owner.user_id ?? null,
        owner.order_id ?? null,
        extra.categories ?? [CATEGORY],
        extra.locale ?? null,
        extra.since,
      ]
    )
  }

  /** The endpoints an independent query selects: opted-in customer devices meeting `where` (on `s`, at `$1` = T0). */
  const selected = async (where: string, params: unknown[] = []): Promise<string[]> => {
    const rows: Array<{ endpoint: string }> = await db.query(
      `SELECT s."endpoint" FROM "push_subscription" s JOIN "customer" c ON c."id" = s."customer_id"
       WHERE $2 = ANY(s."categories") AND $1::timestamptz IS NOT NULL AND (${where}) ORDER BY 1`,
      [T0, CATEGORY, ...params]
    )
    return rows.map((r) => r.endpoint)
  }
  const endpointsOf = (labels: string[]): string[] => labels.map((l) => devices.get(l)!.endpoint).sort()

  const dryRun = (segment: unknown) =>
    store.http.expect<Reach>(200, "POST", "/admin/push/broadcasts", {
      apiToken: store.admin.apiToken,
      body: { title: "Count", body: "Count only", category: CATEGORY, segment, dry_run: true },
    })

  /** Broadcasts to the segment and answers the endpoints that received it, once it is done. */
  const deliveredTo = async (title: string, segment: unknown) => {
    const sent = await store.http.expect<{ message: { id: string } } & Reach>(202, "POST", "/admin/push/broadcasts", {
      apiToken: store.admin.apiToken,
      body: { title, body: "Only for you", category: CATEGORY, segment },
    })
    const done = await eventually(`${title} done`, async () => {
      const [row] = await db.query(`SELECT * FROM "push_message" WHERE "id" = $1 AND "status" = 'done'`, [sent.message.id])
      return row
    })
    const byDevice = new Map([...devices.values()].map((d) => [d.id, d.endpoint]))
    const received = await eventually(`${title} arrived`, () => {
      const got = store.push.messages.filter((m) => messageIdOf(m) === sent.message.id)
      return got.length === done.delivered_count ? got : undefined
    })
    const endpoints = received.map((m) => byDevice.get(m.deviceId) ?? m.deviceId).sort()
    assert.equal(new Set(endpoints).size, endpoints.length, "each device once")
    return { sent, done, endpoints }
  }

  before(async () => {
    store = await startTestStore("segments", {
      // Small batches so the large audience goes through several; nothing held or capped here.
      pluginOptions: { batch_size: 25, retry_poll_ms: 200, held_categories: [], frequency_caps: {} },
    })
    db = store.app.container.resolve<EntityManager>("manager")
    fanoutFault = store.app.container.resolve<FanoutFault>("webPushFanoutFault")
    clock = useTestClock(store)
    clock.freeze(T0)
    const auth = { apiToken: store.admin.apiToken }
    const { region } = await store.http.expect<{ region: { id: string } }>(200, "POST", "/admin/regions", {
      ...auth,
      body: {
        name: "Italy",
        currency_code: "eur",
        tax_rate: 0,
        payment_providers: ["manual"],
        fulfillment_providers: ["manual"],
        countries: ["it"],
      },
    })
    secondRegion = region.id
    const first = store.catalog.regionId

    for (const name of ["ada", "bob", "cleo", "dan", "eve", "fay", "gus"]) await addCustomer(`cus_seg_${name}`)
    for (const [name, members] of Object.entries({ vip: ["ada", "cleo", "fay", "gus"], wholesale: ["bob", "cleo"] })) {
      const { customer_group } = await store.http.expect<{ customer_group: { id: string } }>(200, "POST", "/admin/customer-groups", {
        ...auth,
        body: { name },
      })
      groups[name] = customer_group.id
      await store.http.expect(200, "POST", `/admin/customer-groups/${customer_group.id}/customers/batch`, {
        ...auth,
        body: { customer_ids: members.map((m) => ({ id: `cus_seg_${m}` })) },
      })
    }
    await addOrder("cus_seg_ada", first, ago(2 * DAY))
    await addOrder("cus_seg_bob", first, ago(100 * DAY))
    await addOrder("cus_seg_bob", secondRegion, ago(40 * DAY)) // bob's latest: the second region
    await addOrder("cus_seg_cleo", first, ago(50 * DAY))
    await addOrder("cus_seg_cleo", secondRegion, ago(10 * DAY), "canceled") // does not count
    await addOrder("cus_seg_eve", first, ago(5 * DAY), "canceled") // eve never ordered
    await addOrder("cus_seg_fay", secondRegion, ago(7 * DAY - HOUR / 2)) // 30 minutes inside "the last 7 days"
    await addOrder("cus_seg_gus", first, ago(DAY))

    await addDevice("ada-phone", { customer_id: "cus_seg_ada" }, { locale: "fr-CA", since: new Date("2026-11-01T10:00:00Z") })
    await addDevice("ada-laptop", { customer_id: "cus_seg_ada" }, { locale: "en", since: new Date("2026-06-01T10:00:00Z") })
    await addDevice("bob", { customer_id: "cus_seg_bob" }, { locale: "fr", since: new Date("2026-10-15T10:00:00Z") })
    await addDevice("cleo", { customer_id: "cus_seg_cleo" }, { locale: "de", since: new Date("2026-11-20T10:00:00Z") })
    await addDevice("dan", { customer_id: "cus_seg_dan" }, { locale: null, since: new Date("2026-11-25T10:00:00Z") })
    await addDevice("eve", { customer_id: "cus_seg_eve" }, { locale: "fr-FR", since: new Date("2026-09-01T10:00:00Z") })
    await addDevice("fay", { customer_id: "cus_seg_fay" }, { locale: "es", since: new Date("2026-11-29T10:00:00Z") })
    // Never in a broadcast: not opted in, an admin's device, a guest's device.
    await addDevice("gus", { customer_id: "cus_seg_gus" }, { locale: "fr", since: T0, categories: ["order_updates"] })
    await addDevice("admin", { user_id: store.admin.id }, { locale: "fr", since: T0 })
    const [order] = await db.query(`SELECT "id" FROM "order" WHERE "customer_id" = 'cus_seg_ada' LIMIT 1`)
    await addDevice("guest", { order_id: order.id }, { locale: "fr", since: T0 })
  })

  after(async () => {
    fanoutFault?.set(undefined)
    await store?.stop()
  })

  /** Each segment: the independent query, the devices it must name, and the segment as the admin sends it. */
  const cases: Array<{ name: string; segment: () => Record<string, unknown>; where: () => [string, unknown[]]; labels: string[] }> = [
    {
      name: "a customer group",
      segment: () => ({ customer_group_ids: [groups.vip] }),
      where: () => [
        `s."customer_id" IN (SELECT "customer_id" FROM "customer_group_customers" WHERE "customer_group_id" = $3)`,
        [groups.vip],
      ],
      labels: ["ada-phone", "ada-laptop", "cleo", "fay"],
    },
    {
      name: "a region (the latest order's, canceled orders aside)",
      segment: () => ({ region_ids: [secondRegion] }),
      where: () => [
        `s."customer_id" IN (SELECT "customer_id" FROM (
           SELECT DISTINCT ON ("customer_id") "customer_id", "region_id" FROM "order"
           WHERE "status"::text <> 'canceled' AND "created_at" <= $1 ORDER BY "customer_id", "created_at" DESC) latest
         WHERE "region_id" = $3)`,
        [secondRegion],
      ],
      labels: ["bob", "fay"],
    },
    {
      name: "ordered in the last 30 days",
      segment: () => ({ ordered_within_days: 30 }),
      where: () => [
        `s."customer_id" IN (SELECT "customer_id" FROM "order" WHERE "status"::text <> 'canceled'
           AND "created_at" BETWEEN $1::timestamptz - interval '30 days' AND $1)`,
        [],
      ],
      labels: ["ada-phone", "ada-laptop", "fay"],
    },
    {
      name: "never ordered",
      segment: () => ({ never_ordered: true }),
      where: () => [`s."customer_id" NOT IN (SELECT "customer_id" FROM "order" WHERE "status"::text <> 'canceled')`, []],
      labels: ["dan", "eve"],
    },
    {
      name: "a device language (fr takes fr-CA and fr-FR)",
      segment: () => ({ locales: ["fr"] }),
      where: () => [`split_part(lower(s."locale"), '-', 1) = 'fr'`, []],
      labels: ["ada-phone", "bob", "eve"],
    },
    {
      name: "subscribed since a day",
      segment: () => ({ subscribed_since: "2026-11-15" }),
      where: () => [`s."created_at" >= '2026-11-15T00:00:00Z'`, []],
      labels: ["cleo", "dan", "fay"],
    },
    {
      name: "a combination: a group, two languages, ordered in the last 30 days",
      segment: () => ({ customer_group_ids: [groups.vip, groups.wholesale], locales: ["fr-CA", "es"], ordered_within_days: 30 }),
      where: () => [
        `s."customer_id" IN (SELECT "customer_id" FROM "customer_group_customers" WHERE "customer_group_id" IN ($3, $4))
         AND s."locale" IN ('fr-CA', 'es')
         AND s."customer_id" IN (SELECT "customer_id" FROM "order" WHERE "status"::text <> 'canceled'
               AND "created_at" BETWEEN $1::timestamptz - interval '30 days' AND $1)`,
        [groups.vip, groups.wholesale],
      ],
      labels: ["ada-phone", "fay"],
    },
  ]

  for (const c of cases) {
    it(`${c.name}: the dry run counts, and the broadcast reaches, exactly the devices the data says`, async () => {
      const [where, params] = c.where()
      const expected = await selected(where, params)
      assert.deepEqual(expected, endpointsOf(c.labels), "the independent query names the devices this case is about")
      const dry = await dryRun(c.segment())
      assert.equal(dry.recipient_count, expected.length)
      assert.ok(dry.segment, "the dry run shows the segment")
      const { sent, done, endpoints } = await deliveredTo(`Segment: ${c.name}`, c.segment())
      assert.deepEqual(endpoints, expected)
      assert.equal(sent.recipient_count, dry.recipient_count)
      assert.equal(done.delivered_count, dry.recipient_count, "the dry run's count is what was delivered")
      assert.equal(done.target_count, dry.recipient_count)
      assert.ok(done.segment, "the segment is stored on the message")
      const view = await store.http.expect<{ message: { segment: unknown } }>(200, "GET", `/admin/push/messages/${sent.message.id}`, {
        apiToken: store.admin.apiToken,
      })
      assert.deepEqual(view.message.segment, done.segment, "the message page shows the segment")
    })
  }

  it("bad segments answer 400 naming the field, and store nothing", async () => {
    const bad: Array<[unknown, string]> = [
      ["vip", "segment"],
      [{ regions: ["reg_1"] }, "segment.regions"],
      [{ customer_group_ids: [] }, "segment.customer_group_ids"],
      [{ customer_group_ids: ["cgrp_does_not_exist"] }, "segment.customer_group_ids"],
      [{ customer_group_ids: [42] }, "segment.customer_group_ids"],
      [{ region_ids: ["reg_does_not_exist"] }, "segment.region_ids"],
      [{ ordered_within_days: 0 }, "segment.ordered_within_days"],
      [{ ordered_within_days: 2.5 }, "segment.ordered_within_days"],
      [{ never_ordered: false }, "segment.never_ordered"],
      [{ never_ordered: true, ordered_within_days: 30 }, "segment.never_ordered"],
      [{ locales: ["not a language!"] }, "segment.locales"],
      [{ subscribed_since: "last week" }, "segment.subscribed_since"],
      [{ subscribed_since: "0000-01-01" }, "segment.subscribed_since"], // Postgres refuses year 0: was a 500
      [{ subscribed_since: "2026-02-30" }, "segment.subscribed_since"], // was moved to 2 March
    ]
    const count = async () => (await db.query(`SELECT count(*)::int AS n FROM "push_message"`))[0].n
    const before = await count()
    for (const [segment, field] of bad) {
      for (const dry_run of [true, false]) {
        const res = await store.http.request<{ field: string; message: string }>("POST", "/admin/push/broadcasts", {
          apiToken: store.admin.apiToken,
          body: { title: "Bad", body: "Bad segment", category: CATEGORY, segment, dry_run },
        })
        assert.equal(res.status, 400, `${JSON.stringify(segment)}: ${JSON.stringify(res.body)}`)
        assert.equal(res.body.field, field, JSON.stringify(segment))
        assert.ok(res.body.message.includes(field), res.body.message)
      }
    }
    assert.equal(await count(), before, "nothing recorded")
  })

  it("a large audience in batches, fanned out an hour after it was recorded, still selects the segment as of its recording", async () => {
    const bulk = 150
    const ids = Array.from({ length: bulk }, (_, i) => `cus_segbulk_${String(i).padStart(3, "0")}`)
    await db.query(
      `INSERT INTO "customer" ("id", "email", "has_account") SELECT id, id || '@teststore.dev', true FROM unnest($1::text[]) AS t(id)`,
      [ids]
    )
    // A third ordered in the second region 30 minutes inside "the last 7 days"; a third there too, 20 days ago; a third elsewhere.
    const placed = ids.map((_, i) => (i % 3 === 0 ? ago(7 * DAY - HOUR / 2) : i % 3 === 1 ? ago(20 * DAY) : ago(DAY)))
    await db.query(
      `INSERT INTO "order" ("id", "customer_id", "email", "region_id", "currency_code", "created_at")
       SELECT 'order_segbulk_' || t.id, t.id, t.id || '@teststore.dev', t.region, 'eur', t.placed
       FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS t(id, region, placed)`,
      [ids, ids.map((_, i) => (i % 3 === 2 ? store.catalog.regionId : secondRegion)), placed]
    )
    const bulkDevices = ids.map((id) => store.push.createDevice(id))
    bulkDevices.forEach((d, i) => devices.set(ids[i], d))
    await db.query(
      `INSERT INTO "push_subscription" ("id", "endpoint", "p256dh", "auth", "customer_id", "categories", "created_at")
       SELECT 'pushsub_' || t.id, t.e, t.p, t.a, t.id, ARRAY[$5::text], $6 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(id, e, p, a)`,
      [
        ids,
        bulkDevices.map((d) => d.endpoint),
        bulkDevices.map((d) => d.keys.p256dh),
        bulkDevices.map((d) => d.keys.auth),
        CATEGORY,
        ago(DAY),
      ]
    )
    const segment = { region_ids: [secondRegion], ordered_within_days: 7 }
    const expected = await selected(
      `s."customer_id" IN (SELECT o."customer_id" FROM "order" o
         WHERE o."status"::text <> 'canceled' AND o."region_id" = $3 AND o."created_at" BETWEEN $1::timestamptz - interval '7 days' AND $1
           AND NOT EXISTS (SELECT 1 FROM "order" later WHERE later."customer_id" = o."customer_id" AND later."status"::text <> 'canceled'
                             AND later."created_at" > o."created_at" AND later."created_at" <= $1))`,
      [secondRegion]
    )
    assert.deepEqual(expected, endpointsOf([...ids.filter((_, i) => i % 3 === 0), "fay"]))
    assert.ok(expected.length > 25 * 2, "more than two batches")
    const dry = await dryRun(segment)
    assert.equal(dry.recipient_count, expected.length)

    // The fan-out (its count and every batch) runs an hour after the broadcast was recorded: by then
    // these orders are more than 7 days old, yet the segment is evaluated at the message's time.
    const title = "Segment: large, an hour later"
    fanoutFault.set((m) => {
      if (m.payload.title === title) clock.freeze(new Date(T0.getTime() + HOUR))
    })
    try {
      const { sent, done, endpoints } = await deliveredTo(title, segment)
      assert.deepEqual(endpoints, expected)
      assert.equal(done.delivered_count, dry.recipient_count)
      const [{ batches }] = await db.query(`SELECT count(*)::int AS batches FROM "push_batch" WHERE "message_id" = $1`, [sent.message.id])
      assert.ok(batches >= 3, `sent in batches (${batches})`)
      assert.equal(new Date(done.audience_at).toISOString(), T0.toISOString(), "the segment's time is the recording's")
      // Evaluated now (an hour later), the same segment selects none of those devices.
      assert.equal((await dryRun(segment)).recipient_count, 0)
    } finally {
      fanoutFault.set(undefined)
      clock.freeze(T0)
    }
  })

  it("without the welcome option, a new customer device gets no welcome", async () => {
    const customer = await registerCustomer(store.http, "no-welcome@teststore.dev")
    const device = store.push.createDevice("no-welcome")
    await store.http.expect(201, "POST", "/store/push/subscriptions", {
      token: customer.token,
      body: { subscription: device.subscription },
    })
    await eventually("the subscription's events handled", async () => {
      const [row] = await db.query(`SELECT count(*)::int AS n FROM "staged_job"`)
      return row.n === 0
    })
    const rows = await db.query(`SELECT 1 FROM "push_message" WHERE "event_name" = 'web_push.welcome'`)
    assert.equal(rows.length, 0)
    assert.equal(store.push.messagesFor(device.id).length, 0)
  })
})
