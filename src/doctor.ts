import fs from "node:fs"
import path from "node:path"
import { Client } from "pg"
import { resolveOptions } from "./core/options/plugin-options"

export interface Finding {
  level: "ok" | "warn" | "error"
  message: string
}

const PACKAGE = "medusa-plugin-web-push"
/** The plugin's migrations as shipped beside this file: `<timestamp>-<name>.js`. */
export function shippedMigrations(dir: string = path.join(__dirname, "migrations")): Array<{ timestamp: number; file: string }> {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir)
    .map((file) => ({ file, m: /^(\d{13})-.+\.js$/.exec(file) }))
    .filter((e): e is { file: string; m: RegExpExecArray } => e.m !== null)
    .map((e) => ({ timestamp: Number(e.m[1]), file: e.file }))
    .sort((a, b) => a.timestamp - b.timestamp)
}

interface PluginEntry {
  resolve?: string
  options?: unknown
}

interface MedusaConfig {
  projectConfig?: { database_url?: string }
  plugins?: Array<string | PluginEntry>
}

function findPlugin(config: MedusaConfig, dir: string): PluginEntry | undefined {
  return (config.plugins ?? [])
    .map((p) => (typeof p === "string" ? { resolve: p } : p))
    .find((p) => {
      if (p.resolve === PACKAGE) return true
      try {
        const pkg = path.join(path.resolve(dir, p.resolve ?? ""), "package.json")
        return JSON.parse(fs.readFileSync(pkg, "utf8")).name === PACKAGE
      } catch {
        return false
      }
    })
}

function checkUrl(value: unknown, option: string): Finding {
  if (typeof value !== "string") return { level: "warn", message: `${option} is not set: links point at the development default` }
  const url = new URL(value)
  const local = url.hostname === "localhost" || url.hostname === "127.0.0.1"
  if (url.protocol !== "https:" && !local) {
    return { level: "error", message: `${option} ${value} is not https: browsers allow push only on https (or localhost)` }
  }
  return { level: "ok", message: `${option} ${value}` }
}

async function checkDatabase(databaseUrl: string | undefined): Promise<Finding[]> {
  if (!databaseUrl) return [{ level: "warn", message: "projectConfig.database_url is not set: migrations not checked" }]
  const client = new Client({ connectionString: databaseUrl })
  try {
    await client.connect()
    // Every migration this version ships must be recorded in typeorm's `migrations` table (one
    // run by `medusa migrations run`): a table check alone passes when a later migration did not run.
    const shipped = shippedMigrations()
    if (!shipped.length) return [{ level: "error", message: "no migrations found beside the plugin: reinstall the package" }]
    const { rows } = await client
      .query(`SELECT "timestamp"::text AS ts FROM "migrations" WHERE "timestamp" = ANY($1::bigint[])`, [shipped.map((m) => m.timestamp)])
      .catch(() => ({ rows: [] as Array<{ ts: string }> }))
    const applied = new Set(rows.map((r: { ts: string }) => Number(r.ts)))
    const missing = shipped.filter((m) => !applied.has(m.timestamp))
    return missing.length
      ? [
          {
            level: "error",
            message: `migrations not applied: ${missing.map((m) => m.file.replace(/\.js$/, "")).join(", ")}: run \`npx medusa migrations run\``,
          },
        ]
      : [{ level: "ok", message: `migrations applied (${shipped.length} of ${shipped.length})` }]
  } catch (err) {
    return [{ level: "warn", message: `could not reach the database to check migrations: ${(err as Error).message}` }]
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** Everything a store owner would check by hand, each with what to do about it. */
export async function diagnose(dir: string): Promise<Finding[]> {
  const configPath = path.resolve(dir, "medusa-config.js")
  if (!fs.existsSync(configPath)) return [{ level: "error", message: `no medusa-config.js in ${path.resolve(dir)}` }]
  const config = require(configPath) as MedusaConfig
  const plugin = findPlugin(config, dir)
  if (!plugin) return [{ level: "error", message: `${PACKAGE} is not in medusa-config.js plugins` }]
  const findings: Finding[] = [{ level: "ok", message: `${PACKAGE} is in medusa-config.js` }]
  try {
    const options = resolveOptions(plugin.options ?? {})
    findings.push({ level: "ok", message: "VAPID keys valid and matching" })
    findings.push({ level: "ok", message: `VAPID subject ${options.vapid.subject} (acceptable to Apple)` })
    findings.push(
      options.backendUrl === undefined
        ? {
            level: "warn",
            message:
              "backend_url is not set: clicks on notifications that Safari 18.4+ shows by itself (declarative push) are not counted or attributed; set it to this backend's public URL",
          }
        : { level: "ok", message: `backend_url ${options.backendUrl}: declarative notifications count their clicks there` }
    )
  } catch (err) {
    findings.push({ level: "error", message: (err as Error).message })
  }
  const raw = (plugin.options ?? {}) as Record<string, unknown>
  for (const option of ["storefront_url", "admin_url"]) {
    try {
      findings.push(checkUrl(raw[option], option))
    } catch {
      findings.push({ level: "error", message: `${option} is not a URL` })
    }
  }
  findings.push(...(await checkDatabase(config.projectConfig?.database_url)))
  return findings
}
