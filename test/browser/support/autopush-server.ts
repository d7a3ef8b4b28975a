/**
 * A local push service that speaks Mozilla's WebSocket push protocol (the one Firefox's
 * PushServiceWebSocket talks to autopush) and accepts RFC 8030 Web Push POSTs over HTTPS.
 *
 * Firefox side (ws://127.0.0.1:<wsPort>/, subprotocol `push-notification`):
 *   -> {messageType:'hello', uaid?, use_webpush:true, broadcasts}  <- {messageType:'hello', status:200, uaid, use_webpush:true, broadcasts:{}}
 *   -> {messageType:'register', channelID, key}                   <- {messageType:'register', status:200, channelID, pushEndpoint}
 *   -> {messageType:'unregister', channelID, code}                <- {messageType:'unregister', status:200, channelID}
 *   <- {messageType:'notification', channelID, version, data, headers:{encoding}}
 *   -> {messageType:'ack', updates:[{channelID, version, code}]}   (code 100 delivered, 101 decryption error, 102 not delivered)
 *   -> {} (ping)                                                    <- {}
 * Application server side: POST https://localhost:<httpsPort>/wpush/<channelID> with an
 * aes128gcm body and a VAPID `Authorization: vapid t=…, k=…` header whose key must match the
 * applicationServerKey the subscription was made with and whose JWT must verify.
 */
import { createPublicKey, randomUUID, verify } from "node:crypto"
import { EventEmitter, once } from "node:events"
import type { IncomingMessage, ServerResponse } from "node:http"
import { createServer, type Server } from "node:https"
import type { AddressInfo } from "node:net"
import { WebSocketServer, type WebSocket } from "ws"

export interface PushServiceAck {
  channelID: string
  version: string
  code: number
}

export interface ReceivedPush {
  channelID: string
  version: string
  /** Encrypted body as the application server sent it. */
  body: Buffer
  headers: IncomingMessage["headers"]
}

export interface AutopushServer {
  /** `ws://127.0.0.1:<port>/`, the value for Firefox's `dom.push.serverURL`. */
  wsUrl: string
  /** `https://localhost:<port>`; push endpoints live under it. */
  endpointOrigin: string
  /** Channels Firefox registered and has not unregistered, by channelID. */
  channels: ReadonlyMap<string, { uaid: string; key: string; endpoint: string }>
  /** Resolves with Firefox's ack of a message (code 100 = delivered to the service worker). */
  waitForAck(version: string, timeoutMs?: number): Promise<PushServiceAck>
  /** Resolves when Firefox has registered a channel (the browser side of `pushManager.subscribe`). */
  waitForRegister(timeoutMs?: number): Promise<string>
  /**
   * Drops every connection and answers the next `hello` with a new UAID, as autopush does when
   * it lost a client's record: Firefox then drops its subscriptions and fires
   * `pushsubscriptionchange` in each service worker. Old endpoints answer 410 from then on.
   */
  forgetClients(): void
  /** Every push accepted over HTTPS, in order. */
  received: ReceivedPush[]
  close(): Promise<void>
}

function toBase64Url(value: Buffer | string): string {
  return Buffer.from(value).toString("base64url")
}

function normaliseKey(key: string): string {
  // Firefox sends the key padded base64url; web-push sends it unpadded.
  return Buffer.from(key.replace(/=+$/, ""), "base64url").toString("base64url")
}

/** Checks `vapid t=<jwt>, k=<key>` (RFC 8292): ES256 signature, audience, expiry and key. */
function vapidProblem(header: string | undefined, expectedKey: string, audience: string): string | undefined {
  const match = /^vapid\s+t=([^,\s]+),\s*k=([^,\s]+)$/i.exec(header ?? "")
  if (!match) return "missing or malformed vapid Authorization header"
  const [, jwt, key] = match
  if (normaliseKey(key) !== normaliseKey(expectedKey)) return "VAPID key differs from the applicationServerKey"
  const [head, claims, signature] = jwt.split(".")
  const raw = Buffer.from(key, "base64url")
  const publicKey = createPublicKey({
    format: "jwk",
    key: { kty: "EC", crv: "P-256", x: toBase64Url(raw.subarray(1, 33)), y: toBase64Url(raw.subarray(33, 65)) },
  })
  const signed = Buffer.from(`${head}.${claims}`)
  const ok = verify("sha256", signed, { key: publicKey, dsaEncoding: "ieee-p1363" }, Buffer.from(signature, "base64url"))
  if (!ok) return "VAPID JWT signature does not verify"
  const body = JSON.parse(Buffer.from(claims, "base64url").toString("utf8")) as { aud?: string; exp?: number; sub?: string }
  if (body.aud !== audience) return `VAPID aud ${String(body.aud)} is not ${audience}`
  if (typeof body.exp !== "number" || body.exp * 1000 < Date.now()) return "VAPID JWT expired"
  return undefined
}

interface ClientMessage {
  messageType?: string
  uaid?: string
  channelID?: string
  key?: string
  updates?: PushServiceAck[]
}

export async function startAutopushServer(tls: { keyPem: string; certPem: string }): Promise<AutopushServer> {
  const events = new EventEmitter()
  const channels = new Map<string, { uaid: string; key: string; endpoint: string }>()
  const sockets = new Map<string, WebSocket>()
  const pending = new Map<string, object[]>()
  const received: ReceivedPush[] = []
  const acks = new Map<string, PushServiceAck>()
  let forgetNextHello = false

  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 })
  await once(wss, "listening")
  const https: Server = createServer({ key: tls.keyPem, cert: tls.certPem })
  https.listen(0, "127.0.0.1")
  await once(https, "listening")
  const endpointOrigin = `https://localhost:${(https.address() as AddressInfo).port}`

  function deliver(uaid: string, message: object): void {
    const socket = sockets.get(uaid)
    if (socket && socket.readyState === socket.OPEN) socket.send(JSON.stringify(message))
    else pending.set(uaid, [...(pending.get(uaid) ?? []), message])
  }

  wss.on("connection", (socket) => {
    let uaid = ""
    socket.on("message", (raw) => {
      let msg: ClientMessage
      try {
        msg = JSON.parse(raw.toString()) as ClientMessage
      } catch {
        return
      }
      const reply = (m: object): void => socket.send(JSON.stringify(m))
      switch (msg.messageType) {
        case undefined:
          return reply({})
        case "hello": {
          const known = msg.uaid && /^[0-9a-f]{32}$/.test(msg.uaid) && !forgetNextHello
          if (forgetNextHello && msg.uaid) {
            for (const [id, channel] of channels) if (channel.uaid === msg.uaid) channels.delete(id)
          }
          forgetNextHello = false
          uaid = known ? (msg.uaid as string) : randomUUID().replace(/-/g, "")
          sockets.set(uaid, socket)
          reply({ messageType: "hello", status: 200, uaid, use_webpush: true, broadcasts: {} })
          for (const queued of pending.get(uaid) ?? []) reply(queued)
          pending.delete(uaid)
          return
        }
        case "register": {
          const channelID = msg.channelID ?? randomUUID()
          const endpoint = `${endpointOrigin}/wpush/${channelID}`
          channels.set(channelID, { uaid, key: msg.key ?? "", endpoint })
          reply({ messageType: "register", status: 200, channelID, pushEndpoint: endpoint })
          events.emit("register", channelID)
          return
        }
        case "unregister":
          if (msg.channelID) channels.delete(msg.channelID)
          return reply({ messageType: "unregister", status: 200, channelID: msg.channelID })
        case "ack":
          for (const update of msg.updates ?? []) {
            acks.set(update.version, update)
            events.emit(`ack:${update.version}`, update)
          }
          return
        default:
          return // nack, broadcast_subscribe: nothing to do here
      }
    })
    socket.on("close", () => {
      if (sockets.get(uaid) === socket) sockets.delete(uaid)
    })
  })

  https.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => {
      const answer = (status: number, text = ""): void => {
        res.writeHead(status, { "content-type": "text/plain" }).end(text)
      }
      const match = /^\/wpush\/([0-9a-f-]{36})$/.exec(req.url ?? "")
      if (req.method !== "POST" || !match) return answer(404, "not found")
      const channel = channels.get(match[1])
      if (!channel) return answer(410, "subscription gone")
      const problem = vapidProblem(req.headers.authorization, channel.key, endpointOrigin)
      if (problem) return answer(401, problem)
      const body = Buffer.concat(chunks)
      if (body.length > 4096) return answer(413, "payload too large")
      if (body.length > 0 && req.headers["content-encoding"] !== "aes128gcm") return answer(400, "content-encoding must be aes128gcm")
      const version = randomUUID()
      received.push({ channelID: match[1], version, body, headers: req.headers })
      const message: Record<string, unknown> = { messageType: "notification", channelID: match[1], version }
      if (body.length > 0) {
        message.data = toBase64Url(body)
        message.headers = { encoding: "aes128gcm" }
      }
      deliver(channel.uaid, message)
      res.writeHead(201, { location: `${endpointOrigin}/m/${version}`, ttl: String(req.headers.ttl ?? 0) }).end()
    })
  })

  function waitFor<T>(event: string, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`push service: no ${event} within ${timeoutMs} ms`)), timeoutMs)
      events.once(event, (value: T) => {
        clearTimeout(timer)
        resolve(value)
      })
    })
  }

  return {
    wsUrl: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`,
    endpointOrigin,
    channels,
    received,
    waitForAck: (version, timeoutMs = 15_000) =>
      acks.has(version) ? Promise.resolve(acks.get(version) as PushServiceAck) : waitFor<PushServiceAck>(`ack:${version}`, timeoutMs),
    waitForRegister: (timeoutMs = 15_000) => waitFor<string>("register", timeoutMs),
    forgetClients() {
      forgetNextHello = true
      for (const socket of wss.clients) socket.terminate()
    },
    async close() {
      for (const socket of wss.clients) socket.terminate()
      await Promise.all([
        new Promise<void>((r) => wss.close(() => r())),
        new Promise<void>((r) => {
          https.closeAllConnections()
          https.close(() => r())
        }),
      ])
    },
  }
}
