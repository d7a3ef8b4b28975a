import { test } from "node:test"
import assert from "node:assert/strict"
import {
  EndpointForbiddenError,
  InvalidSubscriptionError,
  PayloadTooLargeError,
  PluginOptionsError,
  WebPushPluginError,
} from "../../src/core/errors/plugin-errors"

test("WebPushPluginError carries code, field, name and cause", () => {
  const cause = new Error("root")
  const err = new WebPushPluginError("timeout", "took too long", { field: "x", cause })
  assert.ok(err instanceof Error)
  assert.equal(err.name, "WebPushPluginError")
  assert.equal(err.code, "timeout")
  assert.equal(err.field, "x")
  assert.equal(err.cause, cause)
  assert.equal(err.message, "took too long")
})

test("WebPushPluginError without options has no field and no cause", () => {
  const err = new WebPushPluginError("network_error", "down")
  assert.equal(err.field, undefined)
  assert.equal("cause" in err, false)
})

test("PluginOptionsError names the option path in field and message", () => {
  const err = new PluginOptionsError("events.order.placed.customer.ttl", "must be a number")
  assert.ok(err instanceof WebPushPluginError)
  assert.equal(err.name, "PluginOptionsError")
  assert.equal(err.code, "invalid_option")
  assert.equal(err.field, "events.order.placed.customer.ttl")
  assert.equal(err.message, 'medusa-plugin-web-push: option "events.order.placed.customer.ttl" must be a number')
})

test("subclasses have their codes", () => {
  const table: Array<[WebPushPluginError, string, string]> = [
    [new InvalidSubscriptionError("subscription.keys.auth", "bad"), "invalid_subscription", "InvalidSubscriptionError"],
    [new EndpointForbiddenError("ip_literal", "no"), "endpoint_forbidden", "EndpointForbiddenError"],
    [new PayloadTooLargeError(5000, 3072), "payload_too_large", "PayloadTooLargeError"],
  ]
  for (const [err, code, name] of table) {
    assert.equal(err.code, code)
    assert.equal(err.name, name)
  }
})

test("EndpointForbiddenError has a reason and defaults its field", () => {
  const err = new EndpointForbiddenError("host_not_allowed", "nope")
  assert.equal(err.reason, "host_not_allowed")
  assert.equal(err.field, "subscription.endpoint")
})

test("describeError: the plugin's own errors in full, anything else by name and code only", async () => {
  const { describeError } = await import("../../src/core/errors/plugin-errors")
  const { InvalidRequestError } = await import("../../src/core/errors/api-errors")
  const endpoint = "https://fcm.googleapis.com/fcm/send/secret-capability-token"
  // What pg raises through typeorm: the message quotes the values it was given.
  const pgError = Object.assign(
    new Error(
      `duplicate key value violates unique constraint "UQ_push_subscription_endpoint": Key (endpoint)=(${endpoint}) already exists.`
    ),
    {
      name: "QueryFailedError",
      code: "23505",
      detail: `Key (endpoint)=(${endpoint}) already exists.`,
    }
  )
  const cases: Array<[string, unknown, string]> = [
    ["pg error", pgError, "QueryFailedError (23505)"],
    ["plain error", new Error(`connect to ${endpoint} failed`), "Error"],
    ["a name that is itself text", Object.assign(new Error("x"), { name: `boom ${endpoint}` }), "Error"],
    ["a code that is itself text", Object.assign(new Error("x"), { code: endpoint }), "Error"],
    ["a thrown string", endpoint, "Error"],
    ["null", null, "Error"],
    ["plugin error", new PayloadTooLargeError(5000, 3072), "PayloadTooLargeError: push payload is 5000 bytes, limit is 3072"],
    ["api error", new InvalidRequestError("url", "url must stay home"), "InvalidRequestError: url must stay home"],
  ]
  for (const [name, err, expected] of cases) {
    const described = describeError(err)
    assert.equal(described, expected, name)
    assert.ok(!described.includes("secret-capability-token"), `${name}: no endpoint`)
  }
})
