import { test } from "node:test"
import assert from "node:assert/strict"
import { InvalidRequestError } from "../../src/core/errors/api-errors"
import { checkEndpoint, createEndpointPolicy, type HostResolver } from "../../src/core/security/endpoint-policy"
import { EndpointForbiddenError, PluginOptionsError } from "../../src/core/errors/plugin-errors"
import { generateVapidKeys } from "../../src/core/keys/keys"
import { resolveOptions } from "../../src/core/options/plugin-options"
import { parseContactMessageBody, parseEndpointProof } from "../../src/api/validation/request-validation"

const vapid = generateVapidKeys()
const base = { vapid_public_key: vapid.publicKey, vapid_private_key: vapid.privateKey, vapid_subject: "mailto:ops@shop.dev" }
const AUTH = Buffer.alloc(16, 7).toString("base64url")

test("hardening options: defaults", () => {
  const o = resolveOptions(base)
  assert.deepEqual(o.rateLimits, {
    subscribe: { limit: 10, windowMs: 60_000 },
    contact: { limit: 5, windowMs: 3_600_000 },
    click: { limit: 60, windowMs: 60_000 },
    preferences: { limit: 20, windowMs: 60_000 },
    unsubscribe: { limit: 20, windowMs: 60_000 },
    inbound: { limit: 120, windowMs: 60_000 },
  })
  assert.equal(o.trustProxy, 1, "Medusa's own `trust proxy`")
  assert.equal(o.maxDevicesPerOwner, 10)
  assert.equal(o.guestSubscriptionWindowHours, 24)
  assert.deepEqual(o.adminAlerts.policyFor("contact_message.created"), { limit: 3, windowMs: 600_000 })
  assert.deepEqual(o.adminAlerts.policyFor("order.placed"), { limit: 5, windowMs: 600_000 })
})

test("hardening options: set", () => {
  const o = resolveOptions({
    ...base,
    rate_limits: { subscribe_per_minute: 30 },
    max_devices_per_owner: 3,
    guest_subscription_window_hours: 2,
    contact_alert_limit: 1,
    contact_alert_window_minutes: 60,
  })
  assert.deepEqual(o.rateLimits.subscribe, { limit: 30, windowMs: 60_000 })
  assert.equal(o.rateLimits.contact.limit, 5, "an unset limit keeps its default")
  assert.equal(o.maxDevicesPerOwner, 3)
  assert.equal(o.guestSubscriptionWindowHours, 2)
  assert.deepEqual(o.adminAlerts.policyFor("contact_message.created"), { limit: 1, windowMs: 3_600_000 })
})

const badOptions: Array<[string, Record<string, unknown>]> = [
  ["rate_limits", { rate_limits: 10 }],
  ["rate_limits", { rate_limits: null }],
  ["rate_limits.per_second", { rate_limits: { per_second: 1 } }],
  ["rate_limits.subscribe_per_minute", { rate_limits: { subscribe_per_minute: 0 } }],
  ["rate_limits.contact_per_hour", { rate_limits: { contact_per_hour: 1.5 } }],
  ["max_devices_per_owner", { max_devices_per_owner: -1 }],
  ["guest_subscription_window_hours", { guest_subscription_window_hours: "24" }],
  ["contact_alert_limit", { contact_alert_limit: 0 }],
  ["contact_alert_window_minutes", { contact_alert_window_minutes: 1e9 }],
]
for (const [name, extra] of badOptions) {
  test(`hardening options: a bad ${name} is reported by name`, () => {
    assert.throws(
      () => resolveOptions({ ...base, ...extra }),
      (err: unknown) => err instanceof PluginOptionsError && err.field === name && err.message.includes(`"${name}"`)
    )
  })
}

test("an endpoint proof must be an https URL: nothing else reaches a query", () => {
  for (const endpoint of [
    "a\u0000b",
    "not a url",
    "http://fcm.googleapis.com/x",
    "javascript:alert(1)",
    `https://fcm.googleapis.com/${"a".repeat(2048)}`,
  ]) {
    assert.throws(
      () => parseEndpointProof({ endpoint, auth: AUTH }),
      (err: unknown) => err instanceof InvalidRequestError && err.field === "endpoint",
      JSON.stringify(endpoint.slice(0, 40))
    )
  }
  assert.equal(parseEndpointProof({ endpoint: "https://fcm.googleapis.com/fcm/send/x", auth: AUTH }).auth, AUTH)
})

const contact = { name: "Ada", email: "ada@shop.dev", message: "Hello" }
test("contact messages: an e-mail address with control characters is refused, not repaired", () => {
  for (const email of ["ada\u0000@shop.dev", "ada@shop\u200b.dev", "ad\u202ea@shop.dev", "ada@shop.dev\r\nBcc: x@y.dev"]) {
    assert.throws(
      () => parseContactMessageBody({ ...contact, email }),
      (err: unknown) => err instanceof InvalidRequestError && err.field === "email",
      JSON.stringify(email)
    )
  }
})

test("contact messages: control, bidi and invisible characters are stripped from text", () => {
  const parsed = parseContactMessageBody({
    ...contact,
    name: "A\u0000d\u202ea\u200b\ufeff",
    subject: "line\u2028break\nhere",
    message: "keep\nnew lines\u0007 and \u{1F468}\u200D\u{1F469} emoji",
  })
  assert.equal(parsed.name, "Ada")
  assert.equal(parsed.subject, "linebreak here")
  assert.equal(parsed.message, "keep\nnew lines and \u{1F468}\u200D\u{1F469} emoji")
})

const FCM = "https://fcm.googleapis.com/fcm/send/x"
const failing =
  (code: string): HostResolver =>
  async () => {
    throw Object.assign(new Error(`getaddrinfo ${code}`), { code, syscall: "getaddrinfo" })
  }
test("checkEndpoint: a name that does not exist is refused as unresolvable; passing DNS failures propagate", async () => {
  const policy = createEndpointPolicy()
  for (const code of ["ENOTFOUND", "ENODATA"]) {
    await assert.rejects(
      checkEndpoint(FCM, policy, failing(code)),
      (err: unknown) => err instanceof EndpointForbiddenError && err.reason === "unresolvable"
    )
  }
  await assert.rejects(
    checkEndpoint(FCM, policy, failing("EAI_AGAIN")),
    (err: unknown) => !(err instanceof EndpointForbiddenError) && (err as NodeJS.ErrnoException).code === "EAI_AGAIN"
  )
})
