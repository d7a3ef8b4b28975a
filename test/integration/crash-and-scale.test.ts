import assert from "node:assert/strict"
import { after, before, describe, it } from "node:test"
import { Client } from "pg"
import { generateVapidKeys } from "../../src/core/keys/keys"
import { createDatabase, DatabaseServer, dropDatabase, startDatabaseServer } from "../support/database"
import { CERT_DIR } from "../support/environment"
import { eventually } from "../support/eventually"
import { HttpClient } from "../support/http"
import { PushService, ReceivedMessage, startPushService } from "../support/push-service"
import { startStoreProcess, StoreProcess } from "../support/store-process"
import { writeStore } from "../support/store"
import { ensureTestCertificates } from "../support/tls"

const ADMIN_TOKEN = `crash_admin_${process.pid}`
const messageIdOf = (m: ReceivedMessage): string => (m.payload as { data: { message_id: string } }).data.message_id

/** Subscriptions written straight into the table: thousands of customers' devices in one statement. */
async function seedDevices(db: Client, push: PushService, count: number, category: string): Promise<string[]> {
  const devices = Array.from({ length: count }, (_, i) => push.createDevice(`bulk-${i}`))
  await db.query(
    `INSERT INTO "push_subscription" ("id", "endpoint", "p256dh", "auth", "customer_id", "categories")
     SELECT 'pushsub_bulk' || lpad(n::text, 6, '0'), e, p, a, 'cus_bulk' || n, ARRAY[$5::text]
     FROM unnest($1::text[], $2::text[], $3::text[], $4::int[]) AS t(e, p, a, n)`,
    [devices.map((d) => d.endpoint), devices.map((d) => d.keys.p256dh), devices.map((d) => d.keys.auth), devices.map((_, i) => i), category]
  )
  return devices.map((d) => d.id)
}

/** Per device, how many times the broadcast arrived. */
function arrivals(push: PushService, messageId: string): Map<string, number> {
  const counts = new Map<string, number>()
  for (const m of push.messages) if (messageIdOf(m) === messageId) counts.set(m.deviceId, (counts.get(m.deviceId) ?? 0) + 1)
  return counts
}

describe("delivery engine across processes", () => {
  let server: DatabaseServer
  let push: PushService
  const databases: string[] = []
  const processes: StoreProcess[] = []

  async function newStore(name: string, redisUrl?: string): Promise<{ dir: string; db: Client; dbName: string }> {
    const dbName = `wp_${name}_${process.pid}`
    const url = await createDatabase(server.url, dbName, process.env.WEB_PUSH_TEMPLATE_DB)
    databases.push(dbName)
    const vapid = generateVapidKeys()
    const dir = writeStore({
      name: dbName,
      databaseUrl: url,
      redisUrl,
      redisQueue: `web-push-test-${name}-${process.pid}`,
      pluginOptions: {
        vapid_public_key: vapid.publicKey,
        vapid_private_key: vapid.privateKey,
        vapid_subject: "mailto:ops@teststore.dev",
        allow_loopback_endpoints: true,
        batch_size: 250,
        lease_ms: 4000,
        retry_poll_ms: 300,
        concurrency: 20,
        // The broadcasts here are about crashes and scale, not the delivery window: nothing is held,
        // whatever the hour the suite runs at.
        held_categories: [],
      },
    })
    const db = new Client({ connectionString: url })
    await db.connect()
    return { dir, db, dbName }
  }

  const broadcast = (store: StoreProcess) =>
    new HttpClient(store.baseUrl).expect<{ message: { id: string } }>(202, "POST", "/admin/push/broadcasts", {
      apiToken: ADMIN_TOKEN,
      body: { title: "Flash sale", body: "Everything 30% off for one hour", category: "promotions" },
    })

  const messageDone = (db: Client, id: string) =>
    eventually(
      "broadcast done",
      async () => {
        const { rows } = await db.query(`SELECT * FROM "push_message" WHERE "id" = $1 AND "status" = 'done'`, [id])
        return rows[0]
      },
      180_000
    )

  before(async () => {
    server = await startDatabaseServer()
    const certs = ensureTestCertificates(CERT_DIR)
    push = await startPushService({ key: certs.keyPem, cert: certs.certPem })
  })

  after(async () => {
    for (const p of processes) await p.stop().catch(() => undefined)
    await push?.close()
    for (const name of databases) await dropDatabase(server.url, name).catch(() => undefined)
    await server?.stop()
  })

  it("a store killed in the middle of a 5,000-recipient broadcast finishes it after a restart; each device shows it once", async () => {
    const { dir, db } = await newStore("crash")
    try {
      const devices = await seedDevices(db, push, 5000, "promotions")
      const first = await startStoreProcess(dir, { STORE_ADMIN_TOKEN: ADMIN_TOKEN })
      processes.push(first)
      const { message } = await broadcast(first)
      await eventually("1,000 deliveries before the crash", async () => arrivals(push, message.id).size >= 1000, 120_000)
      await first.kill()
      const atCrash = arrivals(push, message.id).size
      assert.ok(atCrash < 5000, `the crash came too late to prove anything (${atCrash} delivered)`)

      const second = await startStoreProcess(dir, { STORE_ADMIN_TOKEN: ADMIN_TOKEN })
      processes.push(second)
      const done = await messageDone(db, message.id)
      assert.equal(done.target_count, 5000)
      assert.equal(done.delivered_count, 5000)

      const counts = arrivals(push, message.id)
      const missing = devices.filter((id) => !counts.has(id))
      assert.deepEqual(missing, [], "every device received the broadcast")
      // Requests in flight at the kill cannot be known to have arrived: those few are sent again.
      // The service worker shows a repeat of the same message under the same tag without a new
      // alert, so each customer sees one notification.
      const repeated = [...counts.values()].filter((n) => n > 1).length
      assert.ok(repeated <= 100, `${repeated} devices got the message twice: more than the requests in flight and one write at the crash`)
      const tags = new Set(push.messages.filter((m) => messageIdOf(m) === message.id).map((m) => (m.payload as { tag: string }).tag))
      assert.equal(tags.size, 1, "one tag: repeats replace the shown notification")
      process.stdout.write(`# crash test: ${atCrash} delivered before the kill, ${repeated} in-flight repeats after takeover\n`)
      await second.stop()
    } finally {
      await db.end()
    }
  })

  it("a store killed between recording a broadcast and fanning it out sends it after a restart; each device once", async () => {
    const { dir, db } = await newStore("fanout")
    try {
      const devices = await seedDevices(db, push, 300, "promotions")
      const first = await startStoreProcess(dir, { STORE_ADMIN_TOKEN: ADMIN_TOKEN, STORE_FAULT: "hang-before-fanout" })
      processes.push(first)
      const { message } = await broadcast(first)
      const { rows } = await db.query(
        `SELECT m."status", (SELECT count(*)::int FROM "push_delivery" d WHERE d."message_id" = m."id") AS deliveries,
                (SELECT count(*)::int FROM "push_batch" b WHERE b."message_id" = m."id") AS batches
         FROM "push_message" m WHERE m."id" = $1`,
        [message.id]
      )
      assert.deepEqual(rows[0], { status: "sending", deliveries: 0, batches: 0 }, "recorded, not fanned out")
      await first.kill()
      assert.equal(arrivals(push, message.id).size, 0)

      const second = await startStoreProcess(dir)
      processes.push(second)
      const done = await messageDone(db, message.id)
      assert.equal(done.delivered_count, 300)
      const counts = arrivals(push, message.id)
      assert.deepEqual(
        devices.filter((id) => !counts.has(id)),
        [],
        "every device received the broadcast"
      )
      assert.deepEqual(
        [...counts.values()].filter((n) => n > 1),
        [],
        "no device got it twice"
      )
      await second.stop()
    } finally {
      await db.end()
    }
  })

  it(
    "two Medusa processes on one Redis share the batches of a broadcast, and no device gets it twice",
    { skip: !process.env.TEST_REDIS_URL && "no TEST_REDIS_URL" },
    async () => {
      const redisUrl = process.env.TEST_REDIS_URL as string
      const { dir, db } = await newStore("shared", redisUrl)
      try {
        const devices = await seedDevices(db, push, 3000, "promotions")
        // One after the other: Medusa's first boot on a database creates its defaults.
        const a = await startStoreProcess(dir, { STORE_ADMIN_TOKEN: ADMIN_TOKEN })
        processes.push(a)
        const b = await startStoreProcess(dir)
        processes.push(b)
        const { message } = await broadcast(a)
        await messageDone(db, message.id)
        const counts = arrivals(push, message.id)
        assert.equal(counts.size, devices.length)
        assert.deepEqual(
          [...counts.values()].filter((n) => n > 1),
          [],
          "no device got it twice"
        )
        const { rows } = await db.query(`SELECT DISTINCT "claimed_by" FROM "push_batch" WHERE "message_id" = $1`, [message.id])
        const owners = rows.map((r: { claimed_by: string }) => r.claimed_by.split(":")[1]).sort()
        assert.deepEqual(owners, [String(a.pid), String(b.pid)].sort(), "both processes took batches")
        await Promise.all([a.stop(), b.stop()])
      } finally {
        await db.end()
      }
    }
  )
})
