import assert from "node:assert/strict"
import { execFile, spawn } from "node:child_process"
import fs from "node:fs"
import net from "node:net"
import path from "node:path"
import { after, before, describe, it } from "node:test"
import { promisify } from "node:util"
import { generateVapidKeys, validateVapidKeys } from "../../src/core/keys"
import { createDatabase, DatabaseServer, dropDatabase, startDatabaseServer } from "../support/database"
import { REPO_ROOT, TMP_DIR } from "../support/paths"

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
    const files = stdout.trim().split("\n").map((f) => f.replace(/^package\//, ""))
    const outside = files.filter((f) => !f.startsWith("dist/") && !["README.md", "LICENSE", "package.json"].includes(f))
    assert.deepEqual(outside, [])
    for (const needed of ["dist/loaders/web-push.js", "dist/migrations/1764230400000-web-push-init.js", "dist/cli.js", "dist/storefront-snippet/push-sw.js", "dist/storefront-snippet/index.mjs"]) {
      assert.ok(files.includes(needed), `${needed} is in the package`)
    }
    assert.ok(!files.some((f) => f.startsWith("dist/") && /test|\.tmp/.test(f.split("/")[1])), "no tests in dist")
  })

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
  plugins: [{ resolve: "medusa-plugin-web-push", options: {
    vapid_public_key: process.env.WEB_PUSH_VAPID_PUBLIC_KEY,
    vapid_private_key: process.env.WEB_PUSH_VAPID_PRIVATE_KEY,
    vapid_subject: "mailto:ops@fresh-store.dev",
    storefront_url: "https://fresh-store.dev",
    admin_url: "https://admin.fresh-store.dev",
  } }],
  modules: { eventBus: { resolve: "@medusajs/event-bus-local" }, cacheService: { resolve: "@medusajs/cache-inmemory" } },
}
`
    )
    const env = { ...process.env, WEB_PUSH_VAPID_PUBLIC_KEY: keys.publicKey, WEB_PUSH_VAPID_PRIVATE_KEY: keys.privateKey, NODE_ENV: "development" }
    await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: STORE, env, maxBuffer: 64 << 20 })

    const bin = (name: string): string => path.join(STORE, "node_modules", ".bin", name)
    const vapid = await run(bin("medusa-plugin-web-push"), ["vapid"], { cwd: STORE, env })
    const pub = /WEB_PUSH_VAPID_PUBLIC_KEY=(\S+)/.exec(vapid.stdout)?.[1]
    const priv = /WEB_PUSH_VAPID_PRIVATE_KEY=(\S+)/.exec(vapid.stdout)?.[1]
    assert.doesNotThrow(() => validateVapidKeys(pub, priv), "the CLI prints a valid, matching key pair")

    const before = await run(bin("medusa-plugin-web-push"), ["doctor"], { cwd: STORE, env }).catch((e: { stdout: string; code: number }) => e)
    assert.equal((before as { code?: number }).code, 1, "doctor fails before the migrations")
    assert.match(before.stdout, /medusa migrations run/)

    await run(bin("medusa"), ["migrations", "run"], { cwd: STORE, env, maxBuffer: 64 << 20 })
    const doctor = await run(bin("medusa-plugin-web-push"), ["doctor"], { cwd: STORE, env })
    assert.match(doctor.stdout, /VAPID keys valid and matching/)
    assert.match(doctor.stdout, /migrations applied/)

    const port = await freePort()
    const child = spawn(bin("medusa"), ["start"], { cwd: STORE, env: { ...env, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"] })
    try {
      let output = ""
      child.stdout.on("data", (c: Buffer) => (output += c.toString()))
      child.stderr.on("data", (c: Buffer) => (output += c.toString()))
      const deadline = Date.now() + 90_000
      let body: { public_key?: string } | undefined
      while (Date.now() < deadline && !body) {
        await new Promise((r) => setTimeout(r, 1000))
        body = await fetch(`http://127.0.0.1:${port}/store/push/vapid-public-key`)
          .then((r) => (r.ok ? r.json() : undefined))
          .catch(() => undefined)
        if (child.exitCode !== null) break
      }
      assert.equal(body?.public_key, keys.publicKey, `the started store serves the plugin's route:\n${output.slice(-2000)}`)
    } finally {
      child.kill("SIGTERM")
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once("exit", r)))
    }
  })
})
