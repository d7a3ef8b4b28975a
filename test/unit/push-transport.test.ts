import { after, before, beforeEach, test } from 'node:test'
import assert from 'node:assert/strict'
import { createECDH, createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as https from 'node:https'
import type { AddressInfo } from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { createEndpointPolicy } from '../../src/core/endpoint-policy'
import { createGuardedAgent, guardedLookup } from '../../src/core/guarded-agent'
import type { VapidDetails } from '../../src/core/plugin-options'
import { sendPush, topicHeader, type PushRequest, type PushTarget, type TransportConfig } from '../../src/core/push-transport'
import { startPushService, type Device, type PushService } from '../support/push-service'
import { ensureTestCertificates } from '../support/tls'

const CERT_DIR = path.join(os.tmpdir(), 'medusa-plugin-web-push-test-certs')
const SUBJECT = 'mailto:ops@teststore.dev'

function vapidDetails(): VapidDetails {
  const ecdh = createECDH('prime256v1')
  ecdh.generateKeys()
  const priv = ecdh.getPrivateKey()
  return {
    subject: SUBJECT,
    publicKey: ecdh.getPublicKey('base64url'),
    privateKey: Buffer.concat([Buffer.alloc(32 - priv.length), priv]).toString('base64url'),
  }
}

const vapid = vapidDetails()
const loopbackPolicy = createEndpointPolicy({ allowLoopback: true })
const request: PushRequest = {
  payload: JSON.stringify({ title: 'Order #1042 confirmed', body: 'Thanks Ada!', timestamp: 1 }),
  ttl: 3600,
  urgency: 'high',
  topic: 'order_01HX:order.placed',
}

let service: PushService
let ca = ''
let agent: https.Agent
let config: TransportConfig
/** A TLS server on localhost that accepts requests and never answers them. */
let silent: https.Server
let silentPort = 0
let silentRequests = 0
/** A port nothing listens on. */
let closedPort = 0

function listen(server: https.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
  })
}

before(async () => {
  const certs = ensureTestCertificates(CERT_DIR)
  ca = fs.readFileSync(certs.caPath, 'utf8')
  service = await startPushService({ key: certs.keyPem, cert: certs.certPem, expectedVapidPublicKey: vapid.publicKey })
  // Trust the throwaway CA; keep the connect-time guard of the production agent.
  agent = new https.Agent({ ca, keepAlive: true, lookup: guardedLookup(loopbackPolicy) })
  config = { vapid, policy: loopbackPolicy, agent, timeoutMs: 5000 }

  silent = https.createServer({ key: certs.keyPem, cert: certs.certPem }, () => {
    silentRequests++
  })
  silentPort = await listen(silent)

  const closed = https.createServer({ key: certs.keyPem, cert: certs.certPem })
  closedPort = await listen(closed)
  await new Promise<void>((resolve) => closed.close(() => resolve()))
})

after(async () => {
  agent.destroy()
  silent.closeAllConnections()
  await new Promise<void>((resolve) => silent.close(() => resolve()))
  await service.close()
})

beforeEach(() => service.reset())

const target = (device: Device): PushTarget => ({ endpoint: device.endpoint, p256dh: device.keys.p256dh, auth: device.keys.auth })

test('201: delivered, encrypted for the device and signed with our VAPID key', async () => {
  const device = service.createDevice('chrome')
  const result = await sendPush(target(device), request, config)
  assert.deepEqual(result, { outcome: { kind: 'delivered' }, statusCode: 201 })

  const [message] = service.messagesFor(device.id)
  assert.ok(message, JSON.stringify(service.rejections))
  assert.equal(message.payloadText, request.payload)
  assert.deepEqual(message.headers, { ttl: 3600, urgency: 'high', topic: topicHeader(request.topic as string), contentEncoding: 'aes128gcm' })
  assert.equal(message.vapid.sub, SUBJECT)
  assert.equal(message.vapid.publicKey, vapid.publicKey)
  assert.equal(message.vapid.aud, service.origin)
})

test('no topic: no Topic header; ttl 0 and low urgency are sent as given', async () => {
  const device = service.createDevice()
  const result = await sendPush(target(device), { payload: '{}', ttl: 0, urgency: 'very-low' }, config)
  assert.equal(result.outcome.kind, 'delivered')
  assert.deepEqual(service.messagesFor(device.id)[0]?.headers, { ttl: 0, urgency: 'very-low', contentEncoding: 'aes128gcm' })
})

test('two messages to one device are each encrypted afresh and both decrypt', async () => {
  const device = service.createDevice()
  await sendPush(target(device), request, config)
  await sendPush(target(device), { ...request, payload: '{"n":2}' }, config)
  assert.deepEqual(service.messagesFor(device.id).map((m) => m.payloadText), [request.payload, '{"n":2}'])
})

test('410: the subscription is gone', async () => {
  const device = service.createDevice()
  service.markGone(device.id)
  assert.deepEqual(await sendPush(target(device), request, config), {
    outcome: { kind: 'gone', reason: 'subscription_gone: HTTP 410' },
    statusCode: 410,
  })
})

test('404: an unknown subscription is gone too', async () => {
  const device = service.createDevice()
  const unknown = { ...target(device), endpoint: `${service.origin}/push/no-such-device` }
  assert.deepEqual(await sendPush(unknown, request, config), {
    outcome: { kind: 'gone', reason: 'subscription_gone: HTTP 404' },
    statusCode: 404,
  })
})

test('429 with Retry-After in seconds: retry after that long', async () => {
  const device = service.createDevice()
  service.respondWith(device.id, [{ status: 429, headers: { 'retry-after': '120' } }])
  assert.deepEqual(await sendPush(target(device), request, config), {
    outcome: { kind: 'retry', reason: 'rate_limited: HTTP 429', retryAfterMs: 120_000 },
    statusCode: 429,
  })
})

test('503 with Retry-After as an HTTP date: retry after about that long', async () => {
  const device = service.createDevice()
  service.respondWith(device.id, [{ status: 503, headers: { 'retry-after': new Date(Date.now() + 60_000).toUTCString() } }])
  const result = await sendPush(target(device), request, config)
  assert.equal(result.statusCode, 503)
  assert.equal(result.outcome.kind, 'retry')
  assert.ok(result.outcome.kind === 'retry' && result.outcome.reason === 'push_service_error: HTTP 503')
  const after = result.outcome.kind === 'retry' ? result.outcome.retryAfterMs ?? -1 : -1
  assert.ok(after > 55_000 && after <= 60_000, String(after))
})

test('400: rejected, with the body quoted and any URL in it masked', async () => {
  const device = service.createDevice()
  service.respondWith(device.id, [{ status: 400, body: `{"error":"bad token for ${device.endpoint}"}` }])
  const result = await sendPush(target(device), request, config)
  assert.equal(result.statusCode, 400)
  assert.equal(result.outcome.kind, 'rejected')
  const reason = result.outcome.kind === 'rejected' ? result.outcome.reason : ''
  assert.match(reason, /^bad_request: HTTP 400 /)
  assert.ok(reason.includes('[url]'), reason)
  assert.ok(!reason.includes(device.id), 'the endpoint (a capability URL) is not in the reason')
})

test('413: rejected as payload_too_large', async () => {
  const device = service.createDevice()
  service.respondWith(device.id, [{ status: 413 }])
  assert.deepEqual(await sendPush(target(device), request, config), {
    outcome: { kind: 'rejected', reason: 'payload_too_large' },
    statusCode: 413,
  })
})

test('403 from a real VAPID key mismatch: rejected as vapid_rejected', async () => {
  const device = service.createDevice('subscribed with another key', { applicationServerKey: vapidDetails().publicKey })
  const result = await sendPush(target(device), request, config)
  assert.equal(result.statusCode, 403)
  assert.ok(result.outcome.kind === 'rejected' && result.outcome.reason.startsWith('vapid_rejected: HTTP 403'), JSON.stringify(result))
})

test('a push service that never answers: retry as a timeout, after about timeoutMs', async () => {
  const device = service.createDevice()
  const hanging = { ...target(device), endpoint: `https://localhost:${silentPort}/push/${device.id}` }
  const before = silentRequests
  const started = Date.now()
  const result = await sendPush(hanging, request, { ...config, timeoutMs: 300 })
  const elapsed = Date.now() - started
  assert.deepEqual(result, { outcome: { kind: 'retry', reason: 'timeout' }, statusCode: undefined })
  assert.equal(silentRequests, before + 1, 'the request did reach the server')
  assert.ok(elapsed >= 250 && elapsed < 3000, `${elapsed} ms`)
})

test('nothing listening: retry as a network error', async () => {
  const device = service.createDevice()
  const refused = { ...target(device), endpoint: `https://localhost:${closedPort}/push/${device.id}` }
  const result = await sendPush(refused, request, config)
  assert.deepEqual(result, { outcome: { kind: 'retry', reason: 'network_error: ECONNREFUSED' }, statusCode: undefined })
})

const outsidePolicy: Array<[string, (device: Device) => string, string]> = [
  ['a loopback endpoint without the opt-in', (d) => d.endpoint, 'host_not_allowed'],
  ['an IP literal', (d) => d.endpoint.replace('localhost', '127.0.0.1'), 'ip_literal'],
  ['plain http', (d) => d.endpoint.replace('https:', 'http:'), 'not_https'],
  ['credentials in the URL', (d) => d.endpoint.replace('https://', 'https://user:pw@'), 'userinfo'],
  ['not a URL', () => 'fcm.googleapis.com/fcm/send/x', 'malformed'],
]
for (const [name, endpoint, reason] of outsidePolicy) {
  test(`an endpoint outside the policy is rejected without any request: ${name}`, async () => {
    const device = service.createDevice()
    const strict = { ...config, policy: createEndpointPolicy() }
    const result = await sendPush({ ...target(device), endpoint: endpoint(device) }, request, strict)
    assert.deepEqual(result, { outcome: { kind: 'rejected', reason: `endpoint_forbidden: ${reason}` } })
    assert.equal(service.attempts.length, 0)
    assert.equal(service.rejections.length, 0)
  })
}

test('a host allowed by name but resolving to a private address is refused at connect time', async () => {
  // The policy lists localhost as a push service (as a re-pointed DNS name would pass the syntax
  // check); the guarded agent refuses its loopback address when connecting.
  const device = service.createDevice()
  const policy = createEndpointPolicy({ allowedHosts: ['localhost'], allowedPorts: [service.port] })
  const guarded = createGuardedAgent(policy, 2)
  try {
    const result = await sendPush(target(device), request, { ...config, policy, agent: guarded })
    assert.deepEqual(result, { outcome: { kind: 'rejected', reason: 'endpoint_forbidden: private_address' } })
    assert.equal(service.attempts.length, 0)
  } finally {
    guarded.destroy()
  }
})

test('bad subscription keys are rejected, never thrown', async () => {
  const device = service.createDevice()
  const result = await sendPush({ ...target(device), p256dh: 'AAAA' }, request, config)
  assert.equal(result.outcome.kind, 'rejected')
  assert.equal(service.attempts.length, 0)
})

// ---------------------------------------------------------------------------
// topicHeader
// ---------------------------------------------------------------------------

const topics = ['order_01HX:order.placed', '', 'x', 'a'.repeat(10_000), 'Bestellung 1042 – versandt 📦', 'order/1?x=y#z']
for (const topic of topics) {
  test(`topicHeader(${JSON.stringify(topic.slice(0, 30))}) is at most 32 base64url characters and stable`, () => {
    const header = topicHeader(topic)
    assert.match(header, /^[A-Za-z0-9_-]{1,32}$/)
    assert.equal(header, topicHeader(topic))
    assert.equal(header, createHash('sha256').update(topic, 'utf8').digest('base64url').slice(0, 32))
  })
}

test('topicHeader differs for different topics', () => {
  const headers = new Set(['order-1', 'order-2', 'order-1 ', 'Order-1'].map(topicHeader))
  assert.equal(headers.size, 4)
})
