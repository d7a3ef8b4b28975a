import type { MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { ForbiddenOriginError } from "../core/errors/api-errors"
import { checkRequestOrigin, parseCorsOrigins } from "../core/security/request-origin"
import { checkJsonMediaType, readJsonBody } from "./json-body"

/** Request bodies of the plugin's routes are small; anything larger is refused with 413. */
export const BODY_LIMIT_BYTES = 16 * 1024

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"])

interface ProjectConfig {
  store_cors?: string
  admin_cors?: string
  session_options?: { name?: string }
}

function projectConfig(req: MedusaRequest): ProjectConfig {
  try {
    return req.scope.resolve<{ projectConfig?: ProjectConfig }>("configModule").projectConfig ?? {}
  } catch {
    return {}
  }
}

/** Medusa's session cookie (`session_options.name`, by default `connect.sid`) is on the request. */
function carriesSessionCookie(req: MedusaRequest, config: ProjectConfig): boolean {
  const name = config.session_options?.name ?? "connect.sid"
  return (req.headers.cookie ?? "").split(";").some((pair) => pair.trim().startsWith(`${name}=`))
}

/** The origins this backend is reached at: the Host the browser addressed (or the proxy's X-Forwarded-Host). */
function ownOrigins(req: MedusaRequest): string[] {
  const forwarded = req.get("x-forwarded-host")?.split(",")[0]?.trim()
  return [req.get("host"), forwarded].filter((h): h is string => !!h).map((host) => `${req.protocol}://${host}`.toLowerCase())
}

/** 403 when the session cookie rides along from an origin that is neither this backend's nor in its side's CORS list. */
function checkOrigin(req: MedusaRequest): void {
  const config = projectConfig(req)
  if (!carriesSessionCookie(req, config)) return // a bearer or API token is not sent by a browser on its own
  // Express routes paths case-insensitively: `/ADMIN/push/...` is an admin route too.
  const setting = req.originalUrl.toLowerCase().startsWith("/admin") ? "admin_cors" : "store_cors"
  const verdict = checkRequestOrigin(
    { origin: req.get("origin"), referer: req.get("referer"), secFetchSite: req.get("sec-fetch-site") },
    ownOrigins(req),
    parseCorsOrigins(config[setting])
  )
  if (!verdict.allowed) {
    throw new ForbiddenOriginError(
      `A request signed in with the session cookie is accepted only from this backend's origin or one in ${setting}`
    )
  }
}

/**
 * Runs before every plugin route (CSRF): a state change (POST/PUT/PATCH/DELETE) takes a JSON
 * body only (415), and with the session cookie only from an allowed origin (403); then the body
 * is read, at most 16 kB (413). Medusa's own body parsers are off for the plugin's routes
 * (`bodyParser: false`), so a form or text body is never parsed, and a refused request reaches
 * no route: nothing is stored or sent.
 */
export async function guardStateChange(req: MedusaRequest, _res: MedusaResponse, next: MedusaNextFunction): Promise<void> {
  if (!STATE_CHANGING.has(req.method)) {
    req.body ??= {}
    return next()
  }
  try {
    checkJsonMediaType(req, { bodyRequired: false })
    checkOrigin(req)
    // Only if no parser ran before (middlewares.ts keeps Medusa's off; a body read twice would never end).
    req.body = req.readableEnded ? (req.body ?? {}) : await readJsonBody(req, BODY_LIMIT_BYTES)
    next()
  } catch (err) {
    next(err)
  }
}
