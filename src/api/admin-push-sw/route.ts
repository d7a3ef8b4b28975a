import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import fs from "node:fs"
import path from "node:path"

/** Where the admin registers its service worker: on the backend, which serves the admin (`@medusajs/admin`, `serve: true`). */
export const ADMIN_SERVICE_WORKER_PATH = "/admin-push-sw"

/** A service worker script is public: the browser fetches it without the admin's session. */
export const AUTHENTICATE = false
export const CORS = false

/**
 * The storefront's service worker (`push-sw.js`), built into `dist/storefront-snippet/` (or read
 * from the source folder when the plugin runs from `src/`). The admin page registers it with
 * `?backend=<origin>&url=<admin home>`: notifications show the same way, a click opens the admin
 * URL the notification carries, and clicks and renewals are reported to the backend.
 */
const CANDIDATES = [
  path.resolve(__dirname, "..", "..", "storefront-snippet", "push-sw.js"),
  path.resolve(__dirname, "..", "..", "..", "storefront-snippet", "push-sw.js"),
]

let script: string | undefined

function readScript(): string {
  if (script !== undefined) return script
  const file = CANDIDATES.find((candidate) => fs.existsSync(candidate))
  if (!file) throw new Error("push-sw.js is missing from the plugin's build")
  script = fs.readFileSync(file, "utf8")
  return script
}

export async function GET(_req: MedusaRequest, res: MedusaResponse): Promise<void> {
  res.setHeader("Content-Type", "text/javascript; charset=utf-8")
  // The browser checks the worker for updates; it must always see the installed plugin's version.
  res.setHeader("Cache-Control", "no-cache")
  res.setHeader("Service-Worker-Allowed", "/")
  res.setHeader("X-Content-Type-Options", "nosniff")
  res.send(readScript())
}
