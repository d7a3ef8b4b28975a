/**
 * A test push service that is also the receiving browser ("push inbox").
 *
 * It answers `POST /push/<deviceId>` over HTTPS the way a real push service does
 * (RFC 8030 headers, RFC 8292 VAPID with a verified ES256 signature, 4096-byte
 * limit, 404/410 for unknown/gone subscriptions), then decrypts the RFC 8291
 * aes128gcm body with the `http_ece` library using the device's own private key,
 * exactly as the browser would. Tests read `messages`, `attempts` and
 * `rejections`, or await `waitForMessages(...)`.
 */
import { createECDH, createPublicKey, randomBytes, randomUUID, verify, type ECDH, type KeyObject } from "node:crypto"
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http"
import * as http2 from "node:http2"
import * as https from "node:https"
import type { AddressInfo } from "node:net"
import type { TLSSocket } from "node:tls"

// ---------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------

export interface PushServiceOptions {
  /** PEM private key of the TLS certificate (see ensureTestCertificates). */
  key: string
  /** PEM TLS certificate covering `localhost`. */
  cert: string
  /** Address to listen on; default 127.0.0.1 (plus ::1 on the same port when available). */
  host?: string
  /** Port; default 0 (a random free port). */
  port?: number
  /** When set, every request must be signed with this VAPID public key (base64url), else 403. */
  expectedVapidPublicKey?: string
  /** Serve HTTP/2 (with HTTP/1.1 fallback) instead of HTTP/1.1 only. */
  http2?: boolean
}

export interface DeviceKeys {
  /** Uncompressed P-256 public key, base64url. */
  p256dh: string
  /** 16-byte auth secret, base64url. */
  auth: string
}

/** The shape of `PushSubscription.toJSON()` in a browser. */
export interface PushSubscriptionJSON {
  endpoint: string
  expirationTime: null
  keys: DeviceKeys
}

export interface Device {
  id: string
  label: string
  endpoint: string
  keys: DeviceKeys
  subscription: PushSubscriptionJSON
}

export interface CreateDeviceOptions {
  /** The applicationServerKey the browser subscribed with; requests signed with another key get 403. */
  applicationServerKey?: string
}

export type Urgency = "very-low" | "low" | "normal" | "high"

export interface ReceivedHeaders {
  ttl: number
  urgency?: Urgency
  topic?: string
  contentEncoding: string
}

export interface VapidInfo {
  sub: string
  aud: string
  /** Seconds since the epoch. */
  exp: number
  /** The `k=` value: the application server's public key, base64url. */
  publicKey: string
  /** The JWT as sent (lets tests see whether a header was reused). */
  token: string
}

export interface ReceivedMessage {
  deviceId: string
  label: string
  /** Date.now() when the message was accepted. */
  at: number
  headers: ReceivedHeaders
  vapid: VapidInfo
  /** Decrypted payload as UTF-8 ('' for a push without payload). */
  payloadText: string
  /** JSON.parse(payloadText), or null when it is not JSON. */
  payload: unknown
}

export interface Rejection {
  deviceId: string
  status: number
  reason: string
  at: number
}

export interface Attempt {
  deviceId: string
  /** The status answered (or that would have been answered, see `clientGone`). */
  status: number
  at: number
  /** The client closed the connection before the answer (e.g. its timeout fired). */
  clientGone?: boolean
}

export interface ScriptedResponse {
  status: number
  headers?: Record<string, string>
  body?: string
}

export interface PushService {
  /** `https://localhost:<port>`: the VAPID `aud` that is accepted. */
  readonly origin: string
  readonly port: number
  readonly messages: ReceivedMessage[]
  readonly attempts: Attempt[]
  readonly rejections: Rejection[]
  createDevice(label?: string, options?: CreateDeviceOptions): Device
  /** Later requests to this device answer 410 Gone. */
  markGone(deviceId: string): void
  /** The next requests to this device (that pass verification) get these answers, in order. */
  respondWith(deviceId: string, responses: ScriptedResponse[]): void
  /** Wait this long before answering requests to this device (0 to stop). */
  setDelay(deviceId: string, ms: number): void
  messagesFor(deviceId: string): ReceivedMessage[]
  waitForMessages(predicate: (message: ReceivedMessage) => boolean, count: number, timeoutMs?: number): Promise<ReceivedMessage[]>
  /** Forget messages, attempts, rejections, scripts and delays (devices and gone marks stay). */
  reset(): void
  close(): Promise<void>
}

// ---------------------------------------------------------------------------
// http_ece (no type definitions are published): the part we use
// ---------------------------------------------------------------------------

interface EceDecryptParams {
  version: "aes128gcm"
  privateKey: ECDH
  authSecret: Buffer
}
interface HttpEce {
  decrypt(buffer: Buffer, params: EceDecryptParams): Buffer
}
const ece = require("http_ece") as HttpEce

// ---------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------

export const MAX_BODY_BYTES = 4096
const MAX_VAPID_LIFETIME_S = 24 * 60 * 60
const URGENCIES: readonly string[] = ["very-low", "low", "normal", "high"]
const TOPIC_PATTERN = /^[A-Za-z0-9_-]{1,32}$/
/** aes128gcm header: salt(16) + rs(4) + idlen(1) + keyid(65 = sender's public key). */
const ECE_HEADER_BYTES = 86

// ---------------------------------------------------------------------------
// Internal state
// ---------------------------------------------------------------------------

interface DeviceState {
  device: Device
  ecdh: ECDH
  authSecret: Buffer
  applicationServerKey?: string
  gone: boolean
}

interface RequestLike extends AsyncIterable<Buffer | string> {
  method?: string
  url?: string
  headers: IncomingHttpHeaders
}

interface ResponseLike {
  writeHead(status: number, headers: OutgoingHttpHeaders): unknown
  end(body: string): unknown
  once(event: "close", listener: () => void): unknown
}

interface Answer {
  status: number
  headers: Record<string, string>
  body: string
}

/** A verification failure: the status a real push service answers, and why. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    reason: string
  ) {
    super(reason)
  }
}

// ---------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------

export async function startPushService(opts: PushServiceOptions): Promise<PushService> {
  const devices = new Map<string, DeviceState>()
  const scripts = new Map<string, ScriptedResponse[]>()
  const delays = new Map<string, number>()
  const messages: ReceivedMessage[] = []
  const attempts: Attempt[] = []
  const rejections: Rejection[] = []
  const listeners = new Set<() => void>()
  const sockets = new Set<TLSSocket>()
  let origin = ""

  const notify = (): void => listeners.forEach((listener) => listener())

  async function handle(req: RequestLike, res: ResponseLike): Promise<void> {
    let clientGone = false
    let answered = false
    res.once("close", () => {
      if (!answered) clientGone = true
    })
    const deviceId = deviceIdFromUrl(req.url)
    const body = await readBody(req)
    const delay = deviceId ? (delays.get(deviceId) ?? 0) : 0
    if (delay > 0) await sleep(delay)

    const answer = decide(req, deviceId, body)
    if (deviceId !== undefined) {
      attempts.push({ deviceId, status: answer.status, at: Date.now(), ...(clientGone ? { clientGone } : {}) })
    }
    if (!clientGone) {
      answered = true
      res.writeHead(answer.status, answer.headers)
      res.end(answer.body)
    }
    notify()

    function decide(request: RequestLike, id: string | undefined, payload: Body): Answer {
      try {
        if (request.method !== "POST") throw new Refusal(405, `method ${request.method ?? "?"} not allowed`)
        if (id === undefined) throw new Refusal(404, `no push resource at ${request.url ?? "?"}`)
        const state = findDevice(id)
        const verified = verifyRequest(request.headers, payload, state, opts.expectedVapidPublicKey, origin)
        const scripted = scripts.get(id)?.shift()
        if (scripted) return scriptedAnswer(scripted)
        if (clientGone) return jsonAnswer(201, { note: "client closed the connection; not delivered" })
        messages.push({ deviceId: id, label: state.device.label, at: Date.now(), ...verified })
        return { status: 201, headers: { location: `${origin}/message/${randomUUID()}` }, body: "" }
      } catch (error) {
        const refusal = error instanceof Refusal ? error : new Refusal(500, String(error))
        rejections.push({ deviceId: id ?? "", status: refusal.status, reason: refusal.message, at: Date.now() })
        return jsonAnswer(refusal.status, { code: refusal.status, error: refusal.message })
      }
    }
  }

  function findDevice(id: string): DeviceState {
    const state = devices.get(id)
    if (!state) throw new Refusal(404, `unknown subscription ${id}`)
    if (state.gone) throw new Refusal(410, `subscription ${id} has expired or was unsubscribed`)
    return state
  }

  const onRequest = (req: RequestLike, res: ResponseLike): void => {
    handle(req, res).catch((error: unknown) => {
      try {
        res.writeHead(500, { "content-type": "text/plain" })
        res.end(String(error))
      } catch {
        // the connection is already gone
      }
    })
  }

  const servers = await listenAll(opts, onRequest, sockets)
  const port = (servers[0].address() as AddressInfo).port
  origin = `https://localhost:${port}`

  const service: PushService = {
    origin,
    port,
    messages,
    attempts,
    rejections,
    createDevice(label?: string, options: CreateDeviceOptions = {}): Device {
      const state = newDevice(origin, label ?? `device-${devices.size + 1}`, options.applicationServerKey)
      devices.set(state.device.id, state)
      return state.device
    },
    markGone(deviceId: string): void {
      const state = devices.get(deviceId)
      if (!state) throw new Error(`markGone: unknown device ${deviceId}`)
      state.gone = true
    },
    respondWith(deviceId: string, responses: ScriptedResponse[]): void {
      scripts.set(deviceId, [...(scripts.get(deviceId) ?? []), ...responses])
    },
    setDelay(deviceId: string, ms: number): void {
      delays.set(deviceId, ms)
    },
    messagesFor(deviceId: string): ReceivedMessage[] {
      return messages.filter((message) => message.deviceId === deviceId)
    },
    waitForMessages(predicate, count, timeoutMs = 15_000) {
      return waitFor(
        () => messages.filter(predicate),
        count,
        timeoutMs,
        listeners,
        () => describeState(messages, rejections, attempts)
      )
    },
    reset(): void {
      messages.length = 0
      attempts.length = 0
      rejections.length = 0
      scripts.clear()
      delays.clear()
    },
    async close(): Promise<void> {
      listeners.clear()
      const closed = Promise.all(servers.map((server) => closeServer(server)))
      sockets.forEach((socket) => socket.destroy())
      await closed
    },
  }
  return service
}

// ---------------------------------------------------------------------------
// Listening
// ---------------------------------------------------------------------------

type AnyServer = https.Server | http2.Http2SecureServer
type Handler = (req: RequestLike, res: ResponseLike) => void

function createServer(opts: PushServiceOptions, handler: Handler): AnyServer {
  const tls = { key: opts.key, cert: opts.cert }
  return opts.http2 ? http2.createSecureServer({ ...tls, allowHTTP1: true }, handler) : https.createServer(tls, handler)
}

async function listenAll(opts: PushServiceOptions, handler: Handler, sockets: Set<TLSSocket>): Promise<AnyServer[]> {
  const track = (server: AnyServer): AnyServer => {
    server.on("secureConnection", (socket: TLSSocket) => {
      sockets.add(socket)
      socket.once("close", () => sockets.delete(socket))
    })
    return server
  }
  const primary = track(createServer(opts, handler))
  await listen(primary, opts.port ?? 0, opts.host ?? "127.0.0.1")
  if (opts.host !== undefined) return [primary]
  // `localhost` may resolve to ::1 first: answer there too when IPv6 loopback exists.
  const port = (primary.address() as AddressInfo).port
  const secondary = track(createServer(opts, handler))
  try {
    await listen(secondary, port, "::1")
    return [primary, secondary]
  } catch {
    return [primary]
  }
}

function listen(server: AnyServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(port, host, () => {
      server.off("error", reject)
      resolve()
    })
  })
}

function closeServer(server: AnyServer): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve()
    server.close(() => resolve())
    if (server instanceof https.Server) server.closeAllConnections()
  })
}

// ---------------------------------------------------------------------------
// Devices
// ---------------------------------------------------------------------------

function newDevice(origin: string, label: string, applicationServerKey?: string): DeviceState {
  const id = randomUUID()
  const ecdh = createECDH("prime256v1")
  ecdh.generateKeys()
  const authSecret = randomBytes(16)
  const keys: DeviceKeys = { p256dh: ecdh.getPublicKey("base64url"), auth: authSecret.toString("base64url") }
  const endpoint = `${origin}/push/${id}`
  const device: Device = { id, label, endpoint, keys, subscription: { endpoint, expirationTime: null, keys } }
  return { device, ecdh, authSecret, applicationServerKey, gone: false }
}

function deviceIdFromUrl(url: string | undefined): string | undefined {
  const match = /^\/push\/([^/?#]+)$/.exec((url ?? "").split("?")[0])
  return match ? decodeURIComponent(match[1]) : undefined
}

// ---------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------

interface Body {
  bytes: Buffer
  /** Total bytes received (bytes is capped just above the limit). */
  size: number
}

type Verified = Pick<ReceivedMessage, "headers" | "vapid" | "payloadText" | "payload">

function verifyRequest(
  headers: IncomingHttpHeaders,
  body: Body,
  device: DeviceState,
  serviceKey: string | undefined,
  origin: string
): Verified {
  const pushHeaders = verifyPushHeaders(headers, body)
  const vapid = verifyVapid(headers.authorization, origin)
  const expectedKey = device.applicationServerKey ?? serviceKey
  if (expectedKey !== undefined && vapid.publicKey !== expectedKey) {
    throw new Refusal(403, "VAPID public key does not match the key this subscription was created with")
  }
  if (body.size > MAX_BODY_BYTES) {
    throw new Refusal(413, `payload of ${body.size} bytes exceeds the ${MAX_BODY_BYTES}-byte limit`)
  }
  const payloadText = body.size === 0 ? "" : decryptPayload(body.bytes, device)
  return { headers: pushHeaders, vapid, payloadText, payload: parseJson(payloadText) }
}

function verifyPushHeaders(headers: IncomingHttpHeaders, body: Body): ReceivedHeaders {
  const contentEncoding = (single(headers["content-encoding"]) ?? "").trim().toLowerCase()
  if (body.size > 0 && contentEncoding !== "aes128gcm") {
    throw new Refusal(415, `Content-Encoding must be aes128gcm, got "${contentEncoding}"`)
  }
  const ttlText = single(headers.ttl)?.trim()
  if (ttlText === undefined || !/^\d+$/.test(ttlText)) {
    throw new Refusal(400, `TTL header must be a non-negative integer, got "${ttlText ?? "(missing)"}"`)
  }
  const result: ReceivedHeaders = { ttl: Number(ttlText), contentEncoding }
  const urgency = single(headers.urgency)?.trim()
  if (urgency !== undefined) {
    if (!URGENCIES.includes(urgency)) throw new Refusal(400, `Urgency must be one of ${URGENCIES.join(", ")}`)
    result.urgency = urgency as Urgency
  }
  const topic = single(headers.topic)?.trim()
  if (topic !== undefined) {
    if (!TOPIC_PATTERN.test(topic)) throw new Refusal(400, "Topic must be 1-32 characters of the base64url alphabet")
    result.topic = topic
  }
  return result
}

function verifyVapid(authorization: string | undefined, origin: string): VapidInfo {
  const { token, key } = parseAuthorization(authorization)
  const publicKey = importVapidKey(key)
  const [headerPart, claimsPart, signaturePart] = splitJwt(token)
  const header = decodeJson(headerPart, "JWT header")
  if (header.alg !== "ES256") throw new Refusal(401, `JWT alg must be ES256, got ${String(header.alg)}`)
  if (header.typ !== undefined && header.typ !== "JWT") throw new Refusal(401, "JWT typ must be JWT")
  const signature = Buffer.from(signaturePart, "base64url")
  const signed = Buffer.from(`${headerPart}.${claimsPart}`)
  if (signature.length !== 64 || !verify("sha256", signed, { key: publicKey, dsaEncoding: "ieee-p1363" }, signature)) {
    throw new Refusal(401, "VAPID JWT signature does not verify with the k= public key")
  }
  const claims = decodeJson(claimsPart, "JWT claims")
  return { ...verifyClaims(claims, origin), publicKey: key, token }
}

function parseAuthorization(authorization: string | undefined): { token: string; key: string } {
  const match = /^vapid\s+(.*)$/i.exec((authorization ?? "").trim())
  if (!match) throw new Refusal(401, 'Authorization must use the "vapid t=<jwt>, k=<key>" scheme (RFC 8292)')
  const params = new Map<string, string>()
  for (const part of match[1].split(",")) {
    const eq = part.indexOf("=")
    if (eq > 0) params.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim())
  }
  const token = params.get("t")
  const key = params.get("k")
  if (!token || !key) throw new Refusal(401, "Authorization vapid needs both t= and k= parameters")
  return { token, key }
}

function importVapidKey(key: string): KeyObject {
  const raw = Buffer.from(key, "base64url")
  if (raw.length !== 65 || raw[0] !== 0x04) {
    throw new Refusal(401, "k= must be an uncompressed P-256 public key (65 bytes, base64url)")
  }
  try {
    const jwk = { kty: "EC", crv: "P-256", x: raw.subarray(1, 33).toString("base64url"), y: raw.subarray(33).toString("base64url") }
    return createPublicKey({ key: jwk, format: "jwk" })
  } catch {
    throw new Refusal(401, "k= is not a point on P-256")
  }
}

function splitJwt(token: string): [string, string, string] {
  const parts = token.split(".")
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) {
    throw new Refusal(401, "VAPID t= is not a compact JWS (three base64url parts)")
  }
  return [parts[0], parts[1], parts[2]]
}

function decodeJson(part: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"))
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>
  } catch {
    // fall through
  }
  throw new Refusal(401, `${what} is not a JSON object`)
}

function verifyClaims(claims: Record<string, unknown>, origin: string): Pick<VapidInfo, "sub" | "aud" | "exp"> {
  const { aud, exp, sub } = claims
  if (aud !== origin) throw new Refusal(401, `JWT aud must be "${origin}", got ${JSON.stringify(aud)}`)
  const now = Math.floor(Date.now() / 1000)
  if (typeof exp !== "number" || !Number.isInteger(exp)) throw new Refusal(401, "JWT exp must be an integer")
  if (exp <= now) throw new Refusal(401, `JWT expired ${now - exp}s ago`)
  if (exp > now + MAX_VAPID_LIFETIME_S) throw new Refusal(401, "JWT exp is more than 24 hours ahead")
  if (typeof sub !== "string" || !/^(mailto:|https:)/.test(sub)) {
    throw new Refusal(401, `JWT sub must be a mailto: or https: URL, got ${JSON.stringify(sub)}`)
  }
  return { aud, exp, sub }
}

function decryptPayload(bytes: Buffer, device: DeviceState): string {
  // RFC 8291 §4: keyid is the sender's 65-byte public key, and the message is a single record.
  if (bytes.length <= ECE_HEADER_BYTES || bytes.readUInt8(20) !== 65) {
    throw new Refusal(400, "aes128gcm header must carry the 65-byte sender public key as keyid")
  }
  if (bytes.length - ECE_HEADER_BYTES > bytes.readUInt32BE(16)) {
    throw new Refusal(400, "a push message must be a single aes128gcm record")
  }
  try {
    const plain = ece.decrypt(bytes, { version: "aes128gcm", privateKey: device.ecdh, authSecret: device.authSecret })
    return plain.toString("utf8")
  } catch (error) {
    throw new Refusal(400, `payload does not decrypt for this subscription: ${(error as Error).message}`)
  }
}

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

async function readBody(req: RequestLike): Promise<Body> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk
    size += buffer.length
    if (size <= MAX_BODY_BYTES + 1) chunks.push(buffer)
  }
  return { bytes: Buffer.concat(chunks), size }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return null
  }
}

function scriptedAnswer(scripted: ScriptedResponse): Answer {
  return { status: scripted.status, headers: { ...(scripted.headers ?? {}) }, body: scripted.body ?? "" }
}

function jsonAnswer(status: number, body: object): Answer {
  return { status, headers: { "content-type": "application/json" }, body: JSON.stringify(body) }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function waitFor<T>(select: () => T[], count: number, timeoutMs: number, listeners: Set<() => void>, describe: () => string): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const found = select()
      if (found.length < count) return
      finish()
      resolve(found)
    }
    const timer = setTimeout(() => {
      finish()
      reject(
        new Error(
          `waitForMessages: expected ${count} matching message(s) within ${timeoutMs} ms, ` + `got ${select().length}.\n${describe()}`
        )
      )
    }, timeoutMs)
    const finish = (): void => {
      clearTimeout(timer)
      listeners.delete(check)
    }
    listeners.add(check)
    check()
  })
}

function describeState(messages: ReceivedMessage[], rejections: Rejection[], attempts: Attempt[]): string {
  const clip = (text: string): string => (text.length > 120 ? `${text.slice(0, 117)}...` : text)
  const lines = [`Received ${messages.length} message(s):`]
  for (const m of messages) lines.push(`  - ${m.label} (${m.deviceId}) ttl=${m.headers.ttl}: ${clip(m.payloadText)}`)
  lines.push(`Rejections (${rejections.length}):`)
  for (const r of rejections) lines.push(`  - ${r.deviceId || "(no device)"} ${r.status}: ${r.reason}`)
  lines.push(`Attempts: ${attempts.map((a) => `${a.status}${a.clientGone ? "(client gone)" : ""}`).join(", ") || "none"}`)
  return lines.join("\n")
}
