import { test } from "node:test"
import assert from "node:assert/strict"
import type { LookupAddress } from "node:dns"
import type { LookupFunction } from "node:net"
import { createEndpointPolicy } from "../../src/core/security/endpoint-policy"
import { EndpointForbiddenError } from "../../src/core/errors/plugin-errors"
import { guardedLookup } from "../../src/core/security/guarded-lookup"

// What a connection does with the lookup (refused before any byte is sent, allowed through with
// the loopback opt-in, keep-alive reuse) is tested through createPushSender in transport-sender.test.ts.

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

const forbidden = (answer: LookupAnswer, host: string, label: string): void => {
  assert.ok(answer.err instanceof EndpointForbiddenError, `${label}: expected EndpointForbiddenError, got ${String(answer.err)}`)
  assert.equal(answer.err.reason, "private_address")
  assert.equal(answer.err.code, "endpoint_forbidden")
  // the host is part of the endpoint (a capability URL): the message never names it
  assert.ok(!answer.err.message.includes(host), `${label}: message names the host: ${answer.err.message}`)
}

// Node 20 connects with autoSelectFamily, which calls lookup with `{ all: true }`; older code
// paths (and `family` set explicitly) call it for a single address. Both shapes must be guarded.
const SHAPES: Array<[string, object]> = [
  ["{ all: true }", { all: true }],
  ["{ all: true, family: 0 }", { all: true, family: 0 }],
  ["single address {}", {}],
  ["single address { family: 4 }", { family: 4 }],
]

const refusedHosts: Array<[string, typeof strict]> = [
  ["localhost", strict],
  ["127.0.0.1", strict],
  ["10.0.0.8", strict],
  ["169.254.169.254", strict],
  ["192.168.1.1", strict],
  // the loopback opt-in covers loopback names only, never other private addresses
  ["10.0.0.8", loopback],
  ["169.254.169.254", loopback],
  ["127.0.0.2", loopback],
]
for (const [shape, options] of SHAPES) {
  test(`guardedLookup ${shape}: refuses non-public addresses`, async () => {
    for (const [host, policy] of refusedHosts) {
      forbidden(await lookup(guardedLookup(policy), host, options), host, `${host} allowLoopback=${policy.allowLoopback}`)
    }
  })

  test(`guardedLookup ${shape}: passes public addresses on in the shape asked for`, async () => {
    const answer = await lookup(guardedLookup(strict), "142.250.185.74", options)
    assert.equal(answer.err, null)
    if ("all" in options) {
      assert.deepEqual(answer.address, [{ address: "142.250.185.74", family: 4 }])
    } else {
      assert.equal(answer.address, "142.250.185.74")
      assert.equal(answer.family, 4)
    }
  })

  test(`guardedLookup ${shape}: localhost passes when the policy allows loopback`, async () => {
    const answer = await lookup(guardedLookup(loopback), "localhost", options)
    assert.equal(answer.err, null)
    const addresses = typeof answer.address === "string" ? [answer.address] : answer.address.map((a) => a.address)
    assert.ok(addresses.length > 0)
    for (const address of addresses) assert.ok(["127.0.0.1", "::1"].includes(address), address)
    assert.equal(Array.isArray(answer.address), "all" in options, "answered in the shape asked for")
  })
}

test("guardedLookup passes resolver errors on unchanged", async () => {
  const answer = await lookup(guardedLookup(strict), "no-such-host.invalid", { all: true })
  assert.ok(answer.err)
  assert.ok(!(answer.err instanceof EndpointForbiddenError))
  assert.match(String(answer.err.code), /ENOTFOUND|EAI_AGAIN|ENODATA/)
})
