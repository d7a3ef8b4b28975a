import assert from "node:assert/strict"
import { after, before, describe, it } from "node:test"
import { Client } from "pg"
import { DUE_CART_WATCH_SQL } from "../../src/delivery/cart-watch-claims"
import { createDatabase, dropDatabase, startDatabaseServer, DatabaseServer } from "../support/database"
import { planNodes, type PlanNode } from "../support/query-plan"

/**
 * The abandoned-cart claim (the service's own SQL, imported) runs in every poller round on every
 * instance: Postgres must answer it from the partial index `IDX_push_cart_watch_due`, not by
 * reading every cart ever watched. Checked with EXPLAIN on a migrated database holding many
 * closed watches and a few due ones.
 */
describe("cart reminders' claim uses IDX_push_cart_watch_due", () => {
  let server: DatabaseServer
  let client: Client
  const dbName = `wp_cart_index_${process.pid}`

  before(async () => {
    server = await startDatabaseServer()
    const url = await createDatabase(server.url, dbName, process.env.WEB_PUSH_TEMPLATE_DB)
    client = new Client({ connectionString: url })
    await client.connect()
    // 50,000 carts done with (completed, or every step sent), 50 open ones.
    await client.query(
      `INSERT INTO "push_cart_watch" ("id", "cart_id", "activity_at", "steps_sent", "next_reminder_at", "closed_at")
       SELECT 'pushcart_' || n, 'cart_' || n, now() - interval '2 days', 1,
              CASE WHEN n % 1000 = 0 THEN now() - (n || ' seconds')::interval END,
              CASE WHEN n % 1000 <> 0 AND n % 2 = 0 THEN now() - interval '1 day' END
       FROM generate_series(1, 50000) n`
    )
    await client.query(`ANALYZE "push_cart_watch"`)
  })

  after(async () => {
    await client?.end()
    if (server) {
      await dropDatabase(server.url, dbName).catch(() => undefined)
      await server.stop()
    }
  })

  const plan = async (): Promise<PlanNode[]> => {
    return planNodes(client, DUE_CART_WATCH_SQL, [new Date(), 120_000, 20])
  }

  it("the planner picks the index, with no sequential scan of push_cart_watch", async () => {
    const all = await plan()
    const described = all.map((n) => `${n["Node Type"]} ${n["Index Name"] ?? n["Relation Name"] ?? ""}`).join(" / ")
    assert.ok(
      all.some((n) => n["Index Name"] === "IDX_push_cart_watch_due"),
      `plan: ${described}`
    )
    assert.ok(!all.some((n) => n["Node Type"] === "Seq Scan" && n["Relation Name"] === "push_cart_watch"), `plan: ${described}`)
  })

  it("takes the due ones only, each once", async () => {
    await client.query("BEGIN")
    try {
      const { rows } = await client.query(DUE_CART_WATCH_SQL, [new Date(), 120_000, 100])
      assert.equal(rows.length, 50)
      assert.ok(rows.every((r: { closed_at: Date | null }) => r.closed_at === null))
      const again = await client.query(DUE_CART_WATCH_SQL, [new Date(), 120_000, 100])
      assert.equal(again.rows.length, 0, "leased: not due again until the lease ends")
    } finally {
      await client.query("ROLLBACK")
    }
  })
})
