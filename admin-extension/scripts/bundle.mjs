// Bundles the admin extension (admin-extension/src: settings, routes, widgets) into the
// plugin's dist/admin with @medusajs/admin's own `medusa-admin bundle`, which a store's admin
// build picks up from every plugin configured with `enableUI: true`.
// `medusa-admin bundle` reads ./src/admin and ./package.json and writes ./dist/admin: it runs in
// a staging folder where src/admin is a link to admin-extension/src.
// The bundle is kept in that staging folder with a stamp (a hash of its inputs: see
// bundleInputsHash); while the stamp matches, the next build copies it instead of bundling again.
// `npm run clean` removes it.
// Usage: node admin-extension/scripts/bundle.mjs [--force]
import { execFileSync } from "node:child_process"
import { createHash } from "node:crypto"
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..")
const stage = join(root, ".tmp", "admin-bundle")
const stampFile = join(stage, "inputs.sha256")

/** Every file under `dir`, as absolute paths. */
function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]))
}

/** The file a relative import names (`./x` may be x.ts, x.tsx, x.js or x/index.*), if it exists. */
function resolveImport(from, spec) {
  const base = resolve(dirname(from), spec)
  const candidates = [base, ...[".ts", ".tsx", ".js", ".mjs", ".json"].flatMap((ext) => [base + ext, join(base, `index${ext}`)])]
  return candidates.find((c) => existsSync(c) && statSync(c).isFile())
}

/**
 * What the bundle is made from: admin-extension/ (sources, tsconfig, this script), every file
 * outside it that those sources import by a relative path (followed to the end), the package
 * fields written into the staging package.json, the locked dependency tree and Node's major version.
 */
export function bundleInputsHash() {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"))
  const seen = new Set(filesUnder(join(root, "admin-extension")))
  const queue = [...seen]
  while (queue.length) {
    const file = queue.pop()
    if (!/\.(tsx?|m?js)$/.test(file)) continue
    for (const [, spec] of readFileSync(file, "utf8").matchAll(/(?:from|import\(|require\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const target = resolveImport(file, spec)
      if (target && !seen.has(target)) {
        seen.add(target)
        queue.push(target)
      }
    }
  }
  const hash = createHash("sha256")
  for (const file of [...seen].sort())
    hash
      .update(`${relative(root, file)}\0`)
      .update(readFileSync(file))
      .update("\0")
  const lock = join(root, "package-lock.json")
  hash.update(JSON.stringify([pkg.name, pkg.version, pkg.dependencies, pkg.peerDependencies, process.versions.node.split(".")[0]]))
  hash.update(existsSync(lock) ? readFileSync(lock) : "")
  return hash.digest("hex")
}

export function bundleAdmin({ force = false } = {}) {
  const started = Date.now()
  const inputs = bundleInputsHash()
  const out = join(root, "dist", "admin")
  const kept = join(stage, "dist", "admin")
  if (!force && existsSync(kept) && existsSync(stampFile) && readFileSync(stampFile, "utf8") === inputs) {
    rmSync(out, { recursive: true, force: true })
    cpSync(kept, out, { recursive: true })
    process.stdout.write(
      `admin extension unchanged: its bundle copied into dist/admin (rebuild: npm run clean, or build:admin -- --force)\n`
    )
    return
  }
  rmSync(stage, { recursive: true, force: true })
  mkdirSync(join(stage, "src"), { recursive: true })
  symlinkSync(join(root, "admin-extension", "src"), join(stage, "src", "admin"), "dir")
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"))
  // The name identifies the extension in the store's admin; dependencies are left external.
  writeFileSync(
    join(stage, "package.json"),
    JSON.stringify(
      { name: pkg.name, version: pkg.version, dependencies: pkg.dependencies, peerDependencies: pkg.peerDependencies },
      null,
      2
    )
  )
  const cli = createRequire(join(root, "package.json")).resolve("@medusajs/admin/bin/medusa-admin.js")
  execFileSync(process.execPath, [cli, "bundle"], {
    cwd: stage,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NODE_ENV: "production" },
  })
  rmSync(out, { recursive: true, force: true })
  cpSync(kept, out, { recursive: true })
  writeFileSync(stampFile, inputs)
  process.stdout.write(`admin extension bundled into dist/admin in ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) bundleAdmin({ force: process.argv.includes("--force") })
