import { test } from "node:test"
import assert from "node:assert/strict"
import { PluginOptionsError } from "../../src/core/errors/plugin-errors"
import { buildEventRules, eventNames } from "../../src/core/catalogue/event-rules"
import { EVENT_CATALOGUE } from "../../src/core/catalogue/default-events"
import { type EventRule, type EventsOption } from "../../src/core/catalogue/event-types"
import { renderTemplate, templateVariables } from "../../src/core/templates/template"

function rule(rules: readonly EventRule[], event: string, audience: string): EventRule | undefined {
  return rules.find((r) => r.event === event && r.audience === audience)
}

test("catalogue has the expected event x audience pairs", () => {
  const pairs = EVENT_CATALOGUE.map((e) => `${e.audience}:${e.event}`).sort()
  assert.deepEqual(pairs, [
    "admin:contact_message.created",
    "admin:order.payment_capture_failed",
    "admin:order.placed",
    "admin:order.return_requested",
    "customer:cart.abandoned",
    "customer:claim.shipment_created",
    "customer:order.canceled",
    "customer:order.placed",
    "customer:order.refund_created",
    "customer:order.shipment_created",
    "customer:product_variant.back_in_stock",
    "customer:product_variant.price_drop",
    "customer:swap.shipment_created",
    "customer:web_push.welcome",
  ])
})

test("product alerts are sent by the plugin itself, never subscribed as store events", () => {
  const names = eventNames(buildEventRules(undefined))
  assert.ok(names.includes("order.placed"))
  assert.ok(!names.includes("product_variant.back_in_stock"))
  assert.ok(!names.includes("product_variant.price_drop"))
})

test("catalogue entries are sane", () => {
  for (const e of EVENT_CATALOGUE) {
    const where = `${e.audience}:${e.event}`
    assert.ok(e.template.title.length > 0 && e.template.body.length > 0, where)
    assert.ok(e.template.url.startsWith("/"), where)
    assert.ok(e.template.ttl > 0 && e.template.ttl <= 2419200, where)
    assert.ok(e.template.tag && e.template.tag.includes("{{"), where)
    if (e.audience === "admin") {
      assert.ok(e.template.url.startsWith("/a/"), where)
      assert.equal(e.category, e.event, `${where}: admins opt into events by name`)
    } else if (e.loads === "cart") {
      assert.equal(e.category, "cart_reminders", `${where}: switched apart from order updates`)
      assert.equal(e.template.urgency, "low", where)
    } else {
      // A product alert is asked for per variant, a welcome answers the reader's own subscription: their categories only let a store hold or cap them.
      const category = e.loads === "product_alert" ? "product_alerts" : e.event === "web_push.welcome" ? "welcome" : "order_updates"
      assert.equal(e.category, category, where)
      assert.equal(e.template.urgency, "normal", where)
    }
  }
  assert.ok(Object.isFrozen(EVENT_CATALOGUE))
  assert.ok(Object.isFrozen(EVENT_CATALOGUE[0].template))
})

test("default templates render sensibly with full and with empty context", () => {
  const full = {
    order: { id: "order_1", display_id: 7, total: "€12.34" },
    customer: { first_name: "Ada", email: "ada@shop.dev" },
    shipment: { tracking_numbers: ["1Z999", "1Z998"] },
    refund: { amount: "€5.00" },
    contact_message: { id: "cm_1", name: "Bob", subject: "Sizes", excerpt: "Do you have XL?" },
  }
  const placed = rule(EVENT_CATALOGUE, "order.placed", "customer")
  assert.ok(placed)
  assert.equal(renderTemplate(placed.template.title, full), "Order #7 confirmed")
  assert.equal(renderTemplate(placed.template.body, full), "Thanks Ada! We received your order of €12.34.")
  assert.equal(renderTemplate(placed.template.body, { order: full.order }), "Thanks! We received your order of €12.34.")
  assert.equal(renderTemplate(placed.template.url, full), "/order/confirmed/order_1")

  const shipped = rule(EVENT_CATALOGUE, "order.shipment_created", "customer")
  assert.ok(shipped)
  assert.equal(shipped.template.ttl, 259200)
  assert.match(renderTemplate(shipped.template.body, full), /Tracking: 1Z999, 1Z998\.$/)
  assert.equal(renderTemplate(shipped.template.body, {}), "Your order is on its way. Tracking: see your order page.")

  const contact = rule(EVENT_CATALOGUE, "contact_message.created", "admin")
  assert.ok(contact)
  assert.equal(renderTemplate(contact.template.title, full), "New message from Bob")
  assert.equal(renderTemplate(contact.template.body, full), "Sizes: Do you have XL?")
  assert.equal(renderTemplate(contact.template.url, full), "/a/contact-messages/cm_1")

  const cart = rule(EVENT_CATALOGUE, "cart.abandoned", "customer")
  assert.ok(cart)
  const items = { cart: { id: "cart_1", item_count: 3, first_item: "Blue scarf" } }
  assert.equal(renderTemplate(cart.template.title, items), "Your cart (3) is waiting")
  assert.equal(renderTemplate(cart.template.title, {}), "Your cart is waiting")
  assert.equal(renderTemplate(cart.template.body, items), "Still thinking about Blue scarf? Your cart is saved for you.")
  assert.equal(renderTemplate(cart.template.url, items), "/cart")

  for (const e of EVENT_CATALOGUE) {
    for (const text of [e.template.title, e.template.body]) {
      const out = renderTemplate(text, {})
      assert.doesNotMatch(out, /undefined|null|\{\{| [,.!?]/, `${e.audience}:${e.event}: ${out}`)
      // Each has a variable, but the welcome's title ("Notifications are on").
      if (text !== e.template.title || e.event !== "web_push.welcome") assert.ok(templateVariables(text).length > 0, `${e.event}: ${text}`)
    }
  }
})

test("buildEventRules without options is the catalogue, as fresh copies", () => {
  const rules = buildEventRules(undefined)
  assert.equal(rules.length, EVENT_CATALOGUE.length)
  assert.deepEqual(
    rules,
    EVENT_CATALOGUE.map((e) => ({ ...e, template: { ...e.template } }))
  )
  rules[0].template.title = "changed"
  assert.notEqual(EVENT_CATALOGUE[0].template.title, "changed")
  assert.deepEqual(buildEventRules({}), buildEventRules(undefined))
})

test("false and enabled:false remove rules", () => {
  const rules = buildEventRules({
    "order.placed": false,
    "order.canceled": { customer: false },
    "order.return_requested": { admin: { enabled: false } },
  })
  assert.equal(rule(rules, "order.placed", "customer"), undefined)
  assert.equal(rule(rules, "order.placed", "admin"), undefined)
  assert.equal(rule(rules, "order.canceled", "customer"), undefined)
  assert.equal(rule(rules, "order.return_requested", "admin"), undefined)
  assert.ok(rule(rules, "order.shipment_created", "customer"))
  assert.ok(!eventNames(rules).includes("order.placed"))
})

test("overrides replace only the given fields", () => {
  const rules = buildEventRules({
    "order.placed": { customer: { title: "Merci !", ttl: 60, urgency: "high", icon: "/icon.png" } },
  })
  const r = rule(rules, "order.placed", "customer")
  assert.ok(r)
  assert.equal(r.template.title, "Merci !")
  assert.equal(r.template.ttl, 60)
  assert.equal(r.template.urgency, "high")
  assert.equal(r.template.icon, "/icon.png")
  assert.equal(r.template.body, rule(EVENT_CATALOGUE, "order.placed", "customer")?.template.body)
  assert.equal(r.loads, "order")
  assert.equal(rule(rules, "order.placed", "admin")?.template.title, "New order #{{order.display_id}}")
})

test("events outside the catalogue get defaults per audience", () => {
  const rules = buildEventRules({
    "gift_card.created": { customer: { title: "A gift!", body: "You got a gift card." } },
    "product.updated": { admin: { title: "Product changed", body: "{{product.title}}", loads: "none", url: "/a/products" } },
  })
  assert.deepEqual(rule(rules, "gift_card.created", "customer"), {
    event: "gift_card.created",
    audience: "customer",
    loads: "none",
    category: "order_updates",
    template: { title: "A gift!", body: "You got a gift card.", url: "/", ttl: 86400, urgency: "normal" },
    locales: {},
  })
  assert.equal(rule(rules, "product.updated", "admin")?.category, "product.updated")
  assert.equal(rule(rules, "product.updated", "admin")?.template.url, "/a/products")
  assert.deepEqual(eventNames(rules).slice(-2), ["gift_card.created", "product.updated"])
})

test("a disabled unknown event needs no title", () => {
  assert.equal(buildEventRules({ "x.y": { admin: { enabled: false } } }).length, EVENT_CATALOGUE.length)
})

test("eventNames is unique and ordered", () => {
  const names = eventNames(buildEventRules(undefined))
  assert.equal(new Set(names).size, names.length)
  assert.equal(names[0], "order.placed")
  assert.ok(names.includes("contact_message.created"))
})

const invalid: Array<[string, unknown, string, RegExp]> = [
  ["events not an object", "yes", "events", /must be an object/],
  ["events an array", [], "events", /must be an object/],
  ["event value true", { "order.placed": true }, "events.order.placed", /must be false or an object/],
  ["bad event name", { "order placed": false }, "events.order placed", /not a valid event name/],
  ["unknown audience", { "order.placed": { staff: {} } }, "events.order.placed.staff", /not an audience/],
  ["audience value true", { "order.placed": { admin: true } }, "events.order.placed.admin", /must be false or an object/],
  ["unknown setting", { "order.placed": { admin: { titel: "x" } } }, "events.order.placed.admin.titel", /not a known setting/],
  [
    "ttl string",
    { "order.placed": { customer: { ttl: "60" } } },
    "events.order.placed.customer.ttl",
    /whole number of seconds from 0 to 2419200, got "60"/,
  ],
  ["ttl negative", { "order.placed": { customer: { ttl: -1 } } }, "events.order.placed.customer.ttl", /whole number/],
  ["ttl fractional", { "order.placed": { customer: { ttl: 1.5 } } }, "events.order.placed.customer.ttl", /whole number/],
  ["ttl too large", { "order.placed": { customer: { ttl: 2419201 } } }, "events.order.placed.customer.ttl", /2419200/],
  [
    "urgency",
    { "order.placed": { customer: { urgency: "urgent" } } },
    "events.order.placed.customer.urgency",
    /very-low, low, normal, high/,
  ],
  ["loads", { "order.placed": { customer: { loads: "basket" } } }, "events.order.placed.customer.loads", /must be one of order/],
  ["enabled", { "order.placed": { customer: { enabled: "no" } } }, "events.order.placed.customer.enabled", /true or false/],
  ["title number", { "order.placed": { customer: { title: 5 } } }, "events.order.placed.customer.title", /non-empty string/],
  ["body empty", { "order.placed": { admin: { body: "  " } } }, "events.order.placed.admin.body", /non-empty string/],
  ["url null", { "order.placed": { admin: { url: null } } }, "events.order.placed.admin.url", /got null/],
  [
    "unknown event without title",
    { "gift_card.created": { customer: { body: "b" } } },
    "events.gift_card.created.customer.title",
    /is required: "gift_card.created" is not in the built-in catalogue/,
  ],
  ["unknown event without body", { "gift_card.created": { admin: { title: "t" } } }, "events.gift_card.created.admin.body", /is required/],
]
for (const [name, events, field, message] of invalid) {
  test(`buildEventRules refuses ${name}`, () => {
    assert.throws(
      () => buildEventRules(events as EventsOption),
      (err: unknown) => {
        assert.ok(err instanceof PluginOptionsError)
        assert.equal(err.field, field)
        assert.ok(err.message.startsWith(`medusa-plugin-web-push: option "${field}" `), err.message)
        assert.match(err.message, message)
        return true
      }
    )
  })
}
