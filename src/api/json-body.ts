import type { IncomingMessage } from "node:http"
import { InvalidRequestError, PayloadTooLargeError, RequestTimeoutError, UnsupportedMediaTypeError } from "../core/errors/api-errors"
import { isJsonMediaType, mediaTypeOf } from "../core/security/request-origin"

/** Whether the request has a body to read (an empty one, `Content-Length: 0`, is none). */
export function hasBody(req: IncomingMessage): boolean {
  return req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"]) > 0
}

/**
 * 415 unless the request's body is `application/json` (a request without a body may leave the
 * type out, unless `bodyRequired`).
 */
export function checkJsonMediaType(req: IncomingMessage, { bodyRequired }: { bodyRequired: boolean }): void {
  const contentType = req.headers["content-type"]
  if (contentType === undefined) {
    if (bodyRequired || hasBody(req)) throw new UnsupportedMediaTypeError("a body needs Content-Type: application/json")
    return
  }
  if (!isJsonMediaType(contentType)) {
    const type = mediaTypeOf(contentType)
    throw new UnsupportedMediaTypeError(`Content-Type ${type ?? "(not a media type)"} is not accepted: send application/json`)
  }
}

/** 415 unless the body is UTF-8 and not compressed, as the plugin's routes read them. */
export function checkJsonEncoding(req: IncomingMessage): void {
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(req.headers["content-type"] ?? "")?.[1]?.toLowerCase()
  if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
    throw new UnsupportedMediaTypeError("body must be UTF-8 JSON", "body")
  }
  const encoding = req.headers["content-encoding"]?.trim().toLowerCase()
  if (encoding && encoding !== "identity") {
    throw new UnsupportedMediaTypeError("Content-Encoding must be identity: compressed bodies are not read", "content-encoding")
  }
}

/**
 * Reads a JSON body of at most `limit` bytes, as the plugin's routes take them: UTF-8, not
 * compressed, an object or array at the top (body-parser's `strict`). No body reads as `{}`.
 * The caller has checked the media type.
 */
export function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  try {
    checkJsonEncoding(req)
  } catch (err) {
    return Promise.reject(err)
  }
  if (!hasBody(req)) return Promise.resolve({})
  return readRawBody(req, limit).then(parseJsonBytes)
}

/**
 * Reads the body's bytes, at most `limit` (413 past it, the rest drained unread), and within
 * `deadlineMs` when given (408 after it). For routes that must check the exact bytes before
 * parsing them (a signed webhook); others use {@link readJsonBody}.
 */
export function readRawBody(req: IncomingMessage, limit: number, deadlineMs?: number): Promise<Buffer> {
  if (!hasBody(req)) return Promise.resolve(Buffer.alloc(0))
  if (Number(req.headers["content-length"]) > limit) {
    req.resume()
    return Promise.reject(new PayloadTooLargeError())
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let settled = false
    const timer = deadlineMs === undefined ? undefined : setTimeout(() => settle(new RequestTimeoutError()), deadlineMs)
    const settle = (err: Error | undefined, value?: Buffer): void => {
      if (settled) return
      settled = true
      if (timer) clearTimeout(timer)
      req.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose)
      if (err) {
        req.resume() // drain what is left, unread
        reject(err)
      } else resolve(value as Buffer)
    }
    const onData = (chunk: Buffer): void => {
      size += chunk.length
      if (size > limit) settle(new PayloadTooLargeError())
      else chunks.push(chunk)
    }
    const onEnd = (): void => settle(undefined, Buffer.concat(chunks))
    const onError = (): void => settle(new InvalidRequestError("body", "the request could not be read"))
    const onClose = (): void => settle(new InvalidRequestError("body", "the request could not be read"))
    req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose)
  })
}

/** Parses UTF-8 JSON bytes (an object or array at the top; nothing reads as `{}`), or 400 naming the body. */
export function parseJsonBytes(bytes: Buffer): unknown {
  const invalid = new InvalidRequestError("body", "body must be valid JSON")
  let text: string
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes)
  } catch {
    throw invalid
  }
  const trimmed = text.trim()
  if (trimmed === "") return {}
  if (trimmed[0] !== "{" && trimmed[0] !== "[") throw invalid
  try {
    return JSON.parse(trimmed)
  } catch {
    throw invalid
  }
}
