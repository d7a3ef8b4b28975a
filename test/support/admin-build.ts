/**
 * The Medusa admin (`@medusajs/admin`) built with this plugin's extension, as a store owner's
 * would be: the plugin is configured with `enableUI: true` and `medusa-admin build` runs in the
 * store's folder, picking up the plugin's dist/admin bundle. The build (~40 s, ~1.3 GB) is cached
 * under .tmp/admin-ui by a hash of the bundle and the admin's version.
 */
import { execFile } from "node:child_process"
import { createHash } from "node:crypto"
import fs from "node:fs"
import path from "node:path"
import { promisify } from "node:util"
import { eventually } from "./eventually"
import { REPO_ROOT, TMP_DIR } from "./paths"

const run = promisify(execFile)

/** Longer than any admin build takes. */
const LOCK_STALE_MS = 10 * 60_000

/** Where test stores and the demo serve the admin. */
export const ADMIN_PATH = "/app"

/** How the admin build went: from the cache, or built now (seconds, peak memory of the build). */
export interface AdminBuild {
  cached: boolean
  seconds: number
  maxRssMb?: number
}

export function adminBuildDir(): string {
  const bundle = path.join(REPO_ROOT, "dist", "admin", "_virtual_entry.js")
  if (!fs.existsSync(bundle)) throw new Error("dist/admin is missing: run `npm run build` first")
  const version = (pkg: string) =>
    JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`, { paths: [REPO_ROOT] }), "utf8")).version
  const hash = createHash("sha256")
    .update(fs.readFileSync(bundle))
    .update(version("@medusajs/admin"))
    .update(version("@medusajs/admin-ui"))
    .update(ADMIN_PATH)
    .digest("hex")
    .slice(0, 16)
  return path.join(TMP_DIR, "admin-ui", hash)
}

/**
 * Runs the store's `medusa-admin build` unless this bundle's build is cached. Test files running
 * at the same time build it once: the others wait for the first one's build and use it.
 */
export async function buildAdmin(storeDir: string, outDir: string): Promise<AdminBuild> {
  if (fs.existsSync(path.join(outDir, "index.html"))) return { cached: true, seconds: 0 }
  const lock = `${path.dirname(outDir)}.lock`
  await eventually(
    `the admin build lock ${lock}`,
    () => {
      try {
        fs.mkdirSync(lock)
        return true
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err
        // A lock older than any build is one a killed run left behind.
        const held = fs.statSync(lock, { throwIfNoEntry: false })
        if (held && Date.now() - held.mtimeMs > LOCK_STALE_MS) fs.rmSync(lock, { recursive: true, force: true })
        return false
      }
    },
    { timeoutMs: 2 * LOCK_STALE_MS, intervalMs: 500 }
  )
  try {
    if (fs.existsSync(path.join(outDir, "index.html"))) return { cached: true, seconds: 0 }
    return await buildUnlocked(storeDir, outDir)
  } finally {
    fs.rmSync(lock, { recursive: true, force: true })
  }
}

async function buildUnlocked(storeDir: string, outDir: string): Promise<AdminBuild> {
  fs.rmSync(path.dirname(outDir), { recursive: true, force: true }) // older builds
  const started = Date.now()
  const cli = require.resolve("@medusajs/admin/bin/medusa-admin.js", { paths: [REPO_ROOT] })
  // /usr/bin/time reports the build's peak memory when it is there.
  const time = fs.existsSync("/usr/bin/time") ? (["/usr/bin/time", ["-f", "MAXRSS_KB=%M", process.execPath]] as const) : undefined
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
