import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createECDH } from 'node:crypto'
import { checkEndpointSyntax, DEFAULT_PUSH_HOSTS } from '../../src/core/endpoint-policy'
import { EndpointForbiddenError, PluginOptionsError } from '../../src/core/errors'
import { EVENT_CATALOGUE } from '../../src/core/event-catalogue'
import { resolveOptions } from '../../src/core/plugin-options'

/** A real VAPID pair, unpadded base64url, the private scalar left-padded to 32 bytes. */
function vapidPair(): { publicKey: string; privateKey: string } {
  const ecdh = createECDH('prime256v1')
  ecdh.generateKeys()
  const priv = ecdh.getPrivateKey()
  const padded = Buffer.concat([Buffer.alloc(32 - priv.length), priv])
  return { publicKey: ecdh.getPublicKey('base64url'), privateKey: padded.toString('base64url') }
}

const pair = vapidPair()
const other = vapidPair()
const SUBJECT = 'mailto:ops@teststore.dev'
const DEV = { NODE_ENV: 'development' }
const PROD = { NODE_ENV: 'production' }

function options(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { vapid_public_key: pair.publicKey, vapid_private_key: pair.privateKey, vapid_subject: SUBJECT, ...extra }
}

/** A PluginOptionsError for `field` whose message names the option. */
function optionError(field: string, message?: RegExp) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof PluginOptionsError, `expected PluginOptionsError, got ${String(err)}`)
    assert.equal(err.field, field)
    assert.equal(err.code, 'invalid_option')
    assert.ok(err.message.includes(`option "${field}"`), err.message)
    if (message) assert.match(err.message, message)
    return true
  }
}

test('the three VAPID settings alone give the documented defaults', () => {
  const resolved = resolveOptions(options(), DEV)
  assert.deepEqual(resolved.vapid, { subject: SUBJECT, publicKey: pair.publicKey, privateKey: pair.privateKey })
  assert.equal(resolved.storefrontUrl, 'http://localhost:8000')
  assert.equal(resolved.adminUrl, 'http://localhost:7001')
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

test('padded base64url keys are accepted and normalised; `resolve` (added by Medusa) is tolerated', () => {
  const resolved = resolveOptions(
    options({ vapid_public_key: `${pair.publicKey}=`, resolve: 'medusa-plugin-web-push' }),
    DEV,
  )
  assert.equal(resolved.vapid.publicKey, pair.publicKey)
})

test('options that are not an object are refused', () => {
  for (const raw of [undefined, null, [], 'keys', 42]) {
    assert.throws(() => resolveOptions(raw, DEV), optionError('options', /vapid_public_key/), String(raw))
  }
})

const vapidRefusals: Array<[string, Record<string, unknown>, string, RegExp]> = [
  ['public key missing', { vapid_public_key: undefined }, 'vapid_public_key', /is required/],
  ['public key empty', { vapid_public_key: '' }, 'vapid_public_key', /is required/],
  ['public key not a string', { vapid_public_key: 42 }, 'vapid_public_key', /is required/],
  ['public key standard base64', { vapid_public_key: 'ab+/cd==' }, 'vapid_public_key', /base64url/],
  ['public key too short', { vapid_public_key: pair.privateKey }, 'vapid_public_key', /65-byte/],
  ['private key missing', { vapid_private_key: undefined }, 'vapid_private_key', /is required/],
  ['private key wrong length', { vapid_private_key: Buffer.alloc(31, 1).toString('base64url') }, 'vapid_private_key', /32-byte/],
  ['private key zero', { vapid_private_key: Buffer.alloc(32).toString('base64url') }, 'vapid_private_key', /not a valid/],
  ['keys from two pairs', { vapid_private_key: other.privateKey }, 'vapid_private_key', /does not match vapid_public_key/],
  ['subject missing', { vapid_subject: undefined }, 'vapid_subject', /is required/],
  ['subject bare address', { vapid_subject: 'ops@teststore.dev' }, 'vapid_subject', /mailto:/],
  ['subject placeholder domain', { vapid_subject: 'mailto:me@example.com' }, 'vapid_subject', /placeholder/],
  ['subject localhost url', { vapid_subject: 'https://localhost' }, 'vapid_subject', /./],
  ['subject http url', { vapid_subject: 'http://teststore.dev' }, 'vapid_subject', /https:/],
]
for (const [name, extra, field, message] of vapidRefusals) {
  test(`VAPID settings: refuses ${name}`, () => {
    assert.throws(() => resolveOptions(options(extra), DEV), optionError(field, message))
  })
}

test('an unknown option is refused by name, before anything else is checked', () => {
  for (const key of ['vapid_publickey', 'storefrontUrl', 'timeout']) {
    assert.throws(() => resolveOptions(options({ [key]: 'x' }), DEV), optionError(key, /is not an option of this plugin/))
  }
  // even when the VAPID keys are missing, the typo is what gets reported
  assert.throws(() => resolveOptions({ vapidPublicKey: pair.publicKey }, DEV), optionError('vapidPublicKey'))
})

test('allow_loopback_endpoints is honoured outside production and refused in production', () => {
  for (const env of [DEV, { NODE_ENV: 'test' }, {}]) {
    const resolved = resolveOptions(options({ allow_loopback_endpoints: true }), env)
    assert.equal(resolved.endpointPolicy.allowLoopback, true, JSON.stringify(env))
    assert.ok(checkEndpointSyntax('https://localhost:8443/push/1', resolved.endpointPolicy))
  }
  assert.throws(
    () => resolveOptions(options({ allow_loopback_endpoints: true }), PROD),
    optionError('allow_loopback_endpoints', /NODE_ENV=production/),
  )
  // false is fine in production, and the default refuses loopback endpoints
  const prod = resolveOptions(options({ allow_loopback_endpoints: false }), PROD)
  assert.equal(prod.endpointPolicy.allowLoopback, false)
  assert.throws(() => checkEndpointSyntax('https://localhost:8443/push/1', prod.endpointPolicy), EndpointForbiddenError)
  for (const value of ['true', 1, 'yes']) {
    assert.throws(
      () => resolveOptions(options({ allow_loopback_endpoints: value }), DEV),
      optionError('allow_loopback_endpoints', /true or false/),
      String(value),
    )
  }
})

const urlCases: Array<[string, string, unknown, keyof ReturnType<typeof resolveOptions> | undefined, string | RegExp]> = [
  // [name, option, value, resolved key, expected value (string) or error message (RegExp)]
  ['storefront with a path and trailing slash', 'storefront_url', 'https://shop.com/de/', 'storefrontUrl', 'https://shop.com/de'],
  ['storefront bare origin', 'storefront_url', 'https://shop.com', 'storefrontUrl', 'https://shop.com'],
  ['admin on http', 'admin_url', 'http://admin.shop.local:7001/', 'adminUrl', 'http://admin.shop.local:7001'],
  ['icon', 'default_icon', 'https://cdn.shop.com/icon-192.png', 'defaultIcon', 'https://cdn.shop.com/icon-192.png'],
  ['badge', 'default_badge', 'https://cdn.shop.com/badge.png', 'defaultBadge', 'https://cdn.shop.com/badge.png'],
  ['storefront without scheme', 'storefront_url', 'shop.com', undefined, /absolute http\(s\) URL/],
  ['storefront relative', 'storefront_url', '/de', undefined, /absolute http\(s\) URL/],
  ['storefront ftp', 'storefront_url', 'ftp://shop.com', undefined, /http\(s\) URL/],
  ['storefront javascript', 'storefront_url', 'javascript:alert(1)', undefined, /http\(s\) URL/],
  ['admin not a string', 'admin_url', 7001, undefined, /URL string/],
  ['icon relative', 'default_icon', '/icon.png', undefined, /absolute http\(s\) URL/],
  ['badge not a string', 'default_badge', true, undefined, /URL string/],
]
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

test('endpoint_allowlist is added to the built-in push services, lower-cased', () => {
  const resolved = resolveOptions(options({ endpoint_allowlist: ['push.Example-Push.net', '*.example-push.com'] }), DEV)
  assert.deepEqual(resolved.endpointPolicy.allowedHosts, [...DEFAULT_PUSH_HOSTS, 'push.example-push.net', '*.example-push.com'])
  for (const endpoint of [
    'https://fcm.googleapis.com/fcm/send/x',
    'https://push.example-push.net/x',
    'https://eu.example-push.com/x',
  ]) {
    assert.ok(checkEndpointSyntax(endpoint, resolved.endpointPolicy), endpoint)
  }
  assert.throws(() => checkEndpointSyntax('https://example-push.com/x', resolved.endpointPolicy), EndpointForbiddenError)
  assert.deepEqual(resolveOptions(options({ endpoint_allowlist: [] }), DEV).endpointPolicy.allowedHosts, [...DEFAULT_PUSH_HOSTS])
})

test('endpoint_allowlist refuses anything but a list of host names', () => {
  for (const value of ['push.example.net', ['https://push.example.net'], ['push.example.net:443'], ['push example'], [42], {}]) {
    assert.throws(
      () => resolveOptions(options({ endpoint_allowlist: value }), DEV),
      optionError('endpoint_allowlist', /host names/),
      JSON.stringify(value),
    )
  }
})

const numberCases: Array<[string, unknown, number | undefined]> = [
  // [option, value, accepted value or undefined for refused]
  ['request_timeout_ms', 1, 1],
  ['request_timeout_ms', 120_000, 120_000],
  ['request_timeout_ms', 0, undefined],
  ['request_timeout_ms', -5, undefined],
  ['request_timeout_ms', 1.5, undefined],
  ['request_timeout_ms', 120_001, undefined],
  ['request_timeout_ms', '5000', undefined],
  ['request_timeout_ms', Number.NaN, undefined],
  ['request_timeout_ms', Number.POSITIVE_INFINITY, undefined],
  ['concurrency', 1, 1],
  ['concurrency', 1000, 1000],
  ['concurrency', 0, undefined],
  ['concurrency', 1001, undefined],
  ['concurrency', 2.5, undefined],
  ['concurrency', null, undefined],
]
for (const [option, value, accepted] of numberCases) {
  test(`${option} = ${String(value)} is ${accepted === undefined ? 'refused' : 'accepted'}`, () => {
    if (accepted === undefined) {
      assert.throws(() => resolveOptions(options({ [option]: value }), DEV), optionError(option, /whole number from 1 to/))
    } else {
      const resolved = resolveOptions(options({ [option]: value }), DEV)
      assert.equal(option === 'concurrency' ? resolved.concurrency : resolved.requestTimeoutMs, accepted)
    }
  })
}

const eventErrors: Array<[string, unknown, string]> = [
  ['not an object', ['order.placed'], 'events'],
  ['null', null, 'events'],
  ['bad event name', { 'order placed': false }, 'events.order placed'],
  ['event neither false nor object', { 'order.placed': true }, 'events.order.placed'],
  ['unknown audience', { 'order.placed': { shopper: false } }, 'events.order.placed.shopper'],
  ['override not an object', { 'order.placed': { customer: 'off' } }, 'events.order.placed.customer'],
  ['unknown setting', { 'order.placed': { customer: { titel: 'x' } } }, 'events.order.placed.customer.titel'],
  ['negative ttl', { 'order.placed': { customer: { ttl: -1 } } }, 'events.order.placed.customer.ttl'],
  ['ttl over 28 days', { 'order.placed': { admin: { ttl: 2419201 } } }, 'events.order.placed.admin.ttl'],
  ['bad urgency', { 'order.placed': { admin: { urgency: 'urgent' } } }, 'events.order.placed.admin.urgency'],
  ['bad loads', { 'order.placed': { admin: { loads: 'cart' } } }, 'events.order.placed.admin.loads'],
  ['blank title', { 'order.placed': { customer: { title: '  ' } } }, 'events.order.placed.customer.title'],
  ['enabled not boolean', { 'order.placed': { customer: { enabled: 'no' } } }, 'events.order.placed.customer.enabled'],
  ['new event without body', { 'product.created': { admin: { title: 'New product' } } }, 'events.product.created.admin.body'],
]
for (const [name, events, field] of eventErrors) {
  test(`events: ${name} names ${field}`, () => {
    assert.throws(() => resolveOptions(options({ events }), DEV), optionError(field))
  })
}

test('events: false turns an event off; an override changes only what it names', () => {
  const resolved = resolveOptions(
    options({ events: { 'order.canceled': false, 'order.placed': { customer: { title: 'Danke!' }, admin: false } } }),
    DEV,
  )
  assert.equal(resolved.rules.some((r) => r.event === 'order.canceled'), false)
  const placed = resolved.rules.filter((r) => r.event === 'order.placed')
  assert.deepEqual(placed.map((r) => r.audience), ['customer'])
  const builtIn = EVENT_CATALOGUE.find((e) => e.event === 'order.placed' && e.audience === 'customer')
  assert.deepEqual(placed[0].template, { ...builtIn?.template, title: 'Danke!' })
})

test('the retire rule and the push-service pause: documented defaults, refused by name when wrong', () => {
  const resolved = resolveOptions(options(), DEV)
  assert.equal(resolved.retireFailingAfterHours, 72)
  assert.equal(resolved.retireAfterFailures, 3)
  assert.deepEqual(resolved.pushServicePause, { minOutcomes: 10, faultShare: 0.8, baseMs: 300_000, maxMs: 2_400_000 })
  const custom = resolveOptions(options({ retire_after_failures: 5, push_service_pause_threshold: 20, push_service_pause_ms: 60_000 }), DEV)
  assert.equal(custom.retireAfterFailures, 5)
  assert.deepEqual(custom.pushServicePause, { minOutcomes: 20, faultShare: 0.8, baseMs: 60_000, maxMs: 480_000 })
  for (const [option, value] of [
    ['retire_after_failures', 0],
    ['retire_after_failures', 1001],
    ['push_service_pause_threshold', 2.5],
    ['push_service_pause_threshold', '10'],
    ['push_service_pause_ms', 0],
    ['push_service_pause_ms', 86_400_001],
  ] as const) {
    assert.throws(() => resolveOptions(options({ [option]: value }), DEV), optionError(option, /whole number from 1 to/))
  }
})
