/**
 * A lighter push service for `--verify-every k`: it answers 201 to every well-formed push and
 * fully checks one message in k (ES256 VAPID signature with the k= key, `aud`, and decryption with
 * http_ece using the device's private key), so that the client can be measured without the
 * single-process verifying service (`test/support/push-service.ts`, ~0.6 ms CPU per message)
 * being the bottleneck. Any failed check answers 400 and is counted.
 */
import { createECDH, createPublicKey, randomBytes, verify, type ECDH } from "node:crypto"
import type { IncomingHttpHeaders } from "node:http"
import * as http2 from "node:http2"
import * as https from "node:https"
import type { AddressInfo } from "node:net"

interface HttpEce {
  decrypt(buffer: Buffer, params: { version: "aes128gcm"; privateKey: ECDH; authSecret: Buffer }): Buffer
}
const ece = require("http_ece") as HttpEce

export interface SamplingDevice {
  endpoint: string
  p256dh: string
  auth: string
}

export interface SamplingService {
  devices: SamplingDevice[]
  /** Counters since the last call, then reset. */
  take(): { accepted: number; verified: number; refused: number; firstRefusal?: string; tokens: number }
  close(): Promise<void>
}

interface Receiver {
  ecdh: ECDH
  auth: Buffer
}

export async function startSamplingService(opts: {
  key: string
  cert: string
  http2: boolean
  n: number
  verifyEvery: number
  vapidPublicKey: string
}): Promise<SamplingService> {
  const receivers: Receiver[] = []
  let accepted = 0
  let verified = 0
  let refused = 0
  let firstRefusal: string | undefined
  const tokens = new Set<string>()
  let origin = ""

  function check(index: number, headers: IncomingHttpHeaders, body: Buffer): void {
    const receiver = receivers[index]
    if (!receiver) throw new Error(`unknown device ${index}`)
    if (headers["content-encoding"] !== "aes128gcm" || !/^\d+$/.test(String(headers.ttl))) throw new Error("push headers")
    const match = /^vapid t=([^,]+), k=(.+)$/.exec(String(headers.authorization))
    if (!match || match[2] !== opts.vapidPublicKey) throw new Error("authorization")
    tokens.add(match[1])
    if ((accepted + 1) % opts.verifyEvery !== 0) return
    const [h, c, s] = match[1].split(".")
    const raw = Buffer.from(match[2], "base64url")
    const key = createPublicKey({
      key: { kty: "EC", crv: "P-256", x: raw.subarray(1, 33).toString("base64url"), y: raw.subarray(33).toString("base64url") },
      format: "jwk",
    })
    if (!verify("sha256", Buffer.from(`${h}.${c}`), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(s, "base64url"))) {
      throw new Error("VAPID signature")
    }
    const claims = JSON.parse(Buffer.from(c, "base64url").toString()) as { aud?: string; exp?: number }
    if (claims.aud !== origin || typeof claims.exp !== "number" || claims.exp * 1000 < Date.now()) throw new Error("VAPID claims")
    JSON.parse(ece.decrypt(body, { version: "aes128gcm", privateKey: receiver.ecdh, authSecret: receiver.auth }).toString())
    verified += 1
  }

  const handler = (
    req: http2.Http2ServerRequest | import("node:http").IncomingMessage,
    res: http2.Http2ServerResponse | import("node:http").ServerResponse
  ): void => {
    const chunks: Buffer[] = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => {
      try {
        check(Number(/^\/push\/(\d+)$/.exec(req.url ?? "")?.[1] ?? -1), req.headers, Buffer.concat(chunks))
        accepted += 1
        res.writeHead(201)
      } catch (error) {
        refused += 1
        firstRefusal ??= String(error)
        res.writeHead(400)
      }
      res.end()
    })
  }
  const tls = { key: opts.key, cert: opts.cert }
  const server = opts.http2 ? http2.createSecureServer({ ...tls, allowHTTP1: true }, handler) : https.createServer(tls, handler)
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  origin = `https://localhost:${(server.address() as AddressInfo).port}`

  const devices: SamplingDevice[] = []
  for (let i = 0; i < opts.n; i += 1) {
    const ecdh = createECDH("prime256v1")
    ecdh.generateKeys()
    const auth = randomBytes(16)
    receivers.push({ ecdh, auth })
    devices.push({ endpoint: `${origin}/push/${i}`, p256dh: ecdh.getPublicKey("base64url"), auth: auth.toString("base64url") })
  }
  return {
    devices,
    take() {
      const result = { accepted, verified, refused, tokens: tokens.size, ...(firstRefusal ? { firstRefusal } : {}) }
      accepted = verified = refused = 0
      firstRefusal = undefined
      tokens.clear()
      return result
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        if (server instanceof https.Server) server.closeAllConnections()
      }),
  }
}
