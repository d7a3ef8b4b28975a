/**
 * Step 3a of the Next.js proof: `npm install` in the starter, cached by the hash of the starter's
 * package.json. The installed node_modules (and the package-lock.json npm wrote) are moved aside
 * before the source is re-extracted and moved back when the hash matches, so a rerun installs
 * nothing. Moving is a rename on one file system: instant, whatever the size.
 */
import { spawn } from "node:child_process"
import { createHash } from "node:crypto"
import fs from "node:fs"
import path from "node:path"

const KEPT = ["node_modules", "package-lock.json"] as const
const MARKER = path.join("node_modules", ".proof-install-key")

/** The starter ships a yarn.lock only: npm resolves its package.json ranges afresh, as a store owner's `npm install` does. */
export const NPM_INSTALL_ARGS = ["install", "--no-audit", "--no-fund", "--loglevel=error"]

export function installKey(starterDir: string): string {
  const pkg = fs.readFileSync(path.join(starterDir, "package.json"))
  return createHash("sha256").update(pkg).update(NPM_INSTALL_ARGS.join(" ")).update(process.version).digest("hex").slice(0, 16)
}

function keyOf(starterDir: string): string | undefined {
  const marker = path.join(starterDir, MARKER)
  return fs.existsSync(marker) ? fs.readFileSync(marker, "utf8").trim() : undefined
}

/** Moves a finished install out of the starter folder into `cacheDir/<key>/` before the folder is replaced. */
export function stashInstall(starterDir: string, cacheDir: string): void {
  const key = keyOf(starterDir)
  if (!key) return
  const slot = path.join(cacheDir, key)
  fs.rmSync(slot, { recursive: true, force: true })
  fs.mkdirSync(slot, { recursive: true })
  for (const name of KEPT) {
    const from = path.join(starterDir, name)
    if (fs.existsSync(from)) fs.renameSync(from, path.join(slot, name))
  }
}

export interface InstallResult {
  cached: boolean
  seconds: number
  key: string
}

function runNpm(starterDir: string, logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const log = fs.openSync(logFile, "w")
    const child = spawn("npm", NPM_INSTALL_ARGS, {
      cwd: starterDir,
      stdio: ["ignore", log, log],
      // the starter's own install scripts (e.g. @medusajs/medusa's telemetry notice) stay quiet
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", MEDUSA_DISABLE_TELEMETRY: "true", NODE_ENV: "development" },
    })
    child.on("error", reject)
    child.on("exit", (code) => {
      fs.closeSync(log)
      if (code === 0) resolve()
      else {
        const tail = fs.readFileSync(logFile, "utf8").trim().split("\n").slice(-15).join("\n")
        reject(new Error(`npm install exited ${code} (log: ${logFile}):\n${tail}`))
      }
    })
  })
}

/** Restores the cached install for this package.json, else runs `npm install` and marks it. */
export async function installStarter(starterDir: string, cacheDir: string, logFile: string): Promise<InstallResult> {
  const key = installKey(starterDir)
  const started = Date.now()
  const slot = path.join(cacheDir, key)
  if (fs.existsSync(path.join(slot, MARKER))) {
    for (const name of KEPT) {
      const from = path.join(slot, name)
      if (fs.existsSync(from)) fs.renameSync(from, path.join(starterDir, name))
    }
    fs.rmSync(slot, { recursive: true, force: true })
    return { cached: true, seconds: (Date.now() - started) / 1000, key }
  }
  await runNpm(starterDir, logFile)
  fs.writeFileSync(path.join(starterDir, MARKER), `${key}\n`)
  return { cached: false, seconds: (Date.now() - started) / 1000, key }
}
