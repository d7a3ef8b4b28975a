import { EndpointForbiddenError, PayloadTooLargeError } from "../errors/plugin-errors"

/** What happened to one delivery attempt, and what to do next. */
export type DeliveryOutcome =
  | { kind: "delivered" }
  | { kind: "gone"; reason: string }
  | { kind: "rejected"; reason: string }
  | { kind: "retry"; reason: string; retryAfterMs?: number }

export type ResponseHeaders = Readonly<Record<string, string | string[] | undefined>>

const MAX_BODY_IN_REASON = 200

function header(headers: ResponseHeaders, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value
  }
  return undefined
}

/** Parses `Retry-After` (delta seconds or HTTP date) into ms from `now`. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const at = Date.parse(text)
  if (Number.isNaN(at) || !/[a-z]/i.test(text)) return undefined
  return Math.max(0, at - now)
}

/** A short, single-line excerpt of a response body, with URLs masked (they may be capability URLs). */
function excerpt(body: string): string {
  const oneLine = body
    .replace(/https?:\/\/\S+/gi, "[url]")
    .replace(/\s+/g, " ")
    .trim()
  return oneLine.length > MAX_BODY_IN_REASON ? `${oneLine.slice(0, MAX_BODY_IN_REASON)}\u2026` : oneLine
}

function reason(label: string, statusCode: number, body = ""): string {
  const text = excerpt(body)
  return `${label}: HTTP ${statusCode}${text ? ` ${text}` : ""}`
}

/**
 * Classifies a push service's HTTP answer: 2xx delivered; 404/410 gone; 429
 * and 5xx retry (Retry-After honoured); 413 and other 4xx rejected.
 * Reasons never contain the endpoint.
 */
export function classifyResponse(statusCode: number, headers: ResponseHeaders, body: string, now: number = Date.now()): DeliveryOutcome {
  if (statusCode >= 200 && statusCode < 300) return { kind: "delivered" }
  if (statusCode === 404 || statusCode === 410) {
    return { kind: "gone", reason: reason("subscription_gone", statusCode) }
  }
  if (statusCode === 429 || (statusCode >= 500 && statusCode < 600)) {
    const retryAfterMs = parseRetryAfter(header(headers, "retry-after"), now)
    const label = statusCode === 429 ? "rate_limited" : "push_service_error"
    const outcome: DeliveryOutcome = { kind: "retry", reason: reason(label, statusCode) }
    return retryAfterMs === undefined ? outcome : { ...outcome, retryAfterMs }
  }
  if (statusCode === 413) return { kind: "rejected", reason: "payload_too_large" }
  if (statusCode === 401 || statusCode === 403) {
    return { kind: "rejected", reason: reason("vapid_rejected", statusCode, body) }
  }
  if (statusCode === 400) return { kind: "rejected", reason: reason("bad_request", statusCode, body) }
  return { kind: "rejected", reason: reason("push_rejected", statusCode, body) }
}

const TIMEOUT_CODES = new Set([
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
])
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_INFO",
  // HTTP/2 streams and sessions: the message may not have arrived.
  "ERR_HTTP2_STREAM_ERROR",
  "ERR_HTTP2_STREAM_CANCEL",
  "ERR_HTTP2_GOAWAY_SESSION",
  "ERR_HTTP2_SESSION_ERROR",
  "ERR_HTTP2_INVALID_SESSION",
  "ERR_HTTP2_ERROR",
])

function prop(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined
}

function networkOutcome(err: unknown): DeliveryOutcome | undefined {
  const code = prop(err, "code")
  const name = prop(err, "name")
  const message = prop(err, "message")
  if ((typeof code === "string" && TIMEOUT_CODES.has(code)) || name === "TimeoutError" || name === "AbortError") {
    return { kind: "retry", reason: `timeout${typeof code === "string" ? `: ${code}` : ""}` }
  }
  // web-push destroys the request with this message when its `timeout` option fires.
  if (typeof message === "string" && /^socket timeout$/i.test(message)) return { kind: "retry", reason: "timeout" }
  if (typeof code === "string" && NETWORK_CODES.has(code)) return { kind: "retry", reason: `network_error: ${code}` }
  return undefined
}

/**
 * Classifies a thrown error: web-push's `WebPushError` (statusCode, headers,
 * body) via {@link classifyResponse}; timeouts and connection/DNS failures
 * retry; a refused endpoint or oversized payload is rejected; anything else is
 * rejected as `unexpected_error`.
 */
export function classifyError(err: unknown): DeliveryOutcome {
  const statusCode = prop(err, "statusCode")
  if (typeof statusCode === "number" && Number.isInteger(statusCode)) {
    const headers = prop(err, "headers")
    const body = prop(err, "body")
    return classifyResponse(
      statusCode,
      typeof headers === "object" && headers !== null ? (headers as ResponseHeaders) : {},
      typeof body === "string" ? body : ""
    )
  }
  if (err instanceof EndpointForbiddenError) return { kind: "rejected", reason: `endpoint_forbidden: ${err.reason}` }
  if (err instanceof PayloadTooLargeError) return { kind: "rejected", reason: "payload_too_large" }
  const code = prop(err, "code")
  return (
    networkOutcome(err) ??
    networkOutcome(prop(err, "cause")) ?? {
      kind: "rejected",
      // The code (e.g. a TLS verification failure) says what went wrong; messages may quote URLs.
      reason: typeof code === "string" && /^[A-Z0-9_]{1,60}$/.test(code) ? `unexpected_error: ${code}` : "unexpected_error",
    }
  )
}
