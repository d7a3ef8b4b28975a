/**
 * The two rules every state-changing request to the plugin passes before its route runs (CSRF):
 * the body is JSON (a cross-site form or `text/plain` post needs no CORS preflight, JSON does), and
 * a request carrying the session cookie comes from the backend's own origin or one in the CORS list
 * of its side (store or admin). Framework-free: the API edge feeds in the headers.
 */

/** One entry of a CORS list: an exact origin, or a pattern written `/regex/flags`. */
export type CorsOrigin = string | RegExp

/**
 * A CORS list as Medusa reads `store_cors` / `admin_cors`: comma-separated, each entry an exact
 * origin or, when written between delimiters (`/.../`, also `~ @ ; % # '`), a regular expression.
 * Entries are not trimmed: Medusa's own CORS check does not trim them either.
 */
export function parseCorsOrigins(list: string | undefined): CorsOrigin[] {
  if (!list) return []
  return list.split(",").map((entry) => {
    const m = entry.match(/^([/~@;%#'])(.*?)\1([gimsuy]*)$/)
    if (!m) return entry
    try {
      // Without g/y a RegExp keeps no state between tests.
      return new RegExp(m[2], m[3].replace(/[gy]/g, ""))
    } catch {
      return entry
    }
  })
}

/** Whether an `Origin` value is one the list allows (the `cors` package's rule). */
export function corsAllows(list: readonly CorsOrigin[], origin: string): boolean {
  return list.some((allowed) => (typeof allowed === "string" ? allowed === origin : allowed.test(origin)))
}

/** `application/json`, with or without parameters (`; charset=utf-8`): the only body the plugin reads. */
export function isJsonMediaType(contentType: string): boolean {
  return mediaTypeOf(contentType) === "application/json"
}

/** The media type of a Content-Type header, lower-cased, without parameters; `undefined` when it is not one. */
export function mediaTypeOf(contentType: string): string | undefined {
  const type = contentType.split(";")[0].trim().toLowerCase()
  return /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/.test(type) ? type : undefined
}

/** The headers the origin rule reads, as the browser sent them. */
export interface OriginHeaders {
  origin?: string
  referer?: string
  /** `Sec-Fetch-Site`: the browser's own verdict (`same-origin`, `same-site`, `cross-site`, `none`). */
  secFetchSite?: string
}

export type OriginVerdict = { allowed: true } | { allowed: false; reason: "foreign_origin" | "cross_site" }

/**
 * The origin rule for a request that carries the session cookie. Allowed: an `Origin` (or, without
 * one, the `Referer`'s origin) that is the backend's own or in `allowed`; the browser's own
 * `Sec-Fetch-Site: same-origin`; no origin information at all unless the browser says
 * `cross-site` (a server-side client sends none). `Origin: null` (sandboxed frames, `data:` pages)
 * and an unreadable `Referer` are refused.
 */
export function checkRequestOrigin(headers: OriginHeaders, ownOrigins: readonly string[], allowed: readonly CorsOrigin[]): OriginVerdict {
  if (headers.secFetchSite?.trim().toLowerCase() === "same-origin") return { allowed: true }
  const origin = headers.origin?.trim() || refererOrigin(headers.referer)
  if (origin === undefined) {
    return headers.secFetchSite?.trim().toLowerCase() === "cross-site" ? { allowed: false, reason: "cross_site" } : { allowed: true }
  }
  if (ownOrigins.includes(origin.toLowerCase()) || corsAllows(allowed, origin)) return { allowed: true }
  return { allowed: false, reason: "foreign_origin" }
}

/** The origin of a `Referer` header; `"null"` (never allowed) when it is there but unreadable. */
function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer?.trim()) return undefined
  try {
    return new URL(referer.trim()).origin
  } catch {
    return "null"
  }
}
