/**
 * Every notification the plugin ships, as a device receives it, is a Declarative Web Push message
 * a browser would show by itself (Safari 18.4+): each event and audience of the catalogue (with an
 * inbound chat source, whose alerts link to the chat tool), a broadcast and an admin's test push,
 * in every shipped language and in languages that fall back, with full and with empty context,
 * with and without `backend_url`, first sends and repeats. Checked by the format's own rules
 * (test/support/declarative-push-rules.ts), not by the builder's.
 */
import assert from "node:assert/strict"
import { describe, it } from "node:test"
import type { EventRule } from "../../src/core/catalogue/event-types"
import { generateVapidKeys } from "../../src/core/keys/keys"
import { linksForEvent, resolveOptions, ResolvedOptions } from "../../src/core/options/plugin-options"
import { clickTokenMatches } from "../../src/core/security/click-token"
import { linkBase } from "../../src/core/templates/link-policy"
import { templateFor } from "../../src/core/templates/localized-template"
import { renderNotification } from "../../src/core/templates/notification-builder"
import { templateVariables } from "../../src/core/templates/template"
import type { TemplateContext } from "../../src/core/templates/template-context"
import { SHIPPED_LOCALES, TRANSLATIONS } from "../../src/core/templates/translations"
import { devicePayload, PayloadMessage } from "../../src/delivery/device-payload"
import { declarativeProblems } from "../support/declarative-push-rules"

const vapid = generateVapidKeys()
const base = {
  vapid_public_key: vapid.publicKey,
  vapid_private_key: vapid.privateKey,
  vapid_subject: "mailto:ops@teststore.dev",
  storefront_url: "https://shop.example",
  admin_url: "https://admin.shop.example",
  default_icon: "https://shop.example/icon-192.png",
  inbound_sources: { chat: { provider: "chatwoot", secret: "chatwoot-secret-123", base_url: "https://chat.shop.example" } },
}
const withBackend = resolveOptions({ ...base, backend_url: "https://api.shop.example" })
const withoutBackend = resolveOptions(base)
const siteOrigins = ["https://shop.example", "https://admin.shop.example"]

/** A context with a sample value at every placeholder any shipped template uses. */
function sampleContext(rules: readonly EventRule[]): TemplateContext {
  const texts = rules.flatMap((r) => [r.template.title, r.template.body, r.template.url, r.template.tag ?? ""])
  for (const byEvent of Object.values(TRANSLATIONS)) for (const t of Object.values(byEvent)) if (t) texts.push(t.title, t.body)
  const context: Record<string, unknown> = {}
  for (const path of new Set(texts.flatMap(templateVariables))) {
    const parts = path.split(".")
    let node = context
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>
    node[parts[parts.length - 1]] = `${parts[parts.length - 1]} 1042`
  }
  return context
}

/** A message as the plugin stores it: the rendering per shipped language, and the store's default. */
function storedMessage(rule: EventRule, options: ResolvedOptions, context: TemplateContext): PayloadMessage {
  const render = (locale: string) =>
    renderNotification(templateFor(rule, locale, options.preferences.defaultLocale), context, {
      baseUrl: linkBase(rule.audience, options.links),
      links: linksForEvent(options, rule.event),
      icon: options.defaultIcon,
      badge: options.defaultBadge,
    })
  return {
    id: "pushmsg_01JCONFORMANCE",
    audience: rule.audience,
    created_at: new Date("2026-11-30T12:00:00Z"),
    payload: { ...render(options.preferences.defaultLocale) },
    localized_payloads: Object.fromEntries(SHIPPED_LOCALES.map((l) => [l, { ...render(l) }])),
    context_locale: null,
  }
}

/** What an admin composes: one text, no language of its own. */
const composed = (audience: string, url: string): PayloadMessage => ({
  id: "pushmsg_01JCOMPOSED",
  audience,
  created_at: "2026-11-30T12:00:00.000Z",
  payload: { title: "Winter sale: 20% off everything", body: "Until Sunday, in every size.", url, tag: "broadcast-1" },
  localized_payloads: null,
  context_locale: null,
})

const DEVICE_LOCALES = [...SHIPPED_LOCALES, "pt-BR", "ar", null]

describe("every shipped notification is a declarative push message a browser shows by itself", () => {
  const rules = withBackend.rules
  const full = sampleContext(rules)

  it("covers the whole catalogue, the inbound chat source and both audiences", () => {
    const audiences = new Set(rules.map((r) => r.audience))
    assert.ok(audiences.has("customer") && audiences.has("admin"))
    assert.ok(rules.some((r) => r.event === "inbound.chat"))
    assert.ok(rules.length >= 15, `${rules.length} rules`)
  })

  for (const [name, options] of [
    ["with backend_url", withBackend],
    ["without backend_url", withoutBackend],
  ] as const) {
    it(`${name}: every event, audience and language, full and empty context, first sends and repeats`, () => {
      let checked = 0
      for (const rule of options.rules) {
        for (const context of [full, {}]) {
          const message = storedMessage(rule, options, context)
          for (const locale of DEVICE_LOCALES) {
            for (const repeat of [false, true]) {
              const delivery = { id: "pushdel_01JCONFORMANCE", locale, repeat }
              const json = devicePayload(message, delivery, options)
              const where = `${rule.audience}:${rule.event} ${locale ?? "(no locale)"} repeat=${repeat}`
              assert.deepEqual(declarativeProblems(json, { siteOrigins }), [], where)
              const {
                notification: n,
                url,
                mutable,
              } = JSON.parse(json) as { notification: Record<string, unknown>; url: string; mutable?: boolean }
              // The language the text is in (a shipped one, else the store's), its direction.
              const expected = locale && (SHIPPED_LOCALES as readonly string[]).includes(locale) ? locale : "en"
              assert.equal(n.lang, expected, where)
              assert.equal(n.dir, "ltr", where)
              assert.equal(n.mutable, repeat || !options.backendUrl ? true : undefined, where)
              assert.equal(mutable, n.mutable, `${where}: mutable beside the notification too`)
              if (options.backendUrl) {
                const link = new URL(n.navigate as string)
                assert.equal(link.origin + link.pathname, "https://api.shop.example/store/push/clicks/pushdel_01JCONFORMANCE", where)
                assert.ok(clickTokenMatches(delivery.id, link.searchParams.get("t") ?? "", options.clickTokenKey), where)
              } else {
                assert.equal(n.navigate, url, `${where}: the notification's own link`)
              }
              checked++
            }
          }
        }
      }
      assert.ok(checked >= options.rules.length * 2 * DEVICE_LOCALES.length * 2)
    })
  }

  it("a broadcast and an admin's test push: no language of their own, direction left to the browser", () => {
    for (const options of [withBackend, withoutBackend]) {
      for (const message of [
        composed("broadcast", "https://shop.example/sale"),
        composed("test", "https://admin.shop.example/a/settings"),
      ]) {
        const json = devicePayload(message, { id: "pushdel_01JCOMPOSED", locale: "ar", repeat: false }, options)
        assert.deepEqual(declarativeProblems(json, { siteOrigins }), [])
        const { notification: n } = JSON.parse(json) as { notification: Record<string, unknown> }
        assert.equal(n.lang, undefined)
        assert.equal(n.dir, "auto")
      }
    }
  })

  it("a template in a right-to-left language is marked rtl", () => {
    const rule = rules.find((r) => r.event === "order.placed" && r.audience === "customer") as EventRule
    const arabic = { ...rule, locales: { ar: { title: "تم تأكيد الطلب {{order.display_id}}", body: "شكرا لك" } } }
    const message = storedMessage(arabic, withBackend, full)
    message.localized_payloads = { ...message.localized_payloads, ar: { ...message.payload, title: "تم تأكيد الطلب", body: "شكرا لك" } }
    const json = devicePayload(message, { id: "pushdel_01JRTL", locale: "ar-EG", repeat: false }, withBackend)
    assert.deepEqual(declarativeProblems(json, { siteOrigins }), [])
    const { notification: n } = JSON.parse(json) as { notification: Record<string, unknown> }
    assert.equal(n.lang, "ar")
    assert.equal(n.dir, "rtl")
  })

  it("the rules themselves refuse what a browser would refuse", () => {
    const good = { web_push: 8030, notification: { title: "Hi", navigate: "https://shop.example/" } }
    assert.deepEqual(declarativeProblems(JSON.stringify(good), { siteOrigins }), [])
    const bad: Array<[string, unknown]> = [
      ["web_push", { ...good, web_push: 9001 }],
      ["notification must be", { web_push: 8030 }],
      ["title", { ...good, notification: { navigate: "https://shop.example/" } }],
      ["title", { ...good, notification: { ...good.notification, title: "" } }],
      ["navigate is required", { ...good, notification: { title: "Hi" } }],
      ["navigate must be an absolute", { ...good, notification: { ...good.notification, navigate: "/relative" } }],
      ["navigate must be https", { ...good, notification: { ...good.notification, navigate: "http://evil.example/" } }],
      ["dir", { ...good, notification: { ...good.notification, dir: "up" } }],
      ["renotify needs", { ...good, notification: { ...good.notification, renotify: true } }],
      ["silent", { ...good, notification: { ...good.notification, silent: "yes" } }],
      ["mutable", { ...good, notification: { ...good.notification, mutable: 1 } }],
      ["lang", { ...good, notification: { ...good.notification, lang: "not a tag!" } }],
      ["timestamp", { ...good, notification: { ...good.notification, timestamp: -1 } }],
      ["not a notification member", { ...good, notification: { ...good.notification, naviagte: "https://shop.example/" } }],
      ["app_badge", { ...good, app_badge: "3" }],
      ["mutable must be", { ...good, mutable: "true" }],
    ]
    for (const [problem, message] of bad) {
      const problems = declarativeProblems(JSON.stringify(message), { siteOrigins })
      assert.ok(
        problems.some((p) => p.includes(problem)),
        `${problem}: ${problems.join("; ")}`
      )
    }
  })
})
