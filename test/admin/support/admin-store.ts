/**
 * A real store serving the Medusa admin (`@medusajs/admin`, `serve: true`) built with this
 * plugin's extension, as a store owner's would be: the plugin is configured with
 * `enableUI: true`, `medusa-admin build` runs in the store's folder and picks up the plugin's
 * dist/admin bundle. The build (~40 s, ~1.3 GB) is cached under .tmp/admin-ui by a hash of the
 * bundle and the admin's version.
 */
import { execFile } from "node:child_process"
import { createHash } from "node:crypto"
import fs from "node:fs"
import { createServer } from "node:net"
import path from "node:path"
import { promisify } from "node:util"
import { generateVapidKeys } from "../../../src/core/keys"
import type { WebPushPluginOptions } from "../../../src/core/plugin-options"
import { createDatabase, dropDatabase, startDatabaseServer } from "../../support/database"
import { CERT_DIR } from "../../support/environment"
import { HttpClient } from "../../support/http"
import { MedusaApp, runMigrations, startMedusa } from "../../support/medusa-app"
import { REPO_ROOT, TMP_DIR } from "../../support/paths"
import { PushService, startPushService } from "../../support/push-service"
import { Admin, Catalog, createAdmin, seedCatalog } from "../../support/seed"
import { writeStore } from "../../support/store"
import { ensureTestCertificates } from "../../support/tls"

const run = promisify(execFile)

export const ADMIN_PATH = "/app"
export const ADMIN_PASSWORD = "supersecret"

export interface AdminStore {
  app: MedusaApp
  http: HttpClient
  push: PushService
  admin: Admin
  catalog: Catalog
  /** `http://127.0.0.1:<port>/app` */
  adminUrl: string
  /** How the admin build went: from the cache, or built now (seconds, peak memory of the build). */
  build: { cached: boolean; seconds: number; maxRssMb?: number }
  stop(): Promise<void>
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

export function adminBuildDir(): string {
  const bundle = path.join(REPO_ROOT, "dist", "admin", "_virtual_entry.js")
  if (!fs.existsSync(bundle)) throw new Error("dist/admin is missing: run `npm run build` first")
  const version = (pkg: string) => JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`, { paths: [REPO_ROOT] }), "utf8")).version
  const hash = createHash("sha256")
    .update(fs.readFileSync(bundle))
    .update(version("@medusajs/admin"))
    .update(version("@medusajs/admin-ui"))
    .update(ADMIN_PATH)
    .digest("hex")
    .slice(0, 16)
  return path.join(TMP_DIR, "admin-ui", hash)
}

/** Runs the store's `medusa-admin build` unless this bundle's build is cached. */
export async function buildAdmin(storeDir: string, outDir: string): Promise<AdminStore["build"]> {
  if (fs.existsSync(path.join(outDir, "index.html"))) return { cached: true, seconds: 0 }
  fs.rmSync(path.dirname(outDir), { recursive: true, force: true }) // older builds
  const started = Date.now()
  const cli = require.resolve("@medusajs/admin/bin/medusa-admin.js", { paths: [REPO_ROOT] })
  // /usr/bin/time reports the build's peak memory when it is there.
  const time = fs.existsSync("/usr/bin/time") ? ["/usr/bin/time", ["-f", "MAXRSS_KB=%M", process.execPath]] as const : undefined
  const [command, args] = time ? [time[0], [...time[1], cli, "build"]] : [process.execPath, [cli, "build"]]
  const { stderr } = await run(command, args, {
    cwd: storeDir,
    env: { ...process.env, NODE_ENV: "production", MEDUSA_FF_ANALYTICS: "false" },
    maxBuffer: 64 * 1024 * 1024,
  })
  const rss = /MAXRSS_KB=(\d+)/.exec(stderr)
  if (!fs.existsSync(path.join(outDir, "index.html"))) throw new Error(`medusa-admin build wrote no index.html:\n${stderr.slice(-3000)}`)
  return { cached: false, seconds: (Date.now() - started) / 1000, maxRssMb: rss ? Math.round(Number(rss[1]) / 1024) : undefined }
}

export async function startAdminStore(name: string, pluginOptions: Partial<WebPushPluginOptions> = {}): Promise<AdminStore> {
  const certs = ensureTestCertificates(CERT_DIR)
  const server = await startDatabaseServer()
  const dbName = `wp_${name.replace(/[^a-z0-9]/gi, "_").toLowerCase()}_${process.pid}`
  const template = process.env.WEB_PUSH_TEMPLATE_DB
  const url = await createDatabase(server.url, dbName, template)
  const cleanups: Array<() => Promise<unknown>> = [async () => server.stop(), async () => dropDatabase(server.url, dbName).catch(() => undefined)]
  const stop = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup()
  }
  try {
    const vapid = generateVapidKeys()
    const push = await startPushService({ key: certs.keyPem, cert: certs.certPem, expectedVapidPublicKey: vapid.publicKey })
    cleanups.push(() => push.close())
    const port = await freePort()
    const origin = `http://127.0.0.1:${port}`
    const outDir = adminBuildDir()
    const storeDir = writeStore({
      name: dbName,
      databaseUrl: url,
      admin: { path: ADMIN_PATH, outDir },
      pluginOptions: {
        vapid_public_key: vapid.publicKey,
        vapid_private_key: vapid.privateKey,
        vapid_subject: "mailto:ops@teststore.dev",
        storefront_url: "https://shop.teststore.dev",
        admin_url: `${origin}${ADMIN_PATH}`,
        allow_loopback_endpoints: true,
        ...pluginOptions,
        // what a store owner adds so that the admin build includes the plugin's extension
        enableUI: true,
      } as WebPushPluginOptions,
    })
    cleanups.push(async () => fs.rmSync(storeDir, { recursive: true, force: true }))
    const build = await buildAdmin(storeDir, outDir)
    if (!template) await runMigrations(storeDir)
    // @medusajs/admin's setup step reads medusa-config.js from the working directory, as under
    // `medusa start` in a store's folder.
    const cwd = process.cwd()
    process.chdir(storeDir)
    const app = await startMedusa(storeDir, port).finally(() => process.chdir(cwd))
    cleanups.push(() => app.stop())
    const http = new HttpClient(app.baseUrl)
    const admin = await createAdmin(app.container, `admin-${process.pid}@teststore.dev`, ADMIN_PASSWORD)
    const catalog = await seedCatalog(http, admin)
    return { app, http, push, admin, catalog, adminUrl: `${origin}${ADMIN_PATH}`, build, stop }
  } catch (err) {
    await stop().catch(() => undefined)
    throw err
  }
}
