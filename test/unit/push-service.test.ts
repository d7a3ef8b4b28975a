/**
 * Self-test of the test push service, driven by the real `web-push` library.
 *
 *   node --import tsx --test test/unit/push-service.test.ts
 *
 * The throwaway CA is handed to web-push through an https.Agent, so no
 * environment variable is needed here (child processes use NODE_EXTRA_CA_CERTS).
 */
import assert from "node:assert/strict"
import { createPrivateKey, sign, type KeyObject } from "node:crypto"
import * as fs from "node:fs"
import * as http2 from "node:http2"
import * as https from "node:https"
import * as os from "node:os"
import * as path from "node:path"
import { after, before, beforeEach, describe, it } from "node:test"
import webpush, { WebPushError, type RequestOptions, type SendResult, type VapidKeys } from "web-push"

import { startPushService, type Device, type PushService } from "../support/push-service"
import { ensureTestCertificates } from "../support/tls"

const CERT_DIR = path.join(os.tmpdir(), "medusa-plugin-web-push-test-certs")
const SUBJECT = "mailto:ops@teststore.dev"

const certs = ensureTestCertificates(CERT_DIR)
const ca = fs.readFileSync(certs.caPath, "utf8")
const agent = new https.Agent({ ca, keepAlive: true })
const vapid: VapidKeys = webpush.generateVAPIDKeys()
const otherVapid: VapidKeys = webpush.generateVAPIDKeys()

function sendOptions(extra: RequestOptions = {}, keys: VapidKeys = vapid): RequestOptions {
  return { vapidDetails: { subject: SUBJECT, ...keys }, TTL: 60, agent, ...extra }
}

function send(device: Device, payload: string, extra?: RequestOptions, keys?: VapidKeys): Promise<SendResult> {
  return webpush.sendNotification(device.subscription, payload, sendOptions(extra, keys))
}

async function sendStatus(device: Device, payload: string, extra?: RequestOptions, keys?: VapidKeys): Promise<number> {
  try {
    return (await send(device, payload, extra, keys)).statusCode
  } catch (error) {
    if (error instanceof WebPushError) return error.statusCode
    throw error
  }
}

interface RawResponse {
  status: number
  body: string
}

/** POST a request built by web-push, after letting the test tamper with its headers. */
function postRaw(device: Device, edit: (headers: Record<string, string>) => void, payload = '{"x":1}'): Promise<RawResponse> {
  const details = webpush.generateRequestDetails(device.subscription, payload, sendOptions())
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(details.headers)) headers[name.toLowerCase()] = String(value)
  edit(headers)
  return new Promise((resolve, reject) => {
    const req = https.request(details.endpoint, { method: "POST", headers, agent }, (res) => {
      let body = ""
      res.setEncoding("utf8")
      res.on("data", (chunk: string) => (body += chunk))
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on("error", reject)
    req.end(details.body ?? undefined)
  })
}

function vapidPrivateKey(keys: VapidKeys): KeyObject {
  const pub = Buffer.from(keys.publicKey, "base64url")
  const jwk = {
    kty: "EC",
    crv: "P-256",
    d: keys.privateKey,
    x: pub.subarray(1, 33).toString("base64url"),
    y: pub.subarray(33).toString("base64url"),
  }
  return createPrivateKey({ key: jwk, format: "jwk" })
}

/** A VAPID Authorization header with claims of our choosing, correctly signed. */
function craftAuthorization(claims: Record<string, unknown>, header: Record<string, unknown> = { typ: "JWT", alg: "ES256" }): string {
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString("base64url")
  const signingInput = `${encode(header)}.${encode(claims)}`
  const signature = sign("sha256", Buffer.from(signingInput), { key: vapidPrivateKey(vapid), dsaEncoding: "ieee-p1363" })
  return `vapid t=${signingInput}.${signature.toString("base64url")}, k=${vapid.publicKey}`
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000)

describe("test push service", () => {
  let service: PushService

  before(async () => {
    service = await startPushService({ key: certs.keyPem, cert: certs.certPem })
  })
  after(async () => {
    agent.destroy()
    await service.close()
  })
  beforeEach(() => service.reset())

  it("reuses cached certificates quickly", () => {
    const started = Date.now()
    const again = ensureTestCertificates(CERT_DIR)
    assert.equal(again.caPath, certs.caPath)
    assert.ok(Date.now() - started < 1000)
  })

  it("receives, verifies and decrypts a message sent by web-push", async () => {
    const device = service.createDevice("alice-phone")
    assert.equal(device.endpoint, `https://localhost:${service.port}/push/${device.id}`)
    const payload = { title: "Your order has shipped", body: "Order #1001 ✓", url: "/orders/1001" }

    const result = await send(device, JSON.stringify(payload), { urgency: "high", topic: "order-1001" })

    assert.equal(result.statusCode, 201)
    assert.match(String(result.headers.location), new RegExp(`^${service.origin}/message/`))
    const [message] = await service.waitForMessages((m) => m.deviceId === device.id, 1, 2000)
    assert.deepEqual(message.payload, payload)
    assert.equal(message.payloadText, JSON.stringify(payload))
    assert.equal(message.label, "alice-phone")
    assert.deepEqual(message.headers, { ttl: 60, urgency: "high", topic: "order-1001", contentEncoding: "aes128gcm" })
    assert.equal(message.vapid.sub, SUBJECT)
    assert.equal(message.vapid.aud, service.origin)
    assert.equal(message.vapid.publicKey, vapid.publicKey)
    assert.ok(message.vapid.exp > nowSeconds() && message.vapid.exp <= nowSeconds() + 24 * 3600)
    assert.deepEqual(service.messagesFor(device.id), [message])
    assert.deepEqual(
      service.attempts.map((a) => a.status),
      [201]
    )
  })

  it("refuses a VAPID key other than the one the subscription was made with (403)", async () => {
    const restricted = await startPushService({ key: certs.keyPem, cert: certs.certPem, expectedVapidPublicKey: vapid.publicKey })
    try {
      const device = restricted.createDevice()
      assert.equal(await sendStatus(device, "hi", {}, otherVapid), 403)
      assert.equal(await sendStatus(device, "hi"), 201)
      assert.match(restricted.rejections[0].reason, /VAPID public key does not match/)
    } finally {
      await restricted.close()
    }
    const perDevice = service.createDevice("pinned", { applicationServerKey: vapid.publicKey })
    assert.equal(await sendStatus(perDevice, "hi", {}, otherVapid), 403)
    assert.equal(service.messages.length, 0)
  })

  it("refuses a tampered JWT (401)", async () => {
    const device = service.createDevice()
    const response = await postRaw(device, (headers) => {
      const [token, key] = headers.authorization.replace(/^vapid t=/, "").split(", k=")
      const [h, , s] = token.split(".")
      const forged = Buffer.from(JSON.stringify({ aud: service.origin, exp: nowSeconds() + 60, sub: "mailto:evil@x.dev" })).toString(
        "base64url"
      )
      headers.authorization = `vapid t=${h}.${forged}.${s}, k=${key}`
    })
    assert.equal(response.status, 401)
    assert.match(response.body, /signature does not verify/)
    assert.equal(service.messages.length, 0)
  })

  it("checks the VAPID claims and scheme (401)", async () => {
    const device = service.createDevice()
    const good = { aud: service.origin, exp: nowSeconds() + 3600, sub: SUBJECT }
    const cases: Array<[string, string, RegExp]> = [
      ["valid crafted token", craftAuthorization(good), /^$/],
      ["wrong aud", craftAuthorization({ ...good, aud: "https://127.0.0.1:1" }), /aud must be/],
      ["expired", craftAuthorization({ ...good, exp: nowSeconds() - 10 }), /expired/],
      ["too far ahead", craftAuthorization({ ...good, exp: nowSeconds() + 25 * 3600 }), /more than 24 hours/],
      ["bad sub", craftAuthorization({ ...good, sub: "ops@teststore.dev" }), /sub must be/],
      ["alg none", craftAuthorization(good, { typ: "JWT", alg: "none" }), /alg must be ES256/],
      ["other scheme", `WebPush ${craftAuthorization(good).slice("vapid t=".length)}`, /scheme/],
    ]
    for (const [name, authorization, reason] of cases) {
      const response = await postRaw(device, (headers) => (headers.authorization = authorization))
      assert.equal(response.status, name === "valid crafted token" ? 201 : 401, name)
      assert.match(response.body, reason, name)
    }
    assert.equal(service.messages.length, 1)
  })

  it("checks Content-Encoding (415) and TTL (400)", async () => {
    const device = service.createDevice()
    assert.equal((await postRaw(device, (h) => (h["content-encoding"] = "aesgcm"))).status, 415)
    assert.equal((await postRaw(device, (h) => delete h.ttl)).status, 400)
    assert.equal((await postRaw(device, (h) => (h.ttl = "1.5"))).status, 400)
    assert.equal((await postRaw(device, (h) => (h.urgency = "urgent"))).status, 400)
    assert.deepEqual(
      service.rejections.map((r) => r.status),
      [415, 400, 400, 400]
    )
    assert.equal(service.messages.length, 0)
  })

  it("answers 404 for an unknown subscription and 410 for a gone one", async () => {
    const device = service.createDevice()
    service.markGone(device.id)
    assert.equal(await sendStatus(device, "hi"), 410)
    const unknown: Device = {
      ...device,
      endpoint: `${service.origin}/push/nope`,
      subscription: { ...device.subscription, endpoint: `${service.origin}/push/nope` },
    }
    assert.equal(await sendStatus(unknown, "hi"), 404)
    assert.deepEqual(
      service.rejections.map((r) => [r.deviceId, r.status]),
      [
        [device.id, 410],
        ["nope", 404],
      ]
    )
  })

  it("plays scripted answers, then resumes normal delivery", async () => {
    const device = service.createDevice()
    service.respondWith(device.id, [{ status: 503, headers: { "retry-after": "1" }, body: "busy" }])
    const failure = await send(device, "first").catch((error: unknown) => error)
    assert.ok(failure instanceof WebPushError)
    assert.equal(failure.statusCode, 503)
    assert.equal(failure.headers["retry-after"], "1")
    assert.equal(failure.body, "busy")
    assert.equal((await send(device, "second")).statusCode, 201)
    assert.deepEqual(
      service.attempts.map((a) => a.status),
      [503, 201]
    )
    assert.deepEqual(
      service.messagesFor(device.id).map((m) => m.payloadText),
      ["second"]
    )
  })

  it("enforces the 4096-byte body limit (413)", async () => {
    const device = service.createDevice()
    assert.equal(await sendStatus(device, "x".repeat(3993)), 201) // 3993 + 103 bytes of overhead = 4096
    assert.equal(await sendStatus(device, "x".repeat(3994)), 413)
    assert.equal(await sendStatus(device, "x".repeat(5000)), 413)
    assert.equal(service.messages.length, 1)
  })

  it("delays answers so client timeouts can be tested", async () => {
    const device = service.createDevice()
    service.setDelay(device.id, 500)
    await assert.rejects(send(device, "slow", { timeout: 100 }), /timeout/i)
    await new Promise((resolve) => setTimeout(resolve, 600))
    assert.deepEqual(
      service.attempts.map((a) => [a.status, a.clientGone]),
      [[201, true]]
    )
    assert.equal(service.messages.length, 0)
    service.setDelay(device.id, 0)
    assert.equal(await sendStatus(device, "fast"), 201)
  })

  it("waitForMessages explains what arrived when it times out", async () => {
    const device = service.createDevice("tablet")
    await send(device, "hello")
    service.markGone(device.id)
    await sendStatus(device, "again")
    await assert.rejects(
      service.waitForMessages((m) => m.payloadText === "never", 1, 50),
      (error: Error) => {
        assert.match(error.message, /expected 1 matching message/)
        assert.match(error.message, /tablet .*hello/)
        assert.match(error.message, /410: subscription .* has expired/)
        return true
      }
    )
  })

  it("speaks HTTP/2 when asked (and still HTTP/1.1 for web-push)", async () => {
    const h2 = await startPushService({ key: certs.keyPem, cert: certs.certPem, http2: true })
    try {
      const device = h2.createDevice()
      assert.equal(await sendStatus(device, "over http/1.1"), 201)
      const details = webpush.generateRequestDetails(device.subscription, "over h2", sendOptions())
      const status = await new Promise<number>((resolve, reject) => {
        const session = http2.connect(h2.origin, { ca })
        session.on("error", reject)
        const headers: http2.OutgoingHttpHeaders = { ":method": "POST", ":path": new URL(details.endpoint).pathname }
        for (const [name, value] of Object.entries(details.headers)) headers[name.toLowerCase()] = String(value)
        const stream = session.request(headers)
        stream.on("response", (h) => resolve(Number(h[":status"])))
        stream.on("error", reject)
        stream.end(details.body ?? undefined)
        stream.on("close", () => session.close())
      })
      assert.equal(status, 201)
      assert.deepEqual(
        h2.messages.map((m) => m.payloadText),
        ["over http/1.1", "over h2"]
      )
    } finally {
      await h2.close()
    }
  })
})
