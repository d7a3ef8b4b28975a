/**
 * `npm test`: prepares what the tests need once, then runs every suite with node's test runner.
 * - a CA for the local HTTPS push service, trusted through NODE_EXTRA_CA_CERTS (read at start-up);
 * - a Postgres server: TEST_DATABASE_URL / DATABASE_URL, else an embedded one started here;
 * - a template database migrated with the real `medusa migrations run`, copied per test file;
 * - Medusa's telemetry off, with a private config folder.
 * Pass file paths to run only those (`npm test -- test/integration/spine.test.ts`).
 * TEST_CONCURRENCY=2 runs two test files at a time (each has its own database, ports, queue
 * names and browser profile; the admin build is made once under a lock); the package test,
 * whose `npm pack` rebuilds dist/ under the others' feet, then runs alone. Default: 1.
 */
import { spawn } from "node:child_process"
import { createHash } from "node:crypto"
import fs from "node:fs"
import net from "node:net"
import path from "node:path"
import { createDatabase, databaseUrl, startDatabaseServer } from "./support/database"
import { trustBundle } from "./support/environment"
import { failedTestsIn } from "./support/failures"
import { EmbeddedPostgresAccessError } from "./support/folder-access"
import { runMigrations } from "./support/medusa-app"
import { REPO_ROOT, TMP_DIR } from "./support/paths"
import { writeStore } from "./support/store"
import { generateVapidKeys } from "../src/core/keys/keys"

/** Test files that must not run beside others: `npm pack` runs `prepare`, which rebuilds dist/. */
const RUN_ALONE = ["package.test.ts"]

/** One template per checkout, so two checkouts can run their suites against one Postgres at once. */
const TEMPLATE_DB = `wp_test_template_${createHash("sha1").update(REPO_ROOT).digest("hex").slice(0, 8)}`

function log(line: string): void {
  process.stdout.write(`[test-runner] ${line}\n`)
}

function findTests(dir: string): string[] {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? findTests(path.join(dir, e.name)) : e.name.endsWith(".test.ts") ? [path.join(dir, e.name)] : []))
    .sort()
}

async function prepareTemplate(serverUrl: string): Promise<void> {
  const url = await createDatabase(serverUrl, TEMPLATE_DB)
  const keys = generateVapidKeys()
  const storeDir = writeStore({
    name: "migration-template",
    databaseUrl: url,
    pluginOptions: { vapid_public_key: keys.publicKey, vapid_private_key: keys.privateKey, vapid_subject: "mailto:ops@teststore.dev" },
  })
  const started = Date.now()
  await runMigrations(storeDir)
  log(`template database migrated with \`medusa migrations run\` in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}

/** Whether something listens on a local port (a Redis for the two-process test). */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port, timeout: 500 })
    socket.once("connect", () => {
      socket.destroy()
      resolve(true)
    })
    socket.once("error", () => resolve(false))
    socket.once("timeout", () => {
      socket.destroy()
      resolve(false)
    })
  })
}

/**
 * Runs test files with node's test runner, `concurrency` files at a time; resolves with its exit
 * code. Besides the usual report on stdout, a TAP record goes to `record`, read back at the end.
 */
function runFiles(files: string[], concurrency: number, env: NodeJS.ProcessEnv, record: string): Promise<number> {
  const reporter = process.stdout.isTTY ? "spec" : "tap"
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--test",
      `--test-concurrency=${concurrency}`,
      "--test-timeout=300000",
      `--test-reporter=${reporter}`,
      "--test-reporter-destination=stdout",
      "--test-reporter=tap",
      `--test-reporter-destination=${record}`,
      ...files,
    ],
    { stdio: "inherit", env, cwd: REPO_ROOT }
  )
  return new Promise<number>((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0))))
}

/** The failed tests of the run's records, repeated last so a long log ends with them. */
function reportFailures(records: string[]): void {
  const failed = records.flatMap((r) => failedTestsIn(r))
  if (!failed.length) return
  log(`${failed.length} failed (tests and the suites that hold them):`)
  for (const f of failed) process.stdout.write(`${f}\n\n`)
}

async function main(): Promise<number> {
  const requested = process.argv.slice(2)
  const files = requested.length
    ? requested
    : ["unit", "integration", "browser", "admin"].flatMap((d) => findTests(path.join(REPO_ROOT, "test", d)))
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "test",
    MEDUSA_DISABLE_TELEMETRY: "true",
    MEDUSA_FF_ANALYTICS: "false",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    XDG_CONFIG_HOME: path.join(TMP_DIR, "xdg"),
  }
  Object.assign(process.env, env)
  env.NODE_EXTRA_CA_CERTS = trustBundle()

  if (!env.TEST_REDIS_URL && (await listening(6379))) env.TEST_REDIS_URL = "redis://127.0.0.1:6379"
  log(env.TEST_REDIS_URL ? `Redis for the distributed tests: ${env.TEST_REDIS_URL}` : "no Redis: the two-process test is skipped")
  const needsDatabase = files.some((f) => !f.includes(`${path.sep}unit${path.sep}`) && !f.includes("/unit/"))
  const server = needsDatabase ? await startDatabaseServer(log) : undefined
  try {
    if (server) {
      env.TEST_DATABASE_URL = server.url
      process.env.TEST_DATABASE_URL = server.url
      await prepareTemplate(server.url)
      env.WEB_PUSH_TEMPLATE_DB = TEMPLATE_DB
      log(
        `database server ${server.embedded ? "embedded" : "given"}; template ${databaseUrl(server.url, TEMPLATE_DB).replace(/\/\/[^@]*@/, "//")}`
      )
    }
    const concurrency = Math.max(1, Number(process.env.TEST_CONCURRENCY ?? 1) || 1)
    const alone = concurrency > 1 ? files.filter((f) => RUN_ALONE.includes(path.basename(f))) : []
    const together = files.filter((f) => !alone.includes(f))
    fs.mkdirSync(TMP_DIR, { recursive: true })
    const records = [path.join(TMP_DIR, "test-run.tap"), path.join(TMP_DIR, "test-run-alone.tap")]
    for (const r of records) fs.rmSync(r, { force: true })
    let code = together.length ? await runFiles(together, concurrency, env, records[0]) : 0
    if (alone.length) {
      log(`then alone: ${alone.map((f) => path.basename(f)).join(", ")}`)
      code = (await runFiles(alone, 1, env, records[1])) || code
    }
    if (code !== 0) reportFailures(records)
    return code
  } finally {
    await server?.stop()
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    // A known set-up problem is one line with its fix; anything else, the whole stack.
    const known = err instanceof EmbeddedPostgresAccessError
    process.stderr.write(`[test-runner] ${known ? err.message : ((err as Error).stack ?? String(err))}\n`)
    process.exit(1)
  }
)
