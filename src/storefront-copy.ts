import fs from "node:fs"
import path from "node:path"

/** What `npx medusa-plugin-web-push storefront <folder>` copies, from the package's built snippet. */
export const STOREFRONT_FILES = ["push-sw.js", "medusa-web-push.js", "index.mjs", "index.d.mts"] as const

/**
 * Copies the service worker and the subscribe helper into a storefront's public folder (the worker
 * must be served from the storefront's origin, at its root scope). Returns the files written.
 * Running it again after an upgrade replaces them with this version's.
 */
export function copyStorefrontFiles(target: string, source: string = path.join(__dirname, "storefront-snippet")): string[] {
  const missing = STOREFRONT_FILES.filter((f) => !fs.existsSync(path.join(source, f)))
  if (missing.length) throw new Error(`the package lacks ${missing.join(", ")} in ${source}: reinstall medusa-plugin-web-push`)
  if (fs.existsSync(target) && !fs.statSync(target).isDirectory()) throw new Error(`${target} is not a folder`)
  fs.mkdirSync(target, { recursive: true })
  return STOREFRONT_FILES.map((file) => {
    const to = path.join(target, file)
    fs.copyFileSync(path.join(source, file), to)
    return to
  })
}
