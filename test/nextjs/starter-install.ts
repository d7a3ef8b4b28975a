/**
 * Step 3a of the Next.js proof: the starter's dependencies, installed with yarn 1 from its
 * yarn.lock as its README says ("Use Yarn"), or with npm, cached by the hash of the starter's
 * package.json (and the installer). The installed node_modules (and the package-lock.json npm wrote) are moved aside
 * before the source is re-extracted and moved back when the hash matches, so a rerun installs
 * nothing. Moving is a rename on one file system: instant, whatever the size.
 */
import { spawn } from "node:child_process"
import { createHash } from "node:crypto"
import fs from "node:fs"
import path from "node:path"

const KEPT = ["node_modules", "package-lock.json", "yarn.lock"] as const
const MARKER = path.join("node_modules", ".proof-install-key")

export type Installer = "yarn" | "npm"

/**
 * yarn: classic yarn (the starter's yarn.lock is a v1 lockfile), fetched by npx from the npm
 * registry, installing exactly the lockfile. npm: `npm install` (npm takes versions from the
 * yarn.lock where it can but hoists its own way and ignores `resolutions`).
 */
export const INSTALL_COMMANDS: Record<Installer, string[]> = {
  yarn: [
    "npx",
    "--yes",
    "yarn@1.22.22",
    "install",
    "--frozen-lockfile",
    "--non-interactive",
    "--registry",
    "https://registry.npmjs.org",
    "--network-timeout",
    "600000",
  ],
  npm: ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"],
}

/**
 * The starter is made for yarn (its README: "Use Yarn"): its package.json pins
 * `resolutions: { "@types/react": "17.0.40", webpack: "^5" }`, which npm ignores. With npm's own
 * resolution (@types/react 18 everywhere) the starter's own
 * src/modules/products/components/product-tabs/accordion.tsx fails `next build` ("Unused
 * '@ts-expect-error' directive"). npm's equivalent is `overrides`; a direct dependency an
 * override covers must carry the same spec, so it is set too (yarn 1 keeps the direct one at
 * 18.2.42 and gives 17.0.40 only to packages asking for `@types/react@*`, which npm cannot
 * express). Returns what changed.
 */
export function yarnResolutionsAsNpmOverrides(starterDir: string): string[] {
  const file = path.join(starterDir, "package.json")
  const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as {
    resolutions?: Record<string, string>
    overrides?: Record<string, string>
    dependencies?: Record<string, string>
    devDependencies?: Record<string, string>
  }
  const changes: string[] = []
  for (const [name, spec] of Object.entries(pkg.resolutions ?? {})) {
    if (pkg.overrides?.[name] === spec) continue
    pkg.overrides = { ...pkg.overrides, [name]: spec }
    changes.push(`overrides.${name}=${spec}`)
    for (const field of ["dependencies", "devDependencies"] as const) {
      const deps = pkg[field]
      if (deps?.[name] && deps[name] !== spec) {
        changes.push(`${field}.${name}: ${deps[name]} -> ${spec}`)
        deps[name] = spec
      }
    }
  }
  if (changes.length) fs.writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`)
  return changes
}

export function installKey(starterDir: string, installer: Installer): string {
  const pkg = fs.readFileSync(path.join(starterDir, "package.json"))
  return createHash("sha256").update(pkg).update(INSTALL_COMMANDS[installer].join(" ")).update(process.version).digest("hex").slice(0, 16)
}

interface Marker {
  key: string
  /** How long the install that made this node_modules took. */
  seconds: number
}

function readMarker(dir: string): Marker | undefined {
  const marker = path.join(dir, MARKER)
  return fs.existsSync(marker) ? (JSON.parse(fs.readFileSync(marker, "utf8")) as Marker) : undefined
}

/** Moves a finished install out of the starter folder into `cacheDir/<key>/` before the folder is replaced. */
export function stashInstall(starterDir: string, cacheDir: string): void {
  const key = readMarker(starterDir)?.key
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
  /** The time of the install that made it (this run's, or the cached one's). */
  installSeconds: number
  key: string
}

function runInstaller(starterDir: string, installer: Installer, logFile: string): Promise<void> {
  const [command, ...args] = INSTALL_COMMANDS[installer]
  return new Promise((resolve, reject) => {
    const log = fs.openSync(logFile, "w")
    const child = spawn(command, args, {
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
        reject(new Error(`${INSTALL_COMMANDS[installer].join(" ")} exited ${code} (log: ${logFile}):\n${tail}`))
      }
    })
  })
}

/** Restores the cached install for this package.json and installer, else installs and marks it. */
export async function installStarter(starterDir: string, installer: Installer, cacheDir: string, logFile: string): Promise<InstallResult> {
  const key = installKey(starterDir, installer)
  const started = Date.now()
  const slot = path.join(cacheDir, key)
  const cached = readMarker(slot)
  if (cached?.key === key) {
    for (const name of KEPT) {
      const from = path.join(slot, name)
      if (fs.existsSync(from)) fs.renameSync(from, path.join(starterDir, name))
    }
    fs.rmSync(slot, { recursive: true, force: true })
    return { cached: true, seconds: (Date.now() - started) / 1000, installSeconds: cached.seconds, key }
  }
  await runInstaller(starterDir, installer, logFile)
  const seconds = (Date.now() - started) / 1000
  fs.writeFileSync(path.join(starterDir, MARKER), JSON.stringify({ key, seconds } satisfies Marker))
  return { cached: false, seconds, installSeconds: seconds, key }
}
