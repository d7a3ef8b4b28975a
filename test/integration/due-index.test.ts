import assert from "node:assert/strict"
import { after, before, describe, it } from "node:test"
import { Client } from "pg"
import { DUE_CLAIM_SQL } from "../../src/delivery/claims"
import { createDatabase, dropDatabase, startDatabaseServer, DatabaseServer } from "../support/database"
import { planNodes, type PlanNode } from "../support/query-plan"

/**
 * The retry poller's claim (the dispatcher's own SQL, imported) runs every `retry_poll_ms` on every
 * instance: Postgres must answer it from the partial index `IDX_push_delivery_due`, not by reading
 * every delivery ever made. Checked with EXPLAIN on a migrated database holding many finished
 * deliveries and a few due ones.
 */
describe("due-work index: the poller's claim uses IDX_push_delivery_due", () => {
  let server: DatabaseServer
  let client: Client
  const dbName = `wp_due_index_${process.pid}`

  before(async () => {
    server = await startDatabaseServer()
    const url = await createDatabase(server.url, dbName, process.env.WEB_PUSH_TEMPLATE_DB)
    client = new Client({ connectionString: url })
    await client.connect()
    await client.query(
      `INSERT INTO "push_subscription" ("id", "endpoint", "p256dh", "auth", "customer_id", "categories")
       SELECT 'pushsub_' || lpad(n::text, 6, '0'), 'https://push.example.net/' || n, 'p', 'a', 'cus_' || n, ARRAY['order_updates']
       FROM generate_series(1, 2000) n`
    )
    await client.query(
      `INSERT INTO "push_message" ("id", "idempotency_key", "event_name", "audience", "template_key", "payload", "ttl", "urgency")
       SELECT 'pushmsg_' || n, 'due-index|' || n, 'order.placed', 'customer', 'order.placed:customer', '{}', 86400, 'normal'
       FROM generate_series(0, 30) n`
    )
    // 60,000 finished deliveries (the history every store piles up), 60 open ones of every open status.
    await client.query(
      `INSERT INTO "push_delivery" ("id", "message_id", "subscription_id", "status", "next_attempt_at", "attempts")
       SELECT 'pushdel_' || lpad(n::text, 7, '0'), 'pushmsg_' || (n / 2000), 'pushsub_' || lpad((n % 2000 + 1)::text, 6, '0'),
              CASE WHEN n % 1000 = 0 THEN (ARRAY['pending', 'sending', 'retrying', 'scheduled'])[(n / 1000) % 4 + 1]
                   WHEN n % 7 = 0 THEN 'gone' ELSE 'delivered' END,
              CASE WHEN n % 1000 = 0 THEN now() - (n || ' seconds')::interval END, 1
       FROM generate_series(1, 60000) n`
    )
    await client.query(`ANALYZE "push_delivery"`)
    await client.query(`ANALYZE "push_subscription"`)
  })

  after(async () => {
    await client?.end()
    if (server) {
      await dropDatabase(server.url, dbName).catch(() => undefined)
      await server.stop()
    }
  })

  const plan = async (): Promise<PlanNode[]> => {
    return planNodes(client, DUE_CLAIM_SQL, [200, 120_000, new Date()])
  }
  const usesDueIndex = (all: PlanNode[]): boolean => all.some((n) => n["Index Name"] === "IDX_push_delivery_due")

  it("the index exists, with the open statuses as its predicate", async () => {
    const { rows } = await client.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'IDX_push_delivery_due'`)
    assert.equal(rows.length, 1)
    assert.match(rows[0].indexdef, /\(next_attempt_at\) WHERE/)
  })

  it("the planner picks the index on its own", async () => {
    const all = await plan()
    assert.ok(usesDueIndex(all), `plan: ${all.map((n) => `${n["Node Type"]} ${n["Index Name"] ?? n["Relation Name"] ?? ""}`).join(" / ")}`)
    assert.ok(
      !all.some((n) => n["Node Type"] === "Seq Scan" && n["Relation Name"] === "push_delivery"),
      "no sequential scan of push_delivery"
    )
  })

  it("the index can answer the query at all (sequential scans off)", async () => {
    await client.query("SET enable_seqscan = off")
    try {
      assert.ok(usesDueIndex(await plan()))
    } finally {
      await client.query("RESET enable_seqscan")
    }
  })
})
