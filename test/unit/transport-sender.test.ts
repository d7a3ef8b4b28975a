import { after, before, describe, test } from "node:test"
import assert from "node:assert/strict"
import { execFile } from "node:child_process"
import { createECDH, randomBytes } from "node:crypto"
import * as fs from "node:fs"
import * as http2 from "node:http2"
import * as net from "node:net"
import type { AddressInfo } from "node:net"
import * as path from "node:path"
import { createEndpointPolicy, type EndpointPolicy } from "../../src/core/security/endpoint-policy"
import { generateVapidKeys } from "../../src/core/keys/keys"
import { topicHeader, type PushRequest } from "../../src/core/transport/push-transport"
import { createPushSender, type PushSender, type PushSenderConfig } from "../../src/core/transport/sender"
import { REPO_ROOT, TMP_DIR } from "../support/paths"
import { startPushService, type Device, type PushService } from "../support/push-service"
import { ensureTestCertificates, type TestCertificates } from "../support/tls"

const certs: TestCertificates = ensureTestCertificates(path.join(TMP_DIR, "certs"))
const caPem = fs.readFileSync(certs.caPath, "utf8")
/** Under `npm test` the process trusts the test CA through NODE_EXTRA_CA_CERTS; run alone it does not. */
const caTrustedByNode = ((): boolean => {
  const extra = process.env.NODE_EXTRA_CA_CERTS
  return !!extra && fs.existsSync(extra) && fs.readFileSync(extra, "utf8").includes(caPem.trim())
})()

const unhandled: unknown[] = []
process.on("unhandledRejection", (reason) => unhandled.push(reason))

const keys = generateVapidKeys()
const vapid = { subject: "mailto:ops@teststore.dev", ...keys }
const loopback = createEndpointPolicy({ allowLoopback: true })
const request: PushRequest = { payload: '{"title":"Shipped","body":"Order #1001 is on its way"}', ttl: 3600, urgency: "high" }

function sender(overrides: Partial<PushSenderConfig> = {}): PushSender {
  return createPushSender({
    vapid,
    policy: loopback,
    timeoutMs: 5000,
    maxConnectionsPerOrigin: 8,
    // Only when Node does not trust the test CA already: then NODE_EXTRA_CA_CERTS is what is exercised.
    ...(caTrustedByNode ? {} : { tls: { ca: caPem } }),
    ...overrides,
  })
}

function target(device: Device): { endpoint: string; p256dh: string; auth: string } {
  return { endpoint: device.endpoint, ...device.keys }
}

/**
 * sender.ts answers a refusal by the policy check `endpoint_forbidden:<reason>` but one at connect
 * time `endpoint_forbidden: <reason>` (the format of classifyError and of the old sendPush).
 */

for (const protocol of ["HTTP/1.1", "HTTP/2"] as const) {
  describe(`sender over ${protocol}`, () => {
    let push: PushService
    let push2: PushSender
    before(async () => {
      push = await startPushService({
        key: certs.keyPem,
        cert: certs.certPem,
        expectedVapidPublicKey: keys.publicKey,
        http2: protocol === "HTTP/2",
      })
      push2 = sender()
    })
    after(async () => {
      await push2.close()
      await push.close()
    })

    test("delivers messages that decrypt, with TTL, Urgency and Topic, reusing one VAPID JWT", async () => {
      const device = push.createDevice("phone")
      const results = await Promise.all(
        [1, 2, 3, 4, 5].map((n) => push2.send(target(device), { ...request, payload: `{"n":${n}}`, topic: `order_${n}` }))
      )
      for (const result of results) assert.deepEqual(result, { outcome: { kind: "delivered" }, statusCode: 201 })
      const received = push.messagesFor(device.id)
      assert.equal(received.length, 5)
      assert.deepEqual(
        received.map((m) => m.payloadText).sort(),
        [1, 2, 3, 4, 5].map((n) => `{"n":${n}}`)
      )
      for (const message of received) {
        const n = (message.payload as { n: number }).n
        assert.deepEqual(message.headers, { ttl: 3600, urgency: "high", topic: topicHeader(`order_${n}`), contentEncoding: "aes128gcm" })
        assert.equal(message.vapid.aud, push.origin)
        assert.equal(message.vapid.sub, vapid.subject)
        assert.equal(message.vapid.publicKey, keys.publicKey)
      }
      assert.equal(new Set(received.map((m) => m.vapid.token)).size, 1, "one JWT for one origin")
      assert.equal(push.rejections.length, 0)
    })

    test("a broadcast payload and then another one: every device decrypts the payload it was sent", async () => {
      const devices = ["a1", "a2", "b1", "a3"].map((name) => push.createDevice(`broadcast-${name}`))
      const payloads = ['{"broadcast":"A"}', '{"broadcast":"A"}', '{"broadcast":"B"}', '{"broadcast":"A"}']
      for (const [i, device] of devices.entries()) {
        assert.deepEqual(await push2.send(target(device), { ...request, payload: payloads[i] }), {
          outcome: { kind: "delivered" },
          statusCode: 201,
        })
      }
      assert.deepEqual(
        devices.map((device) => push.messagesFor(device.id).map((m) => m.payloadText)),
        payloads.map((payload) => [payload])
      )
    })

    test("no topic: no Topic header; TTL 0 and very-low urgency are sent as given", async () => {
      const device = push.createDevice("no-topic")
      const result = await push2.send(target(device), { payload: "{}", ttl: 0, urgency: "very-low" })
      assert.deepEqual(result, { outcome: { kind: "delivered" }, statusCode: 201 })
      assert.deepEqual(push.messagesFor(device.id)[0]?.headers, { ttl: 0, urgency: "very-low", contentEncoding: "aes128gcm" })
    })

    const outcomes: Array<{ status: number; headers?: Record<string, string>; body?: (endpoint: string) => string; outcome: object }> = [
      { status: 201, outcome: { kind: "delivered" } },
      { status: 202, outcome: { kind: "delivered" } },
      { status: 404, outcome: { kind: "gone", reason: "subscription_gone: HTTP 404" } },
      { status: 410, outcome: { kind: "gone", reason: "subscription_gone: HTTP 410" } },
      { status: 413, outcome: { kind: "rejected", reason: "payload_too_large" } },
      { status: 429, headers: { "retry-after": "7" }, outcome: { kind: "retry", reason: "rate_limited: HTTP 429", retryAfterMs: 7000 } },
      { status: 503, outcome: { kind: "retry", reason: "push_service_error: HTTP 503" } },
      // the body is quoted, but a URL in it (here the endpoint, a capability URL) is masked
      {
        status: 400,
        headers: { "content-type": "application/json" },
        body: (endpoint) => `{"error":"bad token for ${endpoint} "}`,
        outcome: { kind: "rejected", reason: 'bad_request: HTTP 400 {"error":"bad token for [url] "}' },
      },
      { status: 301, headers: { location: "https://localhost/elsewhere" }, outcome: { kind: "rejected", reason: "redirect_refused" } },
    ]
    test("classifies answers: 201/202 delivered, 404/410 gone, 413 and 400 rejected, 429 (Retry-After) and 503 retry, 3xx refused", async () => {
      const s = sender()
      try {
        for (const { status, headers, body, outcome } of outcomes) {
          const device = push.createDevice(`status-${status}`)
          push.respondWith(device.id, [{ status, headers, body: body ? body(device.endpoint) : "" }])
          const result = await s.send(target(device), request)
          assert.deepEqual(result, { outcome, statusCode: status }, `HTTP ${status}`)
        }
      } finally {
        await s.close()
      }
    })

    test("503 with Retry-After as an HTTP date: retry after about that long", async () => {
      const device = push.createDevice("retry-after-date")
      push.respondWith(device.id, [{ status: 503, headers: { "retry-after": new Date(Date.now() + 60_000).toUTCString() } }])
      const result = await push2.send(target(device), request)
      assert.equal(result.statusCode, 503)
      assert.ok(result.outcome.kind === "retry", JSON.stringify(result))
      assert.equal(result.outcome.reason, "push_service_error: HTTP 503")
      const retryAfterMs = result.outcome.retryAfterMs ?? -1
      assert.ok(retryAfterMs > 55_000 && retryAfterMs <= 60_000, String(retryAfterMs))
    })

    test("403 from a real VAPID key mismatch: rejected as vapid_rejected, and the cached JWT is signed again", async () => {
      const s = sender()
      try {
        const good = push.createDevice("vapid-good")
        const mismatched = push.createDevice("vapid-other-key", { applicationServerKey: generateVapidKeys().publicKey })
        assert.equal((await s.send(target(good), request)).outcome.kind, "delivered")
        const result = await s.send(target(mismatched), request)
        assert.equal(result.statusCode, 403)
        assert.ok(
          result.outcome.kind === "rejected" && result.outcome.reason.startsWith("vapid_rejected: HTTP 403"),
          JSON.stringify(result)
        )
        assert.ok(!JSON.stringify(result).includes(mismatched.id), "the endpoint is not in the reason")
        assert.equal((await s.send(target(good), request)).outcome.kind, "delivered")
        const [before, after] = push.messagesFor(good.id).map((m) => m.vapid.token)
        assert.notEqual(after, before, "a new JWT after the push service refused one")
      } finally {
        await s.close()
      }
    })

    test("a redirect is not followed", async () => {
      const device = push.createDevice("redirecting")
      const other = push.createDevice("redirect-target")
      push.respondWith(device.id, [{ status: 307, headers: { location: other.endpoint } }])
      const result = await push2.send(target(device), request)
      assert.deepEqual(result, { outcome: { kind: "rejected", reason: "redirect_refused" }, statusCode: 307 })
      await new Promise((resolve) => setTimeout(resolve, 100))
      assert.equal(push.attempts.filter((a) => a.deviceId === other.id).length, 0)
    })

    test("a huge error body is cut, not buffered: the reason stays short", async () => {
      const device = push.createDevice("chatty")
      push.respondWith(device.id, [{ status: 400, body: `${"x".repeat(2 * 1024 * 1024)}` }])
      const result = await push2.send(target(device), request)
      assert.equal(result.statusCode, 400)
      assert.equal(result.outcome.kind, "rejected")
      assert.ok(result.outcome.kind === "rejected" && result.outcome.reason.length < 300)
      // the connection pool still works afterwards
      const next = await push2.send(target(push.createDevice("after-chatty")), request)
      assert.equal(next.outcome.kind, "delivered")
    })

    test("a push service that never answers: the promise settles with a retry (timeout)", async () => {
      const s = sender({ timeoutMs: 300 })
      try {
        const device = push.createDevice("silent")
        push.setDelay(device.id, 3000)
        const started = Date.now()
        const result = await s.send(target(device), request)
        const elapsed = Date.now() - started
        assert.deepEqual(result, { outcome: { kind: "retry", reason: "timeout: UND_ERR_HEADERS_TIMEOUT" } })
        assert.ok(elapsed >= 250 && elapsed < 2000, `settled after ${elapsed} ms`)
        push.setDelay(device.id, 0)
      } finally {
        await s.close()
      }
    })

    test("VAPID JWT renewed near expiry (injected clock), accepted by the push service", async () => {
      const start = Date.now()
      let now = start
      const s = sender({ now: () => now })
      try {
        const device = push.createDevice("clock")
        assert.equal((await s.send(target(device), request)).outcome.kind, "delivered")
        now = start + 10 * 60 * 60 * 1000
        assert.equal((await s.send(target(device), request)).outcome.kind, "delivered")
        now = start + 11.5 * 60 * 60 * 1000
        assert.equal((await s.send(target(device), request)).outcome.kind, "delivered")
        const tokens = push.messagesFor(device.id).map((m) => m.vapid.token)
        assert.equal(tokens.length, 3)
        assert.equal(tokens[0], tokens[1], "reused while more than 1 h is left")
        assert.notEqual(tokens[1], tokens[2], "renewed when less than 1 h is left")
        const exps = push.messagesFor(device.id).map((m) => m.vapid.exp)
        assert.equal(exps[2], Math.floor(now / 1000) + 12 * 3600)
      } finally {
        await s.close()
      }
    })
  })
}

describe("sender: refusals before anything is sent", () => {
  let push: PushService
  before(async () => {
    push = await startPushService({ key: certs.keyPem, cert: certs.certPem, expectedVapidPublicKey: keys.publicKey })
  })
  after(() => push.close())

  type Target = { endpoint: string; p256dh: string; auth: string }
  const strict = createEndpointPolicy()
  const withEndpoint =
    (endpoint: (d: Device) => string) =>
    (d: Device): Target => ({ ...target(d), endpoint: endpoint(d) })
  const forbiddenEndpoints: Array<[string, EndpointPolicy | undefined, (d: Device) => Target, string]> = [
    ["loopback when the policy does not allow it", strict, target, "host_not_allowed"],
    ["an IP literal", strict, withEndpoint((d) => d.endpoint.replace("localhost", "127.0.0.1")), "ip_literal"],
    ["http: endpoint", undefined, withEndpoint((d) => d.endpoint.replace("https:", "http:")), "not_https"],
    ["credentials in the URL", undefined, withEndpoint((d) => d.endpoint.replace("https://", "https://user:pw@")), "userinfo"],
    ["malformed endpoint", undefined, withEndpoint(() => "not a url"), "malformed"],
    ["an endpoint without a scheme", strict, withEndpoint(() => "fcm.googleapis.com/fcm/send/x"), "malformed"],
  ]
  for (const [label, policy, toTarget, reason] of forbiddenEndpoints) {
    test(`rejects ${label} without any request`, async (t) => {
      const s = sender(policy ? { policy } : {})
      try {
        const device = push.createDevice(label)
        const result = await s.send(toTarget(device), request)
        assert.equal(result.outcome.kind, "rejected")
        assert.equal(result.statusCode, undefined)
        const text = result.outcome.kind === "rejected" ? result.outcome.reason : ""
        assert.equal(text.replace(/^endpoint_forbidden: ?/, ""), reason, text)
        assert.equal(push.attempts.filter((a) => a.deviceId === device.id).length, 0)
        await t.test('reason reads "endpoint_forbidden: <reason>", as at connect time', () => {
          assert.deepEqual(result, { outcome: { kind: "rejected", reason: `endpoint_forbidden: ${reason}` } })
        })
      } finally {
        await s.close()
      }
    })
  }

  const notOnCurve = Buffer.alloc(65, 1)
  notOnCurve[0] = 0x04
  const refusals: Array<[string, (d: Device) => Target, PushRequest | undefined, string | RegExp]> = [
    ["short auth secret", (d) => ({ ...target(d), auth: "AAAA" }), undefined, "invalid_subscription_keys"],
    ["short p256dh", (d) => ({ ...target(d), p256dh: "AAAA" }), undefined, "invalid_subscription_keys"],
    [
      "a compressed p256dh",
      (d) => ({ ...target(d), p256dh: Buffer.concat([Buffer.from([0x02]), Buffer.alloc(64, 1)]).toString("base64url") }),
      undefined,
      "invalid_subscription_keys",
    ],
    // passes the length check, fails in node:crypto: still a result, never a throw
    [
      "a p256dh that is not a P-256 point",
      (d) => ({ ...target(d), p256dh: notOnCurve.toString("base64url") }),
      undefined,
      /^unexpected_error/,
    ],
    ["payload over 4096 encrypted bytes", target, { ...request, payload: "x".repeat(3994) }, "payload_too_large"],
  ]
  for (const [label, toTarget, req, reason] of refusals) {
    test(`rejects ${label}, never throws`, async () => {
      const s = sender()
      try {
        const device = push.createDevice(label)
        const result = await s.send(toTarget(device), req ?? request)
        if (typeof reason === "string") {
          assert.deepEqual(result, { outcome: { kind: "rejected", reason } })
        } else {
          assert.ok(result.outcome.kind === "rejected" && reason.test(result.outcome.reason), JSON.stringify(result))
        }
        assert.equal(push.attempts.filter((a) => a.deviceId === device.id).length, 0)
      } finally {
        await s.close()
      }
    })
  }

  test("a host allowed by name but resolving to loopback is refused at connect time", async () => {
    const policy = createEndpointPolicy({ allowedHosts: ["localhost"], allowedPorts: [push.port] })
    const s = sender({ policy })
    try {
      const device = push.createDevice("rebinding")
      // several at once: those waiting for the first connection get the same refusal
      const results = await Promise.all([1, 2, 3, 4, 5].map(() => s.send(target(device), request)))
      for (const result of results) {
        assert.deepEqual(result, { outcome: { kind: "rejected", reason: "endpoint_forbidden: private_address" } })
      }
      assert.deepEqual(await s.send(target(device), request), results[0])
      assert.equal(push.attempts.filter((a) => a.deviceId === device.id).length, 0)
    } finally {
      await s.close()
    }
  })

  test("a payload of exactly 3993 bytes (4096 encrypted) is delivered", async () => {
    const s = sender()
    try {
      const device = push.createDevice("largest")
      const result = await s.send(target(device), { ...request, payload: "y".repeat(3993) })
      assert.equal(result.outcome.kind, "delivered")
      assert.equal(push.messagesFor(device.id)[0]?.payloadText.length, 3993)
    } finally {
      await s.close()
    }
  })

  test("nothing listening: a retry (network error), not a throw", async () => {
    // a port that was just free: bound, then released
    const probe = net.createServer()
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve))
    const port = (probe.address() as AddressInfo).port
    await new Promise<void>((resolve) => probe.close(() => resolve()))
    const s = sender({ timeoutMs: 1000 })
    try {
      const device = push.createDevice("closed-port")
      const result = await s.send({ ...target(device), endpoint: `https://localhost:${port}/push/${device.id}` }, request)
      assert.deepEqual(result, { outcome: { kind: "retry", reason: "network_error: ECONNREFUSED" } })
    } finally {
      await s.close()
    }
  })
})

test("speaks HTTP/2 to a service that offers only h2 in ALPN, one connection for a burst, fresh encryption per message", async () => {
  const versions: string[] = []
  const bodies: Buffer[] = []
  let connections = 0
  const server = http2.createSecureServer({ key: certs.keyPem, cert: certs.certPem, allowHTTP1: false }, (req, res) => {
    versions.push(req.httpVersion)
    const chunks: Buffer[] = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => {
      bodies.push(Buffer.concat(chunks))
      res.writeHead(201)
      res.end()
    })
  })
  server.on("secureConnection", () => (connections += 1))
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const port = (server.address() as AddressInfo).port
  const s = sender()
  try {
    const device = { endpoint: `https://127.0.0.1:${port}/push/h2`, ...generateDeviceKeys() }
    const results = await Promise.all(Array.from({ length: 60 }, () => s.send(device, request)))
    for (const result of results) assert.deepEqual(result, { outcome: { kind: "delivered" }, statusCode: 201 })
    assert.equal(versions.length, 60)
    assert.ok(versions.every((v) => v === "2.0"))
    assert.equal(connections, 1)
    // the same payload to the same device 60 times: 60 salts, 60 sender keys, 60 ciphertexts
    // (that each decrypts is checked against the real push service above)
    assert.equal(new Set(bodies.map((b) => b.subarray(0, 16).toString("hex"))).size, 60, "salts")
    assert.equal(new Set(bodies.map((b) => b.subarray(21, 86).toString("hex"))).size, 60, "sender keys")
    assert.equal(new Set(bodies.map((b) => b.subarray(86).toString("hex"))).size, 60, "ciphertexts")
  } finally {
    await s.close()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
})

function generateDeviceKeys(): { p256dh: string; auth: string } {
  const ecdh = createECDH("prime256v1")
  ecdh.generateKeys()
  return { p256dh: ecdh.getPublicKey("base64url"), auth: randomBytes(16).toString("base64url") }
}

test("trusts the CA from NODE_EXTRA_CA_CERTS, like node:https (no tls override)", async () => {
  const push = await startPushService({ key: certs.keyPem, cert: certs.certPem, expectedVapidPublicKey: keys.publicKey })
  try {
    const device = push.createDevice("extra-ca")
    const script = [
      "const { createPushSender } = require('./src/core/transport/sender')",
      "const { createEndpointPolicy } = require('./src/core/security/endpoint-policy')",
      "const [vapid, target] = JSON.parse(process.argv[1])",
      "const s = createPushSender({ vapid, policy: createEndpointPolicy({ allowLoopback: true }), timeoutMs: 5000, maxConnectionsPerOrigin: 2 })",
      "s.send(target, { payload: 'hi', ttl: 60, urgency: 'normal' }).then(async (r) => { process.stdout.write(JSON.stringify(r)); await s.close() })",
    ].join("\n")
    const run = (env: NodeJS.ProcessEnv): Promise<unknown> =>
      new Promise((resolve, reject) => {
        execFile(
          process.execPath,
          ["--import", "tsx", "-e", script, JSON.stringify([vapid, target(device)])],
          { cwd: REPO_ROOT, env: { ...process.env, ...env } },
          (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout) as unknown))
        )
      })
    assert.deepEqual(await run({ NODE_EXTRA_CA_CERTS: certs.caPath }), { outcome: { kind: "delivered" }, statusCode: 201 })
    const untrusted = (await run({ NODE_EXTRA_CA_CERTS: "" })) as { outcome: { kind: string; reason: string } }
    assert.equal(untrusted.outcome.kind, "rejected")
    assert.match(
      untrusted.outcome.reason,
      /^unexpected_error: (UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)$/
    )
    assert.equal(push.messagesFor(device.id).length, 1)
  } finally {
    await push.close()
  }
})

test("no promise was left rejected without a handler", async () => {
  await new Promise((resolve) => setTimeout(resolve, 50))
  assert.deepEqual(unhandled, [])
})
