import assert from "node:assert/strict"
import { test } from "node:test"
import { buildEventRules } from "../../src/core/catalogue/event-rules"
import { isTimeZone, localeChain, normaliseLocale, pickLocalized } from "../../src/core/templates/locale"
import { isEnabled, templateFor } from "../../src/core/templates/localized-template"
import { resolvePreferenceOptions } from "../../src/core/options/preference-options"
import { PluginOptionsError } from "../../src/core/errors/plugin-errors"

const chains: Array<[string | null, string, string[]]> = [
  ["fr-CA", "en", ["fr-CA", "fr", "en"]],
  ["FR_ca", "en", ["fr-CA", "fr", "en"]],
  ["de", "de", ["de"]],
  [null, "fr", ["fr"]],
  ["zh-Hant-TW", "en", ["zh-Hant-TW", "zh-Hant", "zh", "en"]],
  ["not a tag!", "en", ["en"]],
]
for (const [locale, fallback, chain] of chains) {
  test(`localeChain(${locale}, ${fallback})`, () => assert.deepEqual(localeChain(locale, fallback), chain))
}

test("normaliseLocale and isTimeZone refuse what they do not know", () => {
  assert.equal(normaliseLocale("en-us"), "en-US")
  assert.equal(normaliseLocale("<script>"), undefined)
  assert.ok(isTimeZone("Europe/Paris"))
  assert.ok(!isTimeZone("Mars/Olympus"))
  assert.ok(!isTimeZone(42))
})

test("pickLocalized takes the most specific entry the reader has", () => {
  const texts = { en: "hello", fr: "bonjour", "fr-CA": "allô" }
  assert.equal(pickLocalized(texts, "fr-CA", "en"), "allô")
  assert.equal(pickLocalized(texts, "fr-BE", "en"), "bonjour")
  assert.equal(pickLocalized(texts, "ja", "en"), "hello")
  assert.equal(pickLocalized({ de: "hallo" }, "ja", "en"), undefined)
})

const rules = buildEventRules({
  "order.canceled": { customer: { title: "Cancelled: {{order.display_id}}" } },
  "order.shipment_created": { customer: { locales: { "fr-CA": { title: "Votre commande {{order.display_id}} est partie" } } } },
})
const rule = (event: string) => rules.find((r) => r.event === event && r.audience === "customer")!

test("templateFor: shipped translation, then the locales option, then the admin override, most specific last", () => {
  const shipped = rule("order.shipment_created")
  assert.equal(templateFor(shipped, "de", "en").title, "Bestellung Nr. {{order.display_id}} wurde versandt")
  assert.equal(templateFor(shipped, "fr", "en").title, "Commande n°{{order.display_id}} expédiée")
  assert.equal(templateFor(shipped, "fr-CA", "en").title, "Votre commande {{order.display_id}} est partie")
  assert.match(templateFor(shipped, "fr-CA", "en").body, /^Votre commande est en route/, "other fields fall back to fr")
  assert.equal(templateFor(shipped, "fr-CA", "en", { fr: { title: "Admin FR" }, "fr-CA": { body: "Admin CA" } }).body, "Admin CA")
  assert.equal(templateFor(shipped, "ja", "en").title, "Order #{{order.display_id}} has shipped")
  assert.equal(templateFor(shipped, null, "de").title, "Bestellung Nr. {{order.display_id}} wurde versandt", "the store default language")
})

test("templateFor never hides a store owner's own text behind a shipped translation", () => {
  assert.equal(templateFor(rule("order.canceled"), "fr", "en").title, "Cancelled: {{order.display_id}}")
  assert.match(templateFor(rule("order.canceled"), "fr", "en").body, /^Bonjour/, "untouched fields are still translated")
})

test("isEnabled reads the switch saved for the store language", () => {
  assert.equal(isEnabled({}, "en"), true)
  assert.equal(isEnabled({ en: { enabled: false } }, "en"), false)
  assert.equal(isEnabled({ fr: { enabled: false } }, "en"), true)
})

test("preference options: defaults and errors naming the option", () => {
  const p = resolvePreferenceOptions({})
  assert.deepEqual(p.window, { start: 540, end: 1260 })
  assert.deepEqual(p.categories, ["order_updates", "promotions", "announcements", "cart_reminders"])
  assert.deepEqual(p.heldCategories, ["promotions", "announcements", "cart_reminders"])
  assert.deepEqual(p.frequencyCaps, { promotions: 3, announcements: 3, cart_reminders: 3 })
  assert.equal(p.defaultLocale, "en")
  const bad: Array<[object, string]> = [
    [{ default_locale: "xx_!!" }, "default_locale"],
    [{ delivery_window: { start: "9am", end: "21:00" } }, "delivery_window.start"],
    [{ delivery_window: { start: "09:00", end: "09:00" } }, "delivery_window"],
    [{ frequency_caps: { promotions: -1 } }, "frequency_caps.promotions"],
    [{ categories: ["Bad Name"] }, "categories"],
  ]
  for (const [options, field] of bad) {
    assert.throws(
      () => resolvePreferenceOptions(options),
      (e: unknown) => e instanceof PluginOptionsError && e.field === field,
      field
    )
  }
})

test("the locales option is validated with the path named", () => {
  assert.throws(
    () => buildEventRules({ "order.placed": { customer: { locales: { "fr-ca": { title: "x" } } } } }),
    (e: unknown) => e instanceof PluginOptionsError && e.field === "events.order.placed.customer.locales.fr-ca"
  )
  assert.throws(
    () => buildEventRules({ "order.placed": { customer: { locales: { fr: { ttl: 5 } as never } } } }),
    (e: unknown) => e instanceof PluginOptionsError && e.field === "events.order.placed.customer.locales.fr.ttl"
  )
})
