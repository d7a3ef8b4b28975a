import { test } from "node:test"
import assert from "node:assert/strict"
import {
  checkEndpoint,
  checkEndpointSyntax,
  createEndpointPolicy,
  DEFAULT_PUSH_HOSTS,
  type HostResolver,
} from "../../src/core/security/endpoint-policy"
import { isPublicAddress } from "../../src/core/security/ip-address"
import { EndpointForbiddenError } from "../../src/core/errors/plugin-errors"

const policy = createEndpointPolicy()
const loopbackPolicy = createEndpointPolicy({ allowLoopback: true })
const FCM = "https://fcm.googleapis.com/fcm/send/abc:APA91b-token"

function forbidden(reason: string) {
  return (err: unknown): boolean => err instanceof EndpointForbiddenError && err.reason === reason && err.field === "subscription.endpoint"
}

const fixed =
  (...addresses: string[]): HostResolver =>
  async () =>
    addresses

test("createEndpointPolicy defaults", () => {
  assert.deepEqual(policy, {
    allowLoopback: false,
    allowedHosts: DEFAULT_PUSH_HOSTS,
    allowedPorts: [443],
    maxLength: 2048,
  })
  assert.deepEqual(createEndpointPolicy({ maxLength: 10, allowedPorts: [8443] }).allowedPorts, [8443])
})

test("accepts the real push services", () => {
  for (const endpoint of [
    FCM,
    "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk",
    "https://web.push.apple.com/QGVkZGVk",
    "https://wns2-par02p.notify.windows.com/w/?token=BQYAAA",
    "https://FCM.GoogleAPIs.com./fcm/send/x",
    "https://fcm.googleapis.com:443/fcm/send/x",
  ]) {
    assert.ok(checkEndpointSyntax(endpoint, policy) instanceof URL, endpoint)
  }
})

const refusals: Array<[string, unknown, string]> = [
  ["not a string", 42, "malformed"],
  ["empty", "", "malformed"],
  ["garbage", "not a url", "malformed"],
  ["too long", `https://fcm.googleapis.com/${"a".repeat(2048)}`, "too_long"],
  ["http", "http://fcm.googleapis.com/x", "not_https"],
  ["javascript", "javascript:alert(1)", "not_https"],
  ["file", "file:///etc/passwd", "not_https"],
  ["userinfo", "https://user:pass@fcm.googleapis.com/x", "userinfo"],
  ["username only", "https://user@fcm.googleapis.com/x", "userinfo"],
  ["other host", "https://evil.com/x", "host_not_allowed"],
  ["suffix trick", "https://fcm.googleapis.com.evil.com/x", "host_not_allowed"],
  ["prefix trick", "https://evilfcm.googleapis.com/x", "host_not_allowed"],
  ["bare wildcard base", "https://push.apple.com/x", "host_not_allowed"],
  ["lookalike wildcard", "https://evilpush.apple.com/x", "host_not_allowed"],
  ["localhost without opt-in", "https://localhost:8443/x", "host_not_allowed"],
  ["wrong port", "https://fcm.googleapis.com:8443/x", "port_not_allowed"],
  ["port 80", "https://fcm.googleapis.com:80/x", "port_not_allowed"],
  // every notation of an IP literal
  ["dotted", "https://127.0.0.1/x", "ip_literal"],
  ["dotted public", "https://142.250.1.1/x", "ip_literal"],
  ["decimal", "https://2130706433/x", "ip_literal"],
  ["hex", "https://0x7f.1/x", "ip_literal"],
  ["hex whole", "https://0x7f000001/x", "ip_literal"],
  ["hex dotted", "https://0x7f.0x0.0x0.0x1/x", "ip_literal"],
  ["octal", "https://0177.0.0.1/x", "ip_literal"],
  ["short form", "https://127.1/x", "ip_literal"],
  ["metadata", "https://169.254.169.254/latest", "ip_literal"],
  ["percent-encoded", "https://%31%32%37.0.0.1/x", "ip_literal"],
  ["fullwidth digits", "https://１２７.0.0.1/x", "ip_literal"],
  ["ipv6 loopback", "https://[::1]/x", "ip_literal"],
  ["ipv6 mapped", "https://[::ffff:127.0.0.1]/x", "ip_literal"],
  ["ipv6 mapped hex", "https://[0:0:0:0:0:ffff:7f00:1]/x", "ip_literal"],
  ["ipv6 public", "https://[2607:f8b0::1]/x", "ip_literal"],
]
for (const [name, endpoint, reason] of refusals) {
  test(`refuses ${name}`, () => {
    assert.throws(() => checkEndpointSyntax(endpoint, policy), forbidden(reason))
  })
}

test("error messages never contain the endpoint path (capability token)", () => {
  try {
    checkEndpointSyntax("https://evil.com/secret-token-123", policy)
    assert.fail("should throw")
  } catch (err) {
    assert.ok(err instanceof EndpointForbiddenError)
    assert.doesNotMatch(err.message, /secret-token-123/)
  }
})

test("extra hosts and wildcard subdomains match case-insensitively", () => {
  const p = createEndpointPolicy({ allowedHosts: [...DEFAULT_PUSH_HOSTS, "*.Push.Shop.dev", "push.other.dev."] })
  assert.ok(checkEndpointSyntax("https://a.b.push.shop.dev/x", p))
  assert.ok(checkEndpointSyntax("https://push.other.dev/x", p))
  assert.throws(() => checkEndpointSyntax("https://push.shop.dev/x", p), forbidden("host_not_allowed"))
})

test("loopback exception: localhost, 127.0.0.1 and [::1] on any port, when allowed", () => {
  for (const endpoint of ["https://localhost:8443/push/1", "https://127.0.0.1:9999/x", "https://[::1]:4433/x", "https://localhost/x"]) {
    assert.ok(checkEndpointSyntax(endpoint, loopbackPolicy), endpoint)
  }
  // still https only and no credentials
  assert.throws(() => checkEndpointSyntax("http://localhost:8443/x", loopbackPolicy), forbidden("not_https"))
  assert.throws(() => checkEndpointSyntax("https://u:p@localhost:8443/x", loopbackPolicy), forbidden("userinfo"))
  // other private addresses stay refused
  assert.throws(() => checkEndpointSyntax("https://10.0.0.1/x", loopbackPolicy), forbidden("ip_literal"))
})

test("checkEndpoint refuses hosts resolving to non-public addresses", async () => {
  for (const addresses of [
    ["10.0.0.5"],
    ["169.254.169.254"],
    ["127.0.0.1"],
    ["142.250.1.1", "192.168.1.10"],
    ["::1"],
    ["fd00::1"],
    ["::ffff:10.0.0.5"],
  ]) {
    await assert.rejects(checkEndpoint(FCM, policy, fixed(...addresses)), forbidden("private_address"), addresses.join(","))
  }
})

test("checkEndpoint refuses a host without addresses", async () => {
  await assert.rejects(checkEndpoint(FCM, policy, fixed()), forbidden("unresolvable"))
})

test("checkEndpoint accepts public addresses and resolves the bare host name", async () => {
  const seen: string[] = []
  const resolver: HostResolver = async (host) => {
    seen.push(host)
    return ["142.250.185.74", "2a00:1450:4001:82b::200a"]
  }
  const url = await checkEndpoint("https://FCM.googleapis.com./fcm/send/x", policy, resolver)
  assert.equal(url.pathname, "/fcm/send/x")
  assert.deepEqual(seen, ["fcm.googleapis.com"])
})

test("checkEndpoint runs the syntax check first and skips DNS for the loopback exception", async () => {
  const never: HostResolver = async () => assert.fail("resolver must not be called")
  await assert.rejects(checkEndpoint("https://evil.com/x", policy, never), forbidden("host_not_allowed"))
  assert.ok(await checkEndpoint("https://localhost:8443/x", loopbackPolicy, never))
})

test("checkEndpoint lets resolver failures through (transient DNS errors)", async () => {
  const failing: HostResolver = async () => {
    throw Object.assign(new Error("getaddrinfo EAI_AGAIN"), { code: "EAI_AGAIN" })
  }
  await assert.rejects(checkEndpoint(FCM, policy, failing), { code: "EAI_AGAIN" })
})

const addressTable: Array<[string, boolean]> = [
  ["8.8.8.8", true],
  ["142.250.185.74", true],
  ["1.1.1.1", true],
  ["0.0.0.0", false],
  ["0.1.2.3", false],
  ["10.0.0.5", false],
  ["10.255.255.255", false],
  ["100.64.0.1", false],
  ["100.127.255.255", false],
  ["100.128.0.1", true],
  ["127.0.0.1", false],
  ["127.255.0.1", false],
  ["169.254.169.254", false],
  ["172.15.255.255", true],
  ["172.16.0.1", false],
  ["172.31.255.255", false],
  ["172.32.0.1", true],
  ["192.168.1.1", false],
  ["192.0.2.1", false],
  ["198.18.0.1", false],
  ["224.0.0.1", false],
  ["239.255.255.250", false],
  ["255.255.255.255", false],
  ["::", false],
  ["::1", false],
  ["fe80::1", false],
  ["febf::1", false],
  ["fc00::1", false],
  ["fd12:3456::1", false],
  ["ff02::1", false],
  ["::ffff:127.0.0.1", false],
  ["::ffff:7f00:1", false],
  ["::ffff:10.0.0.5", false],
  ["::ffff:169.254.169.254", false],
  ["::ffff:8.8.8.8", true],
  ["::127.0.0.1", false],
  ["64:ff9b::10.0.0.1", false],
  ["64:ff9b::8.8.8.8", true],
  ["2002:0a00:0001::1", false],
  ["2002:0808:0808::1", true],
  ["2001:db8::1", false],
  ["2001:0:4136:e378::1", false],
  ["2a00:1450:4001:82b::200a", true],
  ["2607:F8B0:4004:C1B::65", true],
  ["[2607:f8b0::1]", true],
  ["[::1]", false],
  ["fe80::1%eth0", false],
  ["not-an-ip", false],
  ["", false],
]
test("isPublicAddress table", () => {
  for (const [ip, expected] of addressTable) {
    assert.equal(isPublicAddress(ip), expected, ip)
  }
})
