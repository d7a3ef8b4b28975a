import { test } from "node:test"
import assert from "node:assert/strict"
import { createECDH } from "node:crypto"
import { checkEndpointSyntax, DEFAULT_PUSH_HOSTS } from "../../src/core/security/endpoint-policy"
import { EndpointForbiddenError, PluginOptionsError } from "../../src/core/errors/plugin-errors"
import { EVENT_CATALOGUE } from "../../src/core/catalogue/default-events"
import { resolveOptions } from "../../src/core/options/plugin-options"

/** A real VAPID pair, unpadded base64url, the private scalar left-padded to 32 bytes. */
function vapidPair(): { publicKey: string; privateKey: string } {
  const ecdh = createECDH("prime256v1")
  ecdh.generateKeys()
  const priv = ecdh.getPrivateKey()
  const padded = Buffer.concat([Buffer.alloc(32 - priv.length), priv])
  return { publicKey: ecdh.getPublicKey("base64url"), privateKey: padded.toString("base64url") }
}

const pair = vapidPair()
const other = vapidPair()
const SUBJECT = "mailto:ops@teststore.dev"
const DEV = { NODE_ENV: "development" }
const PROD = { NODE_ENV: "production" }

function options(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { vapid_public_key: pair.publicKey, vapid_private_key: pair.privateKey, vapid_subject: SUBJECT, ...extra }
}

/** A PluginOptionsError for `field` whose message names the option. */
function optionError(field: string, message?: RegExp) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof PluginOptionsError, `expected PluginOptionsError, got ${String(err)}`)
    assert.equal(err.field, field)
    assert.equal(err.code, "invalid_option")
    assert.ok(err.message.includes(`option "${field}"`), err.message)
    if (message) assert.match(err.message, message)
    return true
  }
}

test("the three VAPID settings alone give the documented defaults", () => {
  const resolved = resolveOptions(options(), DEV)
  assert.deepEqual(resolved.vapid, { subject: SUBJECT, publicKey: pair.publicKey, privateKey: pair.privateKey })
  assert.equal(resolved.storefrontUrl, "http://localhost:8000")
  assert.equal(resolved.adminUrl, "http://localhost:7001")
  assert.equal(resolved.defaultIcon, undefined)
  assert.equal(resolved.defaultBadge, undefined)
  assert.equal(resolved.requestTimeoutMs, 10_000)
  assert.equal(resolved.concurrency, 50)
  assert.deepEqual(resolved.endpointPolicy, {
    allowLoopback: false,
    allowedHosts: [...DEFAULT_PUSH_HOSTS],
    allowedPorts: [443],
    maxLength: 2048,
  })
  assert.equal(resolved.rules.length, EVENT_CATALOGUE.length)
})

test("padded base64url keys are accepted and normalised; `resolve` (added by Medusa) is tolerated", () => {
  const resolved = resolveOptions(options({ vapid_public_key: `${pair.publicKey}=`, resolve: "medusa-plugin-web-push" }), DEV)
  assert.equal(resolved.vapid.publicKey, pair.publicKey)
})

test("options that are not an object are refused", () => {
  for (const raw of [undefined, null, [], "keys", 42]) {
    assert.throws(() => resolveOptions(raw, DEV), optionError("options", /vapid_public_key/), String(raw))
  }
})

const vapidRefusals: Array<[string, Record<string, unknown>, string, RegExp]> = [
  ["public key missing", { vapid_public_key: undefined }, "vapid_public_key", /is required/],
  ["public key empty", { vapid_public_key: "" }, "vapid_public_key", /is required/],
  ["public key not a string", { vapid_public_key: 42 }, "vapid_public_key", /is required/],
  ["public key standard base64", { vapid_public_key: "ab+/cd==" }, "vapid_public_key", /base64url/],
  ["public key too short", { vapid_public_key: pair.privateKey }, "vapid_public_key", /65-byte/],
  ["private key missing", { vapid_private_key: undefined }, "vapid_private_key", /is required/],
  ["private key wrong length", { vapid_private_key: Buffer.alloc(31, 1).toString("base64url") }, "vapid_private_key", /32-byte/],
  ["private key zero", { vapid_private_key: Buffer.alloc(32).toString("base64url") }, "vapid_private_key", /not a valid/],
  ["keys from two pairs", { vapid_private_key: other.privateKey }, "vapid_private_key", /does not match vapid_public_key/],
  ["subject missing", { vapid_subject: undefined }, "vapid_subject", /is required/],
  ["subject bare address", { vapid_subject: "ops@teststore.dev" }, "vapid_subject", /mailto:/],
  ["subject placeholder domain", { vapid_subject: "mailto:me@example.com" }, "vapid_subject", /placeholder/],
  ["subject localhost url", { vapid_subject: "https://localhost" }, "vapid_subject", /./],
  ["subject http url", { vapid_subject: "http://teststore.dev" }, "vapid_subject", /https:/],
]
for (const [name, extra, field, message] of vapidRefusals) {
  test(`VAPID settings: refuses ${name}`, () => {
    assert.throws(() => resolveOptions(options(extra), DEV), optionError(field, message))
  })
}

test("an unknown option is refused by name, before anything else is checked", () => {
  for (const key of ["vapid_publickey", "storefrontUrl", "timeout"]) {
    assert.throws(() => resolveOptions(options({ [key]: "x" }), DEV), optionError(key, /is not an option of this plugin/))
  }
  // even when the VAPID keys are missing, the typo is what gets reported
  assert.throws(() => resolveOptions({ vapidPublicKey: pair.publicKey }, DEV), optionError("vapidPublicKey"))
})

test("allow_loopback_endpoints is honoured only when NODE_ENV is development or test, refused at boot elsewhere", () => {
  for (const env of [DEV, { NODE_ENV: "test" }]) {
    const resolved = resolveOptions(options({ allow_loopback_endpoints: true }), env)
    assert.equal(resolved.endpointPolicy.allowLoopback, true, JSON.stringify(env))
    assert.ok(checkEndpointSyntax("https://localhost:8443/push/1", resolved.endpointPolicy))
  }
  const elsewhere: Array<[{ NODE_ENV?: string }, RegExp]> = [
    [PROD, /"development" or "test" \(it is "production"\)/],
    [{ NODE_ENV: "staging" }, /it is "staging"/],
    [{}, /it is unset/],
    [{ NODE_ENV: "" }, /it is ""/],
    [{ NODE_ENV: "Development" }, /it is "Development"/],
    [{ NODE_ENV: " test" }, /it is " test"/],
    [{ NODE_ENV: "production\u001b[31m" }, /it is "production\?\[31m"/],
  ]
  for (const [env, message] of elsewhere) {
    assert.throws(
      () => resolveOptions(options({ allow_loopback_endpoints: true }), env),
      optionError("allow_loopback_endpoints", message),
      JSON.stringify(env)
    )
    // without the option every environment boots
    assert.equal(resolveOptions(options({}), env).endpointPolicy.allowLoopback, false)
  }
  // false is fine in production, and the default refuses loopback endpoints
  const prod = resolveOptions(options({ allow_loopback_endpoints: false }), PROD)
  assert.equal(prod.endpointPolicy.allowLoopback, false)
  assert.throws(() => checkEndpointSyntax("https://localhost:8443/push/1", prod.endpointPolicy), EndpointForbiddenError)
  for (const value of ["true", 1, "yes"]) {
    assert.throws(
      () => resolveOptions(options({ allow_loopback_endpoints: value }), DEV),
      optionError("allow_loopback_endpoints", /true or false/),
      String(value)
    )
  }
})

const urlCases: Array<[string, string, unknown, keyof ReturnType<typeof resolveOptions> | undefined, string | RegExp]> = [
  // [name, option, value, resolved key, expected value (string) or error message (RegExp)]
  ["storefront with a path and trailing slash", "storefront_url", "https://shop.com/de/", "storefrontUrl", "https://shop.com/de"],
  ["storefront bare origin", "storefront_url", "https://shop.com", "storefrontUrl", "https://shop.com"],
  ["admin on http", "admin_url", "http://admin.shop.local:7001/", "adminUrl", "http://admin.shop.local:7001"],
  ["icon", "default_icon", "https://cdn.shop.com/icon-192.png", "defaultIcon", "https://cdn.shop.com/icon-192.png"],
  ["badge", "default_badge", "https://cdn.shop.com/badge.png", "defaultBadge", "https://cdn.shop.com/badge.png"],
  ["storefront without scheme", "storefront_url", "shop.com", undefined, /absolute http\(s\) URL/],
  ["storefront relative", "storefront_url", "/de", undefined, /absolute http\(s\) URL/],
  ["storefront ftp", "storefront_url", "ftp://shop.com", undefined, /http\(s\) URL/],
  ["storefront javascript", "storefront_url", "javascript:alert(1)", undefined, /http\(s\) URL/],
  ["admin not a string", "admin_url", 7001, undefined, /URL string/],
  ["icon relative", "default_icon", "/icon.png", undefined, /absolute http\(s\) URL/],
  ["badge not a string", "default_badge", true, undefined, /URL string/],
  ["backend with a path", "backend_url", "https://shop.com/api/", "backendUrl", "https://shop.com/api"],
  ["backend on http localhost (development)", "backend_url", "http://localhost:9000", "backendUrl", "http://localhost:9000"],
  ["backend on http 127.0.0.1", "backend_url", "http://127.0.0.1:9000/", "backendUrl", "http://127.0.0.1:9000"],
  ["backend on http elsewhere", "backend_url", "http://api.shop.com", undefined, /https URL \(http only on localhost\)/],
  ["backend relative", "backend_url", "/store", undefined, /absolute http\(s\) URL/],
  ["backend with a query", "backend_url", "https://api.shop.com/?tenant=1", undefined, /query/],
  ["backend with a fragment", "backend_url", "https://api.shop.com/#x", undefined, /fragment/],
  ["backend javascript", "backend_url", "javascript:alert(1)", undefined, /http\(s\) URL/],
]
test("URL options: backend_url is unset unless given", () => {
  assert.equal(resolveOptions(options({}), DEV).backendUrl, undefined)
})

for (const [name, option, value, key, expected] of urlCases) {
  test(`URL options: ${name}`, () => {
    if (expected instanceof RegExp) {
      assert.throws(() => resolveOptions(options({ [option]: value }), DEV), optionError(option, expected))
    } else {
      const resolved = resolveOptions(options({ [option]: value }), DEV)
      assert.equal(resolved[key as keyof typeof resolved], expected)
    }
  })
}

test("endpoint_allowlist is added to the built-in push services, lower-cased", () => {
  const resolved = resolveOptions(options({ endpoint_allowlist: ["push.Example-Push.net", "*.example-push.com"] }), DEV)
  assert.deepEqual(resolved.endpointPolicy.allowedHosts, [...DEFAULT_PUSH_HOSTS, "push.example-push.net", "*.example-push.com"])
  for (const endpoint of ["https://fcm.googleapis.com/fcm/send/x", "https://push.example-push.net/x", "https://eu.example-push.com/x"]) {
    assert.ok(checkEndpointSyntax(endpoint, resolved.endpointPolicy), endpoint)
  }
  assert.throws(() => checkEndpointSyntax("https://example-push.com/x", resolved.endpointPolicy), EndpointForbiddenError)
  assert.deepEqual(resolveOptions(options({ endpoint_allowlist: [] }), DEV).endpointPolicy.allowedHosts, [...DEFAULT_PUSH_HOSTS])
})

test("endpoint_allowlist refuses anything but a list of host names", () => {
  for (const value of ["push.example.net", ["https://push.example.net"], ["push.example.net:443"], ["push example"], [42], {}]) {
    assert.throws(
      () => resolveOptions(options({ endpoint_allowlist: value }), DEV),
      optionError("endpoint_allowlist", /host names/),
      JSON.stringify(value)
    )
  }
})

const numberCases: Array<[string, unknown, number | undefined]> = [
  // [option, value, accepted value or undefined for refused]
  ["request_timeout_ms", 1, 1],
  ["request_timeout_ms", 120_000, 120_000],
  ["request_timeout_ms", 0, undefined],
  ["request_timeout_ms", -5, undefined],
  ["request_timeout_ms", 1.5, undefined],
  ["request_timeout_ms", 120_001, undefined],
  ["request_timeout_ms", "5000", undefined],
  ["request_timeout_ms", Number.NaN, undefined],
  ["request_timeout_ms", Number.POSITIVE_INFINITY, undefined],
  ["concurrency", 1, 1],
  ["concurrency", 1000, 1000],
  ["concurrency", 0, undefined],
  ["concurrency", 1001, undefined],
  ["concurrency", 2.5, undefined],
  ["concurrency", null, undefined],
]
for (const [option, value, accepted] of numberCases) {
  test(`${option} = ${String(value)} is ${accepted === undefined ? "refused" : "accepted"}`, () => {
    if (accepted === undefined) {
      assert.throws(() => resolveOptions(options({ [option]: value }), DEV), optionError(option, /whole number from 1 to/))
    } else {
      const resolved = resolveOptions(options({ [option]: value }), DEV)
      assert.equal(option === "concurrency" ? resolved.concurrency : resolved.requestTimeoutMs, accepted)
    }
  })
}

test("rate_limits: clicks, preferences and unsubscribe have their own per-minute allowances", () => {
  const resolved = resolveOptions(
    options({ rate_limits: { clicks_per_minute: 7, preferences_per_minute: 8, unsubscribe_per_minute: 9 } }),
    DEV
  )
  assert.deepEqual(resolved.rateLimits.click, { limit: 7, windowMs: 60_000 })
  assert.deepEqual(resolved.rateLimits.preferences, { limit: 8, windowMs: 60_000 })
  assert.deepEqual(resolved.rateLimits.unsubscribe, { limit: 9, windowMs: 60_000 })
  assert.deepEqual(resolved.rateLimits.subscribe, { limit: 10, windowMs: 60_000 }, "the others keep their defaults")
  for (const key of ["clicks_per_minute", "preferences_per_minute", "unsubscribe_per_minute"]) {
    for (const value of [0, -1, 2.5, "10", null, 100_001]) {
      assert.throws(
        () => resolveOptions(options({ rate_limits: { [key]: value } }), DEV),
        optionError(`rate_limits.${key}`, /whole number from 1 to/),
        `${key} = ${String(value)}`
      )
    }
  }
})

const trustProxyCases: Array<[unknown, number | undefined]> = [
  // [value, accepted hops or undefined for refused]
  [undefined, 1],
  [0, 0],
  [1, 1],
  [2, 2],
  [16, 16],
  [17, undefined],
  [-1, undefined],
  [1.5, undefined],
  ["1", undefined],
  [true, undefined],
  [null, undefined],
]
for (const [value, accepted] of trustProxyCases) {
  test(`trust_proxy = ${String(value)} is ${accepted === undefined ? "refused" : `${accepted} hops`}`, () => {
    const extra = value === undefined ? {} : { trust_proxy: value }
    if (accepted === undefined) {
      assert.throws(() => resolveOptions(options(extra), DEV), optionError("trust_proxy", /whole number from 0 to 16/))
    } else {
      assert.equal(resolveOptions(options(extra), DEV).trustProxy, accepted)
    }
  })
}

test("guest_subscription_days: 30 by default, a whole number of days that covers the guest subscription window", () => {
  assert.equal(resolveOptions(options(), DEV).guestSubscriptionDays, 30)
  assert.equal(resolveOptions(options({ guest_subscription_days: 1 }), DEV).guestSubscriptionDays, 1)
  assert.equal(resolveOptions(options({ guest_subscription_days: 365 }), DEV).guestSubscriptionDays, 365)
  assert.equal(resolveOptions(options({ guest_subscription_days: 2, guest_subscription_window_hours: 48 }), DEV).guestSubscriptionDays, 2)
  for (const value of [0, -1, 1.5, 366, "30", null]) {
    assert.throws(
      () => resolveOptions(options({ guest_subscription_days: value }), DEV),
      optionError("guest_subscription_days", /whole number from 1 to 365/)
    )
  }
  assert.throws(
    () => resolveOptions(options({ guest_subscription_days: 2, guest_subscription_window_hours: 72 }), DEV),
    optionError("guest_subscription_days", /must cover guest_subscription_window_hours \(72 hours\)/)
  )
})

const eventErrors: Array<[string, unknown, string]> = [
  ["not an object", ["order.placed"], "events"],
  ["null", null, "events"],
  ["bad event name", { "order placed": false }, "events.order placed"],
  ["event neither false nor object", { "order.placed": true }, "events.order.placed"],
  ["unknown audience", { "order.placed": { shopper: false } }, "events.order.placed.shopper"],
  ["override not an object", { "order.placed": { customer: "off" } }, "events.order.placed.customer"],
  ["unknown setting", { "order.placed": { customer: { titel: "x" } } }, "events.order.placed.customer.titel"],
  ["negative ttl", { "order.placed": { customer: { ttl: -1 } } }, "events.order.placed.customer.ttl"],
  ["ttl over 28 days", { "order.placed": { admin: { ttl: 2419201 } } }, "events.order.placed.admin.ttl"],
  ["bad urgency", { "order.placed": { admin: { urgency: "urgent" } } }, "events.order.placed.admin.urgency"],
  ["bad loads", { "order.placed": { admin: { loads: "basket" } } }, "events.order.placed.admin.loads"],
  ["blank title", { "order.placed": { customer: { title: "  " } } }, "events.order.placed.customer.title"],
  ["enabled not boolean", { "order.placed": { customer: { enabled: "no" } } }, "events.order.placed.customer.enabled"],
  ["new event without body", { "product.created": { admin: { title: "New product" } } }, "events.product.created.admin.body"],
]
for (const [name, events, field] of eventErrors) {
  test(`events: ${name} names ${field}`, () => {
    assert.throws(() => resolveOptions(options({ events }), DEV), optionError(field))
  })
}

test("events: false turns an event off; an override changes only what it names", () => {
  const resolved = resolveOptions(
    options({ events: { "order.canceled": false, "order.placed": { customer: { title: "Danke!" }, admin: false } } }),
    DEV
  )
  assert.equal(
    resolved.rules.some((r) => r.event === "order.canceled"),
    false
  )
  const placed = resolved.rules.filter((r) => r.event === "order.placed")
  assert.deepEqual(
    placed.map((r) => r.audience),
    ["customer"]
  )
  const builtIn = EVENT_CATALOGUE.find((e) => e.event === "order.placed" && e.audience === "customer")
  assert.deepEqual(placed[0].template, { ...builtIn?.template, title: "Danke!" })
})

test("link_allowlist: empty by default; host names lower-cased beside the storefront and admin URLs", () => {
  assert.deepEqual(resolveOptions(options(), DEV).links, {
    storefrontUrl: "http://localhost:8000",
    adminUrl: "http://localhost:7001",
    allowedHosts: [],
  })
  const resolved = resolveOptions(
    options({
      storefront_url: "https://shop.dev",
      admin_url: "https://admin.shop.dev",
      link_allowlist: ["Help.Shop.dev", "*.cdn.example"],
    }),
    DEV
  )
  assert.deepEqual(resolved.links, {
    storefrontUrl: "https://shop.dev",
    adminUrl: "https://admin.shop.dev",
    allowedHosts: ["help.shop.dev", "*.cdn.example"],
  })
})

test("link_allowlist refuses anything but a list of host names", () => {
  for (const value of [
    "help.shop.dev",
    [42],
    ["https://help.shop.dev"],
    ["help.shop.dev/x"],
    ["*"],
    ["*.com"],
    ["a..b"],
    ["user@host"],
    [""],
    {},
  ]) {
    assert.throws(
      () => resolveOptions(options({ link_allowlist: value }), DEV),
      optionError("link_allowlist", /host names/),
      JSON.stringify(value)
    )
  }
})

const eventLinkRefusals: Array<[string, Record<string, unknown>, string]> = [
  ["another host", { "order.placed": { customer: { url: "https://evil.example/x" } } }, "events.order.placed.customer.url"],
  ["userinfo", { "order.placed": { admin: { url: "https://localhost:7001@evil.example/" } } }, "events.order.placed.admin.url"],
  ["javascript:", { "order.canceled": { customer: { url: "javascript:alert(1)" } } }, "events.order.canceled.customer.url"],
  ["an icon", { "order.placed": { customer: { icon: "https://evil.example/i.png" } } }, "events.order.placed.customer.icon"],
  ["an image", { "order.placed": { customer: { image: "//evil.example/i.png" } } }, "events.order.placed.customer.image"],
  ["a badge", { "order.placed": { customer: { badge: "https://evil.example/b.png" } } }, "events.order.placed.customer.badge"],
  [
    "a translated link",
    { "order.placed": { customer: { locales: { fr: { url: "https://evil.example/fr" } } } } },
    "events.order.placed.customer.locales.fr.url",
  ],
  [
    "a new event",
    { "gift_card.created": { customer: { title: "Gift", body: "Card", url: "https://evil.example/{{gift_card.id}}" } } },
    "events.gift_card.created.customer.url",
  ],
]
for (const [name, events, field] of eventLinkRefusals) {
  test(`events: a link to ${name} is refused at boot, naming ${field}`, () => {
    assert.throws(
      () => resolveOptions(options({ events }), DEV),
      optionError(field, /link_allowlist|path or an http|user name|another host/)
    )
  })
}

test("events: paths with placeholders, the storefront, the admin and allowlisted hosts are accepted", () => {
  const resolved = resolveOptions(
    options({
      storefront_url: "https://shop.dev",
      admin_url: "https://admin.shop.dev",
      link_allowlist: ["*.carrier.example"],
      events: {
        "order.placed": {
          customer: { url: "/account/orders/{{order.id}}", image: "https://shop.dev/img/{{order.id}}.png" },
          admin: { url: "https://admin.shop.dev/a/orders/{{order.id}}" },
        },
        "order.shipment_created": {
          customer: { url: "https://track.carrier.example/{{order.id}}", locales: { fr: { url: "/fr/commande" } } },
        },
      },
    }),
    DEV
  )
  assert.equal(resolved.rules.find((r) => r.event === "order.shipment_created")?.template.url, "https://track.carrier.example/{{order.id}}")
})

test("click tokens: a 32-byte key derived from the VAPID private key, different for another key", () => {
  const key = resolveOptions(options(), DEV).clickTokenKey
  assert.equal(key.length, 32)
  assert.deepEqual(resolveOptions(options(), DEV).clickTokenKey, key)
  const otherKey = resolveOptions(options({ vapid_public_key: other.publicKey, vapid_private_key: other.privateKey }), DEV).clickTokenKey
  assert.notDeepEqual(otherKey, key)
  assert.ok(!key.toString("base64url").includes(pair.privateKey))
})
test("the retire rule and the push-service pause: documented defaults, refused by name when wrong", () => {
  const resolved = resolveOptions(options(), DEV)
  assert.equal(resolved.retireFailingAfterHours, 72)
  assert.equal(resolved.retireAfterFailures, 3)
  assert.deepEqual(resolved.pushServicePause, { minOutcomes: 10, faultShare: 0.8, baseMs: 300_000, maxMs: 2_400_000 })
  const custom = resolveOptions(options({ retire_after_failures: 5, push_service_pause_threshold: 20, push_service_pause_ms: 60_000 }), DEV)
  assert.equal(custom.retireAfterFailures, 5)
  assert.deepEqual(custom.pushServicePause, { minOutcomes: 20, faultShare: 0.8, baseMs: 60_000, maxMs: 480_000 })
  for (const [option, value] of [
    ["retire_after_failures", 0],
    ["retire_after_failures", 1001],
    ["push_service_pause_threshold", 2.5],
    ["push_service_pause_threshold", "10"],
    ["push_service_pause_ms", 0],
    ["push_service_pause_ms", 86_400_001],
  ] as const) {
    assert.throws(() => resolveOptions(options({ [option]: value }), DEV), optionError(option, /whole number from 1 to/))
  }
})
