import type { MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { ApiError } from "../core/errors/api-errors"
import { describeError, PluginOptionsError, WebPushPluginError } from "../core/errors/plugin-errors"
import { PLAIN_FIELD_NAME } from "./validation/fields"

interface ErrorBody {
  type: string
  message: string
  field?: string
}

/** Medusa's own error types (MedusaError#type) and the status they answer with. */
const MEDUSA_TYPES: Record<string, number> = {
  not_found: 404,
  invalid_data: 400,
  not_allowed: 400,
  unauthorized: 401,
  conflict: 409,
  duplicate_error: 422,
}

function answer(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof ApiError) {
    // A field name is repeated only when it looks like one: an unknown key can be any text the
    // client sent (a form-encoded JSON body becomes one key holding an endpoint and its secret).
    if (err.field !== undefined && !PLAIN_FIELD_NAME.test(err.field)) {
      return { status: err.status, body: { type: err.type, message: "the body has a field that is not accepted", field: "body" } }
    }
    return { status: err.status, body: { type: err.type, message: err.message, field: err.field } }
  }
  if (err instanceof PluginOptionsError) {
    return { status: 503, body: { type: "not_configured", message: `Web push is not configured: ${err.message}` } }
  }
  if (err instanceof WebPushPluginError) {
    return { status: 400, body: { type: "invalid_data", message: err.message, field: err.field } }
  }
  const e = err as { type?: unknown; status?: unknown; message?: unknown }
  // body-parser: malformed JSON, or a body over the route's limit.
  if (e.type === "entity.parse.failed") {
    return { status: 400, body: { type: "invalid_data", message: "body must be valid JSON", field: "body" } }
  }
  if (e.type === "entity.too.large") {
    return { status: 413, body: { type: "payload_too_large", message: "body is too large", field: "body" } }
  }
  if ((typeof e.type === "string" && e.type.startsWith("encoding.")) || e.type === "charset.unsupported") {
    return { status: 415, body: { type: "unsupported_media_type", message: "body must be UTF-8 JSON", field: "body" } }
  }
  if (typeof e.type === "string" && MEDUSA_TYPES[e.type] && typeof e.message === "string") {
    return { status: MEDUSA_TYPES[e.type], body: { type: e.type, message: e.message } }
  }
  // Express: a path with malformed percent-encoding (its decodeURIComponent fails).
  if (err instanceof URIError) {
    return { status: 400, body: { type: "invalid_data", message: "the path is not valid", field: "path" } }
  }
  // Other client errors raised by Express or body-parser (http-errors with `expose`).
  const status = typeof e.status === "number" ? e.status : undefined
  if (status !== undefined && status >= 400 && status < 500 && (err as { expose?: unknown }).expose === true) {
    return { status, body: { type: "invalid_data", message: "the request could not be read", field: "body" } }
  }
  // A push service's name could not be resolved just now (the DNS server, not the client).
  if ((err as { syscall?: unknown }).syscall === "getaddrinfo" || (err as { syscall?: unknown }).syscall === "queryA") {
    return { status: 503, body: { type: "unavailable", message: "The push service could not be checked just now; try again later" } }
  }
  return { status: 500, body: { type: "unknown_error", message: "An unknown error occurred." } }
}

/**
 * The plugin's routes answer every error as JSON `{ type, message, field? }`, never with a stack
 * trace; only unexpected errors are logged, and only by name and code (a database error's text
 * can quote the values it was given, such as an endpoint).
 */
export function webPushErrorHandler(err: unknown, req: MedusaRequest, res: MedusaResponse, _next: MedusaNextFunction): void {
  const { status, body } = answer(err)
  if (status >= 500 && status !== 503) {
    // An inbound hook's path may end in its source's token: never logged.
    const path = req.path.replace(/^(\/hooks\/web-push\/alerts\/[^/]+)\/.+$/i, "$1/<token>")
    req.scope.resolve<{ error: (msg: string) => void }>("logger").error(`web-push: ${req.method} ${path} failed: ${describeError(err)}`)
  }
  if (res.headersSent) return
  res.status(status).json(body)
}
