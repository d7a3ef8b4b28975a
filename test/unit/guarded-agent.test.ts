import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { LookupAddress } from 'node:dns'
import * as fs from 'node:fs'
import type { RequestListener } from 'node:http'
import * as https from 'node:https'
import type { AddressInfo, LookupFunction } from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { createEndpointPolicy } from '../../src/core/endpoint-policy'
import { EndpointForbiddenError } from '../../src/core/errors'
import { createGuardedAgent, guardedLookup } from '../../src/core/guarded-agent'
import { ensureTestCertificates } from '../support/tls'

const strict = createEndpointPolicy()
const loopback = createEndpointPolicy({ allowLoopback: true })

interface LookupAnswer {
  err: NodeJS.ErrnoException | null
  address: string | LookupAddress[]
  family?: number
}

function lookup(fn: LookupFunction, hostname: string, options: object): Promise<LookupAnswer> {
  return new Promise((resolve) => {
    fn(hostname, options, (err, address, family) => resolve({ err, address, family }))
  })
}

const forbidden = (answer: LookupAnswer, label: string): void => {
  assert.ok(answer.err instanceof EndpointForbiddenError, `${label}: expected EndpointForbiddenError, got ${String(answer.err)}`)
  assert.equal(answer.err.reason, 'private_address')
  assert.equal(answer.err.code, 'endpoint_forbidden')
}

// Node 20 connects with autoSelectFamily, which calls lookup with `{ all: true }`; older code
// paths (and `family` set explicitly) call it for a single address. Both shapes must be guarded.
const SHAPES: Array<[string, object]> = [
  ['{ all: true }', { all: true }],
  ['{ all: true, family: 0 }', { all: true, family: 0 }],
  ['single address {}', {}],
  ['single address { family: 4 }', { family: 4 }],
]

const refusedHosts: Array<[string, typeof strict]> = [
  ['localhost', strict],
  ['127.0.0.1', strict],
  ['10.0.0.8', strict],
  ['169.254.169.254', strict],
  ['192.168.1.1', strict],
  // the loopback opt-in covers loopback names only, never other private addresses
  ['10.0.0.8', loopback],
  ['169.254.169.254', loopback],
  ['127.0.0.2', loopback],
]
for (const [shape, options] of SHAPES) {
  test(`guardedLookup ${shape}: refuses non-public addresses`, async () => {
    for (const [host, policy] of refusedHosts) {
      forbidden(await lookup(guardedLookup(policy), host, options), `${host} allowLoopback=${policy.allowLoopback}`)
    }
  })

  test(`guardedLookup ${shape}: passes public addresses on in the shape asked for`, async () => {
    const answer = await lookup(guardedLookup(strict), '142.250.185.74', options)
    assert.equal(answer.err, null)
    if ('all' in options) {
      assert.deepEqual(answer.address, [{ address: '142.250.185.74', family: 4 }])
    } else {
      assert.equal(answer.address, '142.250.185.74')
      assert.equal(answer.family, 4)
    }
  })

  test(`guardedLookup ${shape}: localhost passes when the policy allows loopback`, async () => {
    const answer = await lookup(guardedLookup(loopback), 'localhost', options)
    assert.equal(answer.err, null)
    const addresses = typeof answer.address === 'string' ? [answer.address] : answer.address.map((a) => a.address)
    assert.ok(addresses.length > 0)
    for (const address of addresses) assert.ok(['127.0.0.1', '::1'].includes(address), address)
  })
}

test('guardedLookup passes resolver errors on unchanged', async () => {
  const answer = await lookup(guardedLookup(strict), 'no-such-host.invalid', { all: true })
  assert.ok(answer.err)
  assert.ok(!(answer.err instanceof EndpointForbiddenError))
  assert.match(String(answer.err.code), /ENOTFOUND|EAI_AGAIN|ENODATA/)
})

// ---------------------------------------------------------------------------
// Through a real HTTPS server on localhost
// ---------------------------------------------------------------------------

const CERT_DIR = path.join(os.tmpdir(), 'medusa-plugin-web-push-test-certs')
let ca = ''
let port = 0
let requests = 0
const servers: https.Server[] = []

function listen(server: https.Server, host: string, wanted: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(wanted, host, () => {
      server.off('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

before(async () => {
  const certs = ensureTestCertificates(CERT_DIR)
  ca = fs.readFileSync(certs.caPath, 'utf8')
  const handler: RequestListener = (_req, res) => {
    requests++
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.end('reached')
  }
  const primary = https.createServer({ key: certs.keyPem, cert: certs.certPem }, handler)
  port = await listen(primary, '127.0.0.1', 0)
  servers.push(primary)
  // `localhost` may resolve to ::1 as well: answer there too when the host has IPv6 loopback.
  const secondary = https.createServer({ key: certs.keyPem, cert: certs.certPem }, handler)
  try {
    await listen(secondary, '::1', port)
    servers.push(secondary)
  } catch {
    // no IPv6 loopback here
  }
})

after(async () => {
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeAllConnections()
        }),
    ),
  )
})

function get(agent: https.Agent, url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { agent, ca }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
  })
}

test('createGuardedAgent: a keep-alive agent with the given socket limit', () => {
  const agent = createGuardedAgent(strict, 7)
  try {
    assert.ok(agent instanceof https.Agent)
    assert.equal(agent.maxSockets, 7)
    assert.equal((agent as unknown as { keepAlive: boolean }).keepAlive, true)
  } finally {
    agent.destroy()
  }
})

test('createGuardedAgent refuses to connect to https://localhost without the loopback opt-in', async () => {
  const agent = createGuardedAgent(strict, 4)
  const before = requests
  try {
    await assert.rejects(get(agent, `https://localhost:${port}/push/1`), (err: unknown) => {
      assert.ok(err instanceof EndpointForbiddenError, `got ${String(err)}`)
      assert.equal(err.reason, 'private_address')
      // the message never contains the endpoint (a capability URL)
      assert.doesNotMatch(err.message, /localhost|push\/1/)
      return true
    })
    assert.equal(requests, before, 'no request reached the server')
  } finally {
    agent.destroy()
  }
})

test('createGuardedAgent connects to https://localhost when the policy allows loopback', async () => {
  const agent = createGuardedAgent(loopback, 4)
  const before = requests
  try {
    assert.deepEqual(await get(agent, `https://localhost:${port}/push/1`), { status: 200, body: 'reached' })
    // a second request reuses the keep-alive connection and is still fine
    assert.deepEqual(await get(agent, `https://localhost:${port}/push/2`), { status: 200, body: 'reached' })
    assert.equal(requests, before + 2)
  } finally {
    agent.destroy()
  }
})
