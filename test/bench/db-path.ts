/**
 * `npm run bench -- --db`: the full path of a broadcast through a real store: one message row,
 * batches on Medusa's event bus, a delivery row per device written and updated in bulk, sent
 * through the plugin's transport to the forked push services. Prints messages/s from the admin's
 * request to the last outcome stored, and how much the store process's memory grew.
 */
import { createDatabase, dropDatabase, startDatabaseServer } from "../support/database"
import { runMigrations, startMedusa } from "../support/medusa-app"
import { writeStore } from "../support/store"
import type { BenchDevice } from "./push-server"

interface Broadcaster {
  broadcast(input: object, key: string): Promise<{ message: { id: string } }>
}

interface Db {
  query(sql: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T>
}

interface Transactional<S> {
  withTransaction(tx: Db): S
}
interface ProductService extends Transactional<ProductService> {
  create(data: object): Promise<{ id: string; options: Array<{ id: string }> }>
}
interface VariantService extends Transactional<VariantService> {
  create(productId: string, data: object): Promise<{ id: string }>
  update(id: string, data: object): Promise<unknown>
}

/** Waits for a message to be done; its row. */
async function untilDone(db: Db, where: string, params: unknown[]): Promise<Record<string, unknown>> {
  for (;;) {
    const [row] = await db.query(`SELECT * FROM "push_message" WHERE ${where}`, params)
    if (row?.status === "done") return row
    await new Promise((r) => setTimeout(r, 200))
  }
}

async function seed(db: Db, devices: BenchDevice[]): Promise<void> {
  for (let i = 0; i < devices.length; i += 10_000) {
    const chunk = devices.slice(i, i + 10_000)
    await db.query(
      `INSERT INTO "push_subscription" ("id", "endpoint", "p256dh", "auth", "customer_id", "categories")
       SELECT 'pushsub_bench' || lpad(n::text, 7, '0'), e, p, a, 'cus_bench' || n, ARRAY['promotions']
       FROM unnest($1::text[], $2::text[], $3::text[], $4::int[]) AS t(e, p, a, n)`,
      [chunk.map((d) => d.endpoint), chunk.map((d) => d.p256dh), chunk.map((d) => d.auth), chunk.map((_, j) => i + j)]
    )
  }
}

export async function runDbPath(
  devices: BenchDevice[],
  vapid: { publicKey: string; privateKey: string },
  out: (line: string) => void
): Promise<void> {
  process.env.NODE_ENV = "test"
  process.env.LOG_LEVEL ??= "error"
  const server = await startDatabaseServer()
  const name = `wp_bench_${process.pid}`
  const url = await createDatabase(server.url, name)
  try {
    const dir = writeStore({
      name,
      databaseUrl: url,
      pluginOptions: {
        vapid_public_key: vapid.publicKey,
        vapid_private_key: vapid.privateKey,
        vapid_subject: "mailto:bench@teststore.dev",
        allow_loopback_endpoints: true,
        batch_size: 500,
        concurrency: 50,
        // Throughput, whatever the hour: promotions are held for the delivery window by default.
        held_categories: [],
      },
    })
    await runMigrations(dir)
    const app = await startMedusa(dir)
    try {
      const db = app.container.resolve<Db>("manager")
      await seed(db, devices)
      global.gc?.()
      const baseline = process.memoryUsage.rss()
      const heapBefore = process.memoryUsage()
      let peak = baseline
      let peakParts = heapBefore
      const sampler = setInterval(() => {
        const now = process.memoryUsage()
        if (now.rss > peak) {
          peak = now.rss
          peakParts = now
        }
      }, 100)
      const started = Date.now()
      const { message } = await app.container
        .resolve<Broadcaster>("pushAdminSendService")
        .broadcast(
          { title: "Flash sale", body: "Everything 30% off for one hour", category: "promotions", dryRun: false },
          `bench-${Date.now()}`
        )
      if (!message) throw new Error("broadcast was not recorded")
      const row = await untilDone(db, `"id" = $1`, [message.id])
      const seconds = (Date.now() - started) / 1000
      clearInterval(sampler)
      const [{ deliveries }] = await db.query(`SELECT count(*)::int AS deliveries FROM "push_delivery" WHERE "message_id" = $1`, [
        message.id,
      ])
      out(
        `(c) full path through Postgres: ${devices.length} devices, ${row?.delivered_count} delivered, ${deliveries} delivery rows, ` +
          `${seconds.toFixed(1)} s -> ${(devices.length / seconds).toFixed(0)} msg/s (target >= 1000)`
      )
      const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(0)} MB`
      out(`    store process RSS grew by ${mb(peak - baseline)} during the broadcast (target < 150 MB at 100,000)`)
      global.gc?.()
      const after = process.memoryUsage()
      out(
        `    at the peak: heap used ${mb(peakParts.heapUsed)} of ${mb(peakParts.heapTotal)}, external ${mb(peakParts.external)}; ` +
          `heap used before ${mb(heapBefore.heapUsed)}, after (GC) ${mb(after.heapUsed)}`
      )
      await restock(app.container, db, devices.length, devices.length / seconds, out)
    } finally {
      await app.stop()
    }
  } finally {
    await dropDatabase(server.url, name).catch(() => undefined)
    await server.stop()
  }
}

/**
 * (d) A restock with every device watching the variant: the admin's stock update (Medusa's
 * `product-variant.updated`), the alerts used up, one message through the batched engine, as a
 * broadcast. Compared with the broadcast's figure of the same run.
 */
async function restock(
  container: { resolve<T>(name: string): T },
  db: Db,
  watchers: number,
  broadcastRate: number,
  out: (line: string) => void
): Promise<void> {
  const products = container.resolve<ProductService>("productService")
  const variants = container.resolve<VariantService>("productVariantService")
  const product = await db.transaction((tx) =>
    products.withTransaction(tx).create({ title: "Bench Beanie", options: [{ title: "Colour" }] })
  )
  const variant = await db.transaction((tx) =>
    variants.withTransaction(tx).create(product.id, {
      title: "Red",
      inventory_quantity: 0,
      manage_inventory: true,
      prices: [{ currency_code: "usd", amount: 2500 }],
      options: [{ option_id: product.options[0].id, value: "Red" }],
    })
  )
  await db.query(
    `INSERT INTO "push_variant_alert" ("id", "subscription_id", "variant_id", "product_id", "kind")
     SELECT 'pushalert_bench' || n, 'pushsub_bench' || lpad(n::text, 7, '0'), $1, $2, 'back_in_stock' FROM generate_series(0, $3 - 1) AS n`,
    [variant.id, product.id, watchers]
  )
  const started = Date.now()
  await db.transaction((tx) => variants.withTransaction(tx).update(variant.id, { inventory_quantity: 5 }))
  const row = await untilDone(db, `"event_name" = 'product_variant.back_in_stock' AND "resource_id" = $1`, [variant.id])
  const finished = Date.now()
  const seconds = (finished - started) / 1000
  // From the message's recording (alerts used up in its transaction) to the last outcome: what the engine does, as for (c).
  const engineSeconds = (finished - new Date(row.created_at as string).getTime()) / 1000
  const [{ open }] = await db.query(`SELECT count(*)::int AS open FROM "push_variant_alert" WHERE "message_id" IS NULL`)
  const rate = watchers / engineSeconds
  out(
    `(d) restock of a variant ${watchers} devices watch: ${row.delivered_count} delivered, ${open} alerts left open; ` +
      `${seconds.toFixed(1)} s from the stock update (Medusa stages the event up to 3 s), ${engineSeconds.toFixed(1)} s from the ` +
      `message recorded -> ${rate.toFixed(0)} msg/s (${((rate / broadcastRate) * 100).toFixed(0)}% of the broadcast's)`
  )
}
