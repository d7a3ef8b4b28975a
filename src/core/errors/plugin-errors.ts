import { ApiError } from "./api-errors"

/**
 * Typed errors raised by the framework-free core. Each carries a stable
 * `code` so adapters (services, routes) can map it without string matching.
 */

export type WebPushErrorCode =
  | "invalid_option"
  | "invalid_subscription"
  | "endpoint_forbidden"
  | "payload_too_large"
  | "subscription_gone"
  | "rate_limited"
  | "push_service_error"
  | "push_rejected"
  | "network_error"
  | "timeout"
  | "template_error"
  | "unsupported_runtime"

export interface WebPushErrorOptions {
  /** Path of the offending input, e.g. `subscription.keys.auth`. */
  field?: string
  /** The underlying error, passed on as the standard `cause`. */
  cause?: unknown
}

export class WebPushPluginError extends Error {
  readonly code: WebPushErrorCode
  readonly field?: string

  constructor(code: WebPushErrorCode, message: string, opts: WebPushErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.name = new.target.name
    this.code = code
    if (opts.field !== undefined) {
      this.field = opts.field
    }
  }
}

/** A plugin option is missing or invalid; `field` is its path. */
export class PluginOptionsError extends WebPushPluginError {
  constructor(field: string, problem: string, opts: { cause?: unknown } = {}) {
    super("invalid_option", `medusa-plugin-web-push: option "${field}" ${problem}`, {
      field,
      cause: opts.cause,
    })
  }
}

/** A push subscription (keys, shape) sent by a browser is not usable. */
export class InvalidSubscriptionError extends WebPushPluginError {
  constructor(field: string, message: string, opts: { cause?: unknown } = {}) {
    super("invalid_subscription", message, { field, cause: opts.cause })
  }
}

/** A push endpoint was refused by the endpoint policy (SSRF guard). */
export class EndpointForbiddenError extends WebPushPluginError {
  /** Short machine-readable reason, e.g. `ip_literal`, `host_not_allowed`. */
  readonly reason: string

  constructor(reason: string, message: string, opts: { field?: string; cause?: unknown } = {}) {
    super("endpoint_forbidden", message, {
      field: opts.field ?? "subscription.endpoint",
      cause: opts.cause,
    })
    this.reason = reason
  }
}

/** A notification cannot be made to fit the push-service payload limit. */
export class PayloadTooLargeError extends WebPushPluginError {
  readonly bytes: number
  readonly maxBytes: number

  constructor(bytes: number, maxBytes: number) {
    super("payload_too_large", `push payload is ${bytes} bytes, limit is ${maxBytes}`)
    this.bytes = bytes
    this.maxBytes = maxBytes
  }
}

/**
 * What a log line may say about a failure: the plugin's own errors (and API errors) in full; any
 * other error (a database error quotes the values it was given, such as an endpoint or an e-mail)
 * by name and code only. Every log line about an error goes through this.
 */
export function describeError(err: unknown): string {
  if (err instanceof WebPushPluginError || err instanceof ApiError) return `${err.name}: ${err.message}`
  const e = err as { name?: unknown; code?: unknown } | null | undefined
  const name = typeof e?.name === "string" && /^[A-Za-z][\w.]{0,60}$/.test(e.name) ? e.name : "Error"
  const code = typeof e?.code === "string" || typeof e?.code === "number" ? String(e.code) : ""
  return /^[A-Za-z0-9_.-]{1,40}$/.test(code) ? `${name} (${code})` : name
}
