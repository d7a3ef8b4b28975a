import fs from "node:fs"
import path from "node:path"
import { generateVapidKeys } from "../../src/core/keys/keys"
import type { WebPushPluginOptions } from "../../src/core/options/plugin-options"
import { ADMIN_PATH, AdminBuild, adminBuildDir, buildAdmin } from "./admin-build"
import { createDatabase, databaseUrl, dropDatabase, freePort, startDatabaseServer } from "./database"
import { HttpClient } from "./http"
import { MedusaApp, runMigrations, startMedusa } from "./medusa-app"
import { TMP_DIR } from "./paths"
import { PushService, startPushService } from "./push-service"
import { Admin, Catalog, createAdmin, seedCatalog } from "./seed"
import { writeStore } from "./store"
import { ensureTestCertificates } from "./tls"

export const CERT_DIR = path.join(TMP_DIR, "certs")

export interface TestStore {
  app: MedusaApp
  /** With `withAdmin`: `http://127.0.0.1:<port>/app`, and how its build went. */
  adminUrl?: string
  adminBuild?: AdminBuild
  http: HttpClient
  push: PushService
  vapid: { publicKey: string; privateKey: string }
  admin: Admin
  catalog: Catalog
  /**
   * Stops the Medusa app and starts it again on the same database and push service, as a restart
   * of the store does: `app` and `http` are the new app's afterwards (its engine clock is new too).
   */
  restart(): Promise<void>
  stop(): Promise<void>
}

export interface TestStoreOptions {
  /** Extra plugin options (merged over the VAPID keys and the loopback opt-in). */
  pluginOptions?: Partial<WebPushPluginOptions>
  redisUrl?: string
  /** Storefront origins allowed by CORS, e.g. a browser test's page server. */
  storeCors?: string
  /** Serve the Medusa admin with this plugin's extension under /app (built once, then cached). */
  withAdmin?: boolean
  /** Listen on this port (an option such as `backend_url` must name it before the store starts); else any free one. */
  port?: number
  /** Run Medusa's inventory and stock-location modules (multi-location stock), their tables migrated. */
  inventoryModule?: boolean
}

/**
 * A CA bundle for NODE_EXTRA_CA_CERTS: whatever the machine already trusts that way, plus the
 * test CA that signs the local push services' certificates.
 */
export function trustBundle(): string {
  const { caPath } = ensureTestCertificates(CERT_DIR)
  const bundle = path.join(CERT_DIR, "trust-bundle.pem")
  const existing = process.env.NODE_EXTRA_CA_CERTS
  const inherited = existing && existing !== bundle && fs.existsSync(existing) ? fs.readFileSync(existing, "utf8") : ""
  fs.writeFileSync(bundle, `${inherited.trimEnd()}\n${fs.readFileSync(caPath, "utf8")}`)
  return bundle
}

/** Whether this process was started trusting the test CA (Node reads NODE_EXTRA_CA_CERTS only at start-up). */
export function testCaTrusted(): boolean {
  const extra = process.env.NODE_EXTRA_CA_CERTS
  if (!extra || !fs.existsSync(extra)) return false
  const ca = fs.readFileSync(ensureTestCertificates(CERT_DIR).caPath, "utf8").trim()
  return fs.readFileSync(extra, "utf8").includes(ca)
}

/** Fails early, with the fix, when the push service's certificate cannot be trusted. */
function assertCaTrusted(): void {
  if (!testCaTrusted()) {
    throw new Error(
      "NODE_EXTRA_CA_CERTS must point at the test CA (Node reads it at start-up). Run the suite with `npm test`, " +
        `or set NODE_EXTRA_CA_CERTS=${path.join(CERT_DIR, "ca.pem")} after one \`npm test\` run.`
    )
  }
}

/**
 * A real store for one test file: its own database (a copy of the migrated template when the
 * runner made one, else migrated here), this plugin configured against a local HTTPS push
 * service, an admin and a small catalog.
 */
export async function startTestStore(name: string, opts: TestStoreOptions = {}): Promise<TestStore> {
  assertCaTrusted()
  const certs = ensureTestCertificates(CERT_DIR)
  const server = await startDatabaseServer()
  const dbName = `wp_${name.replace(/[^a-z0-9]/gi, "_").toLowerCase()}_${process.pid}`
  const template = process.env.WEB_PUSH_TEMPLATE_DB
  const url = await createDatabase(server.url, dbName, template)

  const cleanups: Array<() => Promise<unknown>> = [
    async () => server.stop(),
    async () => dropDatabase(server.url, dbName).catch(() => undefined),
  ]
  const stop = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup()
  }
  try {
    const vapid = generateVapidKeys()
    const push = await startPushService({ key: certs.keyPem, cert: certs.certPem, expectedVapidPublicKey: vapid.publicKey })
    cleanups.push(() => push.close())
    const port = opts.port ?? (opts.withAdmin ? await freePort() : 0)
    const adminUrl = opts.withAdmin ? `http://127.0.0.1:${port}${ADMIN_PATH}` : undefined
    const adminOutDir = opts.withAdmin ? adminBuildDir() : undefined
    const storeDir = writeStore({
      name: dbName,
      databaseUrl: url,
      redisUrl: opts.redisUrl,
      storeCors: opts.storeCors,
      inventoryModule: opts.inventoryModule,
      admin: adminOutDir ? { path: ADMIN_PATH, outDir: adminOutDir } : undefined,
      pluginOptions: {
        vapid_public_key: vapid.publicKey,
        vapid_private_key: vapid.privateKey,
        vapid_subject: "mailto:ops@teststore.dev",
        storefront_url: "https://shop.teststore.dev",
        admin_url: adminUrl ?? "https://admin.teststore.dev",
        allow_loopback_endpoints: true,
        // Every request of a test comes from 127.0.0.1: the per-client limits are tested where they are meant to be.
        rate_limits: {
          subscribe_per_minute: 100_000,
          contact_per_hour: 100_000,
          clicks_per_minute: 100_000,
          preferences_per_minute: 100_000,
          unsubscribe_per_minute: 100_000,
          inbound_per_minute: 100_000,
        },
        ...opts.pluginOptions,
        // what a store owner adds so that the admin build includes the plugin's extension
        ...(adminOutDir ? { enableUI: true } : {}),
      } as WebPushPluginOptions,
    })
    cleanups.push(async () => fs.rmSync(storeDir, { recursive: true, force: true }))
    const adminBuild = adminOutDir ? await buildAdmin(storeDir, adminOutDir) : undefined
    // (A template database has the core's and the plugin's tables, not the modules'.)
    if (!template || opts.inventoryModule) await runMigrations(storeDir)
    // @medusajs/admin's setup step reads medusa-config.js from the working directory, as under
    // `medusa start` in a store's folder.
    const cwd = process.cwd()
    if (adminOutDir) process.chdir(storeDir)
    const app = await startMedusa(storeDir, port).finally(() => process.chdir(cwd))
    const http = new HttpClient(app.baseUrl)
    const admin = await createAdmin(app.container, `admin-${process.pid}@teststore.dev`)
    const catalog = await seedCatalog(http, admin)
    const store: TestStore = { app, http, push, vapid, admin, catalog, adminUrl, adminBuild, stop, restart }
    let running: MedusaApp | undefined = app
    cleanups.push(async () => running?.stop())
    async function restart(): Promise<void> {
      const stopping = running
      running = undefined
      await stopping?.stop()
      running = await startMedusa(storeDir, port)
      store.app = running
      store.http = new HttpClient(running.baseUrl)
    }
    return store
  } catch (err) {
    // A half-started store would keep the test process alive: take down what did start.
    await stop().catch(() => undefined)
    throw err
  }
}

export { databaseUrl }
