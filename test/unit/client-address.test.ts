import assert from "node:assert/strict"
import { test } from "node:test"
import { clientAddress } from "../../src/core/rate-limits/client-address"

const PROXY = "10.0.0.2"

// [what, socket address, X-Forwarded-For, trusted hops, expected client address]
const cases: Array<[string, string | undefined, string | string[] | undefined, number, string | undefined]> = [
  ["0 hops: the socket peer, the header ignored", "203.0.113.7", "198.51.100.1", 0, "203.0.113.7"],
  ["0 hops, no header", "203.0.113.7", undefined, 0, "203.0.113.7"],
  ["1 hop, no header: the socket peer", PROXY, undefined, 1, PROXY],
  ["1 hop: the entry the proxy appended", PROXY, "198.51.100.1", 1, "198.51.100.1"],
  ["1 hop: what the client wrote before it is not trusted", PROXY, "6.6.6.6, 198.51.100.1", 1, "198.51.100.1"],
  ["2 hops: the second entry from the right", PROXY, "6.6.6.6, 198.51.100.1, 10.0.0.1", 2, "198.51.100.1"],
  ["more hops than entries: the leftmost", PROXY, "198.51.100.1, 10.0.0.1", 5, "198.51.100.1"],
  ["several headers count as one list", PROXY, ["6.6.6.6", "198.51.100.1, 10.0.0.1"], 2, "198.51.100.1"],
  ["spaces around entries", PROXY, "  198.51.100.1  ", 1, "198.51.100.1"],
  ["IPv6 entry", PROXY, "2001:db8::1", 1, "2001:db8::1"],
  ["bracketed IPv6 with a port", PROXY, "[2001:db8::1]:443", 1, "2001:db8::1"],
  ["IPv4 with a port", PROXY, "198.51.100.1:5678", 1, "198.51.100.1"],
  ["IPv4-mapped IPv6 socket, 0 hops", "::ffff:203.0.113.7", "198.51.100.1", 0, "::ffff:203.0.113.7"],
  ["garbage at the first hop: the socket peer", PROXY, "not-an-ip", 1, PROXY],
  ["an empty header: the socket peer", PROXY, "", 1, PROXY],
  ["an empty entry ends the walk", PROXY, "6.6.6.6,,198.51.100.1", 3, "198.51.100.1"],
  ["garbage ends the walk at the address before it", PROXY, "6.6.6.6, unknown, 198.51.100.1", 3, "198.51.100.1"],
  ["a host name is not an address", PROXY, "evil.example, 198.51.100.1", 2, "198.51.100.1"],
  ["an out-of-range IPv4 is garbage", PROXY, "300.1.1.1", 1, PROXY],
  ["no socket address, 0 hops", undefined, "198.51.100.1", 0, undefined],
  ["no socket address, 1 hop", undefined, "198.51.100.1", 1, "198.51.100.1"],
]

for (const [what, socket, header, hops, expected] of cases) {
  test(`clientAddress: ${what}`, () => assert.equal(clientAddress(socket, header, hops), expected))
}

test("clientAddress: a huge header costs a bounded walk and still finds the trusted entry", () => {
  const header = `${"1.1.1.1, ".repeat(10_000)}198.51.100.1`
  assert.equal(clientAddress(PROXY, header, 1), "198.51.100.1")
  assert.equal(clientAddress(PROXY, header, 1_000), "1.1.1.1")
})
