import { checkEndpointSyntax, type EndpointPolicy } from "../security/endpoint-policy"
import { EndpointForbiddenError } from "../errors/plugin-errors"
import { classifyError, classifyResponse, type DeliveryOutcome } from "./outcome"
import type { VapidDetails } from "../keys/keys"
import { topicHeader, type PushRequest, type PushResult, type PushTarget } from "./push-transport"
import { encryptPayload, type ReceiverKeys } from "./encrypt"
import { PushHttpPool, type PushTlsOverrides } from "./http-pool"
import { VapidHeaderCache } from "./vapid-header"

export interface PushSenderConfig {
  readonly vapid: VapidDetails
  readonly policy: EndpointPolicy
  /** Connect, headers and body (idle) timeout per request, in ms. */
  readonly timeoutMs: number
  /** Connections kept to one push-service origin (HTTP/1.1 needs one per request in flight; HTTP/2 uses one). */
  readonly maxConnectionsPerOrigin: number
  /** Tests only: the clock the VAPID JWT `exp` is computed from. @defaultValue Date.now */
  readonly now?: () => number
  /** Tests only: trust a local CA. Production trusts Node's store plus `NODE_EXTRA_CA_CERTS`. */
  readonly tls?: PushTlsOverrides
}

export interface PushSender {
  /** Encrypts, signs and sends one message. Never throws and always settles: every result is a classified outcome. */
  send(target: PushTarget, request: PushRequest): Promise<PushResult>
  /** Closes the keep-alive connections (requests in flight finish first). */
  close(): Promise<void>
}

const P256DH_BYTES = 65
/** Messages encrypted back to back before they are sent (see `flush`). */
const BATCH = 8
const AUTH_BYTES = 16

function receiverKeys(target: PushTarget): ReceiverKeys | undefined {
  const p256dh = Buffer.from(target.p256dh, "base64url")
  const auth = Buffer.from(target.auth, "base64url")
  return p256dh.length === P256DH_BYTES && p256dh[0] === 0x04 && auth.length === AUTH_BYTES ? { p256dh, auth } : undefined
}

function rejected(reason: string): PushResult {
  return { outcome: { kind: "rejected", reason } }
}

function errorResult(err: unknown): PushResult {
  if (err instanceof EndpointForbiddenError) return rejected(`endpoint_forbidden: ${err.reason}`)
  return { outcome: classifyError(err) }
}

/**
 * The delivery transport: RFC 8291 encryption with a fresh key and salt per message, the RFC 8292
 * VAPID header cached per push-service origin, and pooled keep-alive HTTP/2 or HTTP/1.1
 * connections whose address is checked at connect time. Targets, requests and outcomes are the
 * types of `push-transport.ts`; outcomes are classified by `outcome.ts`.
 */
export function createPushSender(config: PushSenderConfig): PushSender {
  const vapid = new VapidHeaderCache(config.vapid, { now: config.now })
  const http = new PushHttpPool({
    policy: config.policy,
    timeoutMs: config.timeoutMs,
    maxConnectionsPerOrigin: config.maxConnectionsPerOrigin,
    tls: config.tls,
  })

  // A broadcast sends one payload to many devices: encode it once.
  let lastPayload: string | undefined
  let lastPlaintext = Buffer.alloc(0)
  function plaintextOf(payload: string): Buffer {
    if (payload !== lastPayload) {
      lastPlaintext = Buffer.from(payload, "utf8")
      lastPayload = payload
    }
    return lastPlaintext
  }

  /** A message ready to go: its origin, path, headers and encrypted body. */
  interface Prepared {
    readonly origin: string
    readonly path: string
    readonly headers: Record<string, string>
    readonly body: Buffer
  }

  /** Checks the endpoint and keys, then encrypts and signs: a request to make, or the outcome that stops it. */
  function prepare(target: PushTarget, request: PushRequest): Prepared | PushResult {
    let url: URL
    try {
      url = checkEndpointSyntax(target.endpoint, config.policy)
    } catch (err) {
      return rejected(`endpoint_forbidden: ${err instanceof EndpointForbiddenError ? err.reason : "malformed"}`)
    }
    const keys = receiverKeys(target)
    if (keys === undefined) return rejected("invalid_subscription_keys")
    try {
      const origin = url.origin
      const body = encryptPayload(plaintextOf(request.payload), keys)
      const headers: Record<string, string> = {
        ttl: String(request.ttl),
        urgency: request.urgency,
        "content-encoding": "aes128gcm",
        "content-type": "application/octet-stream",
        authorization: vapid.header(origin),
      }
      if (request.topic) headers.topic = topicHeader(request.topic)
      return { origin, path: `${url.pathname}${url.search}`, headers, body }
    } catch (err) {
      return errorResult(err)
    }
  }

  async function post(prepared: Prepared): Promise<PushResult> {
    try {
      const { origin } = prepared
      const response = await http.post(origin, prepared.path, prepared.headers, prepared.body)
      const { statusCode } = response
      let outcome: DeliveryOutcome
      if (statusCode >= 300 && statusCode < 400) {
        outcome = { kind: "rejected", reason: "redirect_refused" }
      } else {
        outcome = classifyResponse(statusCode, response.headers, response.body)
        // A refused JWT may be stale or signed against a skewed clock: sign a fresh one next time.
        if (statusCode === 401 || statusCode === 403) vapid.invalidate(origin)
      }
      return { outcome, statusCode }
    } catch (err) {
      return errorResult(err)
    }
  }

  // Messages asked for while the event loop handled one round of I/O are encrypted back to back,
  // up to BATCH at a time, then sent: the encryption's code and tables stay warm in the CPU's
  // caches instead of being evicted by the network code between messages. A few at a time, so
  // that the push service gets its first message after a few encryptions, not after them all.
  const waiting: Array<{ target: PushTarget; request: PushRequest; settle: (result: PushResult) => void }> = []
  function flush(): void {
    const batch = waiting.splice(0, BATCH)
    if (waiting.length > 0) setImmediate(flush)
    const prepared = batch.map(({ target, request }) => {
      try {
        return prepare(target, request)
      } catch (err) {
        // Nothing thrown here may escape: it would leave this batch unsettled and end the process.
        return errorResult(err)
      }
    })
    for (let i = 0; i < batch.length; i += 1) {
      const ready = prepared[i]
      if ("outcome" in ready) batch[i].settle(ready)
      else void post(ready).then(batch[i].settle)
    }
  }

  function send(target: PushTarget, request: PushRequest): Promise<PushResult> {
    return new Promise((settle) => {
      if (waiting.push({ target, request, settle }) === 1) setImmediate(flush)
    })
  }

  return {
    send: (target, request) => send(target, request).catch(errorResult),
    close: () => http.close(),
  }
}
