// Bundles the admin extension (admin-extension/src: settings, routes, widgets) into the
// plugin's dist/admin with @medusajs/admin's own `medusa-admin bundle`, which a store's admin
// build picks up from every plugin configured with `enableUI: true`.
// `medusa-admin bundle` reads ./src/admin and ./package.json and writes ./dist/admin: it runs in
// a staging folder where src/admin is a link to admin-extension/src.
// Usage: node admin-extension/scripts/bundle.mjs
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

export function bundleAdmin() {
  const started = Date.now()
  const stage = join(root, '.tmp', 'admin-bundle')
  rmSync(stage, { recursive: true, force: true })
  mkdirSync(join(stage, 'src'), { recursive: true })
  symlinkSync(join(root, 'admin-extension', 'src'), join(stage, 'src', 'admin'), 'dir')
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  // The name identifies the extension in the store's admin; dependencies are left external.
  writeFileSync(
    join(stage, 'package.json'),
    JSON.stringify({ name: pkg.name, version: pkg.version, dependencies: pkg.dependencies, peerDependencies: pkg.peerDependencies }, null, 2)
  )
  const cli = createRequire(join(root, 'package.json')).resolve('@medusajs/admin/bin/medusa-admin.js')
  execFileSync(process.execPath, [cli, 'bundle'], {
    cwd: stage,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  })
  const out = join(root, 'dist', 'admin')
  rmSync(out, { recursive: true, force: true })
  cpSync(join(stage, 'dist', 'admin'), out, { recursive: true })
  process.stdout.write(`admin extension bundled into dist/admin in ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) bundleAdmin()
