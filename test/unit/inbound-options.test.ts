import { test } from "node:test"
import assert from "node:assert/strict"
import { PluginOptionsError } from "../../src/core/errors/plugin-errors"
import { generateVapidKeys } from "../../src/core/keys/keys"
import { resolveInboundSources } from "../../src/core/options/inbound-options"
import { linksForEvent, resolveOptions } from "../../src/core/options/plugin-options"

const WHSEC = `whsec_${Buffer.alloc(32, 9).toString("base64")}`
const TOKEN = "t".repeat(43)

test("inbound sources: each an admin event, verified by its provider's signature or a URL token", () => {
  const [chat, crisp, ops, legacy] = resolveInboundSources({
    chat: { provider: "chatwoot", secret: "chatwoot-secret-123" },
    crisp: { provider: "crisp", secret: "crisp-secret-4567890" },
    ops: { secret: WHSEC },
    legacy: { token: TOKEN, roles: ["developer"] },
  })
  assert.equal(chat.event, "inbound.chat")
  assert.equal(chat.verification.kind, "chatwoot-signature")
  assert.equal(chat.baseUrl, "https://app.chatwoot.com", "Chatwoot's cloud when no base_url")
  assert.deepEqual(chat.roles, ["admin", "member"])
  assert.deepEqual(crisp.linkHosts, ["app.crisp.chat"])
  assert.equal(ops.verification.kind, "standard-webhooks")
  assert.deepEqual(ops.roles, ["admin"])
  assert.deepEqual(legacy.verification, { kind: "token", token: TOKEN })
  assert.deepEqual(legacy.roles, ["developer"])
})

for (const [path, value] of [
  ["inbound_sources", ["chat"]],
  ["inbound_sources.Chat Room", { "Chat Room": { secret: WHSEC } }],
  ["inbound_sources.chat", { chat: {} }],
  ["inbound_sources.chat", { chat: { secret: WHSEC, token: TOKEN } }],
  ["inbound_sources.chat.secret", { chat: { secret: "whsec_short" } }],
  ["inbound_sources.chat.secret", { chat: { provider: "chatwoot", secret: "short" } }],
  ["inbound_sources.chat.token", { chat: { token: "too-short" } }],
  ["inbound_sources.chat.provider", { chat: { provider: "intercom", secret: WHSEC } }],
  ["inbound_sources.chat.base_url", { chat: { provider: "chatwoot", secret: "chatwoot-secret-123", base_url: "http://chat.example" } }],
  ["inbound_sources.chat.base_url", { chat: { provider: "crisp", secret: "crisp-secret-4567890", base_url: "https://x.example" } }],
  ["inbound_sources.chat.roles", { chat: { secret: WHSEC, roles: "admin" } }],
  ["inbound_sources.chat.colour", { chat: { secret: WHSEC, colour: "red" } }],
] as const) {
  test(`inbound sources: a bad ${path} is reported by name, never quoting a secret`, () => {
    assert.throws(
      () => resolveInboundSources(value),
      (err: unknown) => err instanceof PluginOptionsError && err.field === path && !err.message.includes("chatwoot-secret-123")
    )
  })
}

test("a chat tool's host is allowed in its own alerts' links only", () => {
  const vapid = generateVapidKeys()
  const options = resolveOptions({
    vapid_public_key: vapid.publicKey,
    vapid_private_key: vapid.privateKey,
    vapid_subject: "mailto:ops@shop.dev",
    inbound_sources: { chat: { provider: "chatwoot", secret: "chatwoot-secret-123", base_url: "https://chat.shop.dev" } },
  })
  assert.ok(linksForEvent(options, "inbound.chat").allowedHosts.includes("chat.shop.dev"))
  assert.ok(linksForEvent(options, "inbound.chat.summary").allowedHosts.includes("chat.shop.dev"))
  assert.ok(!linksForEvent(options, "order.placed").allowedHosts.includes("chat.shop.dev"), "not in customer or other admin links")
  assert.ok(
    options.rules.some((r) => r.event === "inbound.chat" && r.audience === "admin"),
    "the source is an admin event"
  )
})
