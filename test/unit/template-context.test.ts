import { resolveInboundSources } from "../../src/core/options/inbound-options"
import { inboundCatalogueEntries } from "../../src/core/catalogue/inbound-events"
import { test } from "node:test"
import assert from "node:assert/strict"
import { EVENT_CATALOGUE } from "../../src/core/catalogue/default-events"
import { type CatalogueEntry, type ResourceKind } from "../../src/core/catalogue/event-types"
import { formatMoney } from "../../src/core/templates/money"
import { productAlertContext } from "../../src/core/catalogue/product-alerts"
import { renderNotification } from "../../src/core/templates/notification-builder"
import {
  cartContext,
  contactMessageContext,
  customerContext,
  inboundAlertContext,
  eventDataContext,
  excerpt,
  orderContext,
  shipmentContext,
  type CartLike,
  type ContactMessageLike,
  type FulfillmentLike,
  type OrderLike,
  type TemplateContext,
} from "../../src/core/templates/template-context"

const fullOrder: OrderLike = {
  id: "order_01HX",
  display_id: 1042,
  email: "ada@teststore.dev",
  currency_code: "eur",
  total: 12345,
  subtotal: 11000,
  shipping_total: 1345,
  items: [
    { title: "Linen shirt", quantity: 2 },
    { title: "Socks", quantity: 3 },
  ],
  customer: { id: "cus_01", first_name: "Ada", last_name: "Lovelace", email: "ada@teststore.dev" },
  shipping_address: { first_name: "Augusta", last_name: "King" },
}

/** A guest checkout: no customer record, a name only on the shipping address. */
const guestOrder: OrderLike = {
  id: "order_02",
  display_id: 1043,
  email: "guest@teststore.dev",
  currency_code: "usd",
  total: 500,
  items: [{ title: "Mug", quantity: 1 }],
  customer: null,
  shipping_address: { first_name: "Grace", last_name: null },
}

/** The least an order can carry. */
const bareOrder: OrderLike = { id: "order_03", display_id: 1044 }

const section = (context: TemplateContext, key: string): Record<string, unknown> => context[key] as Record<string, unknown>

// ---------------------------------------------------------------------------
// orderContext
// ---------------------------------------------------------------------------

test("orderContext formats money in the order currency, counts items, names the first one", () => {
  const order = section(orderContext(fullOrder), "order")
  assert.deepEqual(order, {
    id: "order_01HX",
    display_id: 1042,
    email: "ada@teststore.dev",
    currency_code: "EUR",
    total: "€123.45",
    subtotal: "€110.00",
    shipping_total: "€13.45",
    item_count: 5,
    first_item: "Linen shirt",
    date: undefined,
  })
})

const money: Array<[string, number, string, string, string]> = [
  // [case, amount in minor units, currency, locale, expected]
  ["euro, English", 12345, "eur", "en", "€123.45"],
  ["euro, German", 12345, "EUR", "de", formatMoney(12345, "EUR", "de")],
  ["yen has no minor unit", 1234, "jpy", "en", "¥1,234"],
  ["dinar has three decimals", 1234, "kwd", "en", formatMoney(1234, "KWD", "en")],
  ["zero", 0, "usd", "en", "$0.00"],
]
for (const [name, total, currency_code, locale, expected] of money) {
  test(`orderContext money: ${name}`, () => {
    assert.equal(section(orderContext({ ...bareOrder, total, currency_code }, locale), "order").total, expected)
  })
}

test("orderContext money: German uses a decimal comma, Kuwaiti dinar three decimals", () => {
  assert.match(String(section(orderContext({ ...bareOrder, total: 12345, currency_code: "eur" }, "de"), "order").total), /^123,45\s€$/u)
  assert.match(String(section(orderContext({ ...bareOrder, total: 1234, currency_code: "kwd" }), "order").total), /1\.234/)
})

test("orderContext leaves out amounts without a currency, and zero-quantity lines count nothing", () => {
  const order = section(
    orderContext({ ...bareOrder, total: 1000, currency_code: null, items: [{ title: null, quantity: null }, { quantity: 2 }] }),
    "order"
  )
  assert.equal(order.total, undefined)
  assert.equal(order.currency_code, undefined)
  assert.equal(order.item_count, 2)
  assert.equal(order.first_item, undefined)
  assert.equal(section(orderContext(bareOrder), "order").item_count, 0)
})

test("orderContext: the customer record wins, the shipping address fills in a guest name, the order email a guest email", () => {
  assert.deepEqual(section(orderContext(fullOrder), "customer"), {
    id: "cus_01",
    first_name: "Ada",
    last_name: "Lovelace",
    email: "ada@teststore.dev",
  })
  assert.deepEqual(section(orderContext(guestOrder), "customer"), {
    id: undefined,
    first_name: "Grace",
    last_name: undefined,
    email: "guest@teststore.dev",
  })
  // a customer record without a name (Medusa creates one at guest checkout)
  const recordWithoutName = orderContext({ ...guestOrder, customer: { id: "cus_02", first_name: null, email: null } })
  assert.equal(section(recordWithoutName, "customer").first_name, "Grace")
  assert.equal(section(recordWithoutName, "customer").email, "guest@teststore.dev")
  assert.deepEqual(section(orderContext(bareOrder), "customer"), {
    id: undefined,
    first_name: undefined,
    last_name: undefined,
    email: undefined,
  })
})

// ---------------------------------------------------------------------------
// shipmentContext
// ---------------------------------------------------------------------------

const shipments: Array<[string, FulfillmentLike, string | undefined, string | undefined]> = [
  // [case, fulfillment, tracking_numbers, tracking_url]
  [
    "numbers from both fields, de-duplicated, first URL",
    {
      id: "ful_1",
      tracking_numbers: ["1Z999", "JD0002"],
      tracking_links: [
        { tracking_number: "1Z999", url: null },
        { tracking_number: "LX123", url: "https://track.carrier.com/LX123" },
        { tracking_number: "LX124", url: "https://track.carrier.com/LX124" },
      ],
    },
    "1Z999, JD0002, LX123, LX124",
    "https://track.carrier.com/LX123",
  ],
  [
    "links only",
    {
      id: "ful_2",
      tracking_links: [
        { tracking_number: "LX1", url: "" },
        { tracking_number: "LX1", url: "https://t.co/LX1" },
      ],
    },
    "LX1",
    "https://t.co/LX1",
  ],
  ["old field only", { id: "ful_3", tracking_numbers: ["A", "A", "B"] }, "A, B", undefined],
  ["nothing", { id: "ful_4", tracking_numbers: [], tracking_links: [] }, undefined, undefined],
  ["nulls", { id: "ful_5", tracking_numbers: null, tracking_links: null }, undefined, undefined],
  [
    "a link without a number",
    { id: "ful_6", tracking_links: [{ tracking_number: null, url: "https://t.co/x" }] },
    undefined,
    "https://t.co/x",
  ],
  // Expected to fail with the current src: an empty entry of `tracking_numbers` is not filtered
  // (only those from tracking_links are), so the text starts with ", ".
  ["an empty entry in the old field", { id: "ful_7", tracking_numbers: ["", "1Z999"] }, "1Z999", undefined],
]
for (const [name, fulfillment, numbers, url] of shipments) {
  test(`shipmentContext: ${name}`, () => {
    assert.deepEqual(shipmentContext(fulfillment), { shipment: { id: fulfillment.id, tracking_numbers: numbers, tracking_url: url } })
  })
}

// ---------------------------------------------------------------------------
// contactMessageContext and excerpt
// ---------------------------------------------------------------------------

const words =
  "The parcel arrived but the blue scarf was missing and the box looked like it had been opened before it reached me so I would like a refund or a replacement please"

test("excerpt cuts a long text on a word boundary and adds an ellipsis", () => {
  assert.ok(words.length > 140)
  const short = excerpt(words)
  assert.ok(short.endsWith("…"), short)
  const kept = short.slice(0, -1)
  assert.ok(Array.from(short).length <= 141, short)
  assert.ok(words.startsWith(kept), short)
  assert.equal(words[kept.length], " ", "cut where a word ends")
  assert.ok(!kept.endsWith(" "))
})

const excerpts: Array<[string, string, number, string]> = [
  // [case, text, max, expected]
  ["short text unchanged", "Where is my order?", 140, "Where is my order?"],
  ["exactly max", "a".repeat(140), 140, "a".repeat(140)],
  ["whitespace collapsed", "  Hello,\n\n  where\tis it?  ", 140, "Hello, where is it?"],
  ["word boundary", "one two three four", 10, "one two…"],
  ["no space late enough: hard cut", "abcdefghijklmnop qr", 10, "abcdefghij…"],
  ["emoji are not split", "\u{1F600}".repeat(12), 10, `${"\u{1F600}".repeat(10)}…`],
]
for (const [name, text, max, expected] of excerpts) {
  test(`excerpt: ${name}`, () => {
    assert.equal(excerpt(text, max), expected)
  })
}

test("cartContext counts the items, names the first, and shows its picture and the total", () => {
  const context = cartContext(
    {
      id: "cart_1",
      total: 4990,
      region: { currency_code: "eur" },
      items: [
        { title: "Blue scarf", thumbnail: null, quantity: 2 },
        { title: "Gloves", thumbnail: "https://cdn.shop.dev/gloves.jpg", quantity: 1 },
      ],
      customer: { id: "cus_1", first_name: "Ada", last_name: "" },
    },
    "de"
  )
  assert.deepEqual(section(context, "cart"), {
    id: "cart_1",
    item_count: 3,
    first_item: "Blue scarf",
    thumbnail: "https://cdn.shop.dev/gloves.jpg",
    total: formatMoney(4990, "eur", "de"),
  })
  assert.deepEqual(section(context, "customer"), { id: "cus_1", first_name: "Ada", last_name: undefined })
  assert.deepEqual(section(cartContext({ id: "cart_2" }), "cart"), {
    id: "cart_2",
    item_count: 0,
    first_item: undefined,
    thumbnail: undefined,
    total: undefined,
  })
})

test("contactMessageContext exposes an excerpt, never the whole message", () => {
  const message: ContactMessageLike = { id: "cmsg_1", name: "Ada", email: "ada@teststore.dev", subject: null, message: words }
  const context = section(contactMessageContext(message), "contact_message")
  assert.deepEqual(context, { id: "cmsg_1", name: "Ada", email: "ada@teststore.dev", subject: undefined, excerpt: excerpt(words) })
  assert.equal("message" in context, false)
})

// ---------------------------------------------------------------------------
// eventDataContext
// ---------------------------------------------------------------------------

test("eventDataContext keeps only top-level primitives", () => {
  const data = { id: "order_01", no_notification: false, count: 3, nested: { secret: "x" }, list: ["a"], none: null, gone: undefined }
  assert.deepEqual(eventDataContext(data), { data: { id: "order_01", no_notification: false, count: 3 } })
  for (const value of [undefined, null, "order_01", 42, true]) {
    assert.deepEqual(eventDataContext(value), { data: {} }, String(value))
  }
})

test("eventDataContext cannot reach the prototype", () => {
  const data = JSON.parse('{"__proto__": "polluted", "constructor": "x", "id": "a"}') as unknown
  const context = eventDataContext(data)
  const flat = section(context, "data")
  assert.equal(Object.getPrototypeOf(flat), Object.prototype)
  assert.equal(({} as Record<string, unknown>).polluted, undefined)
  assert.equal(flat.id, "a")
})

// ---------------------------------------------------------------------------
// The built-in catalogue rendered with these contexts
// ---------------------------------------------------------------------------

interface Scenario {
  order: OrderLike
  fulfillment?: FulfillmentLike
  refund?: { amount: string }
  message: ContactMessageLike
  cart?: CartLike
}

const richest: Scenario = {
  order: fullOrder,
  cart: {
    id: "cart_01HX",
    total: 4990,
    region: { currency_code: "eur" },
    items: [
      { title: "Blue scarf", thumbnail: "https://shop.com/de/images/scarf.jpg", quantity: 2 },
      { title: "Gloves", thumbnail: null, quantity: 1 },
    ],
    customer: { id: "cus_1", first_name: "Ada" },
  },
  fulfillment: {
    id: "ful_1",
    tracking_numbers: ["1Z999"],
    tracking_links: [{ tracking_number: "1Z999", url: "https://track.carrier.com/1Z999" }],
  },
  refund: { amount: formatMoney(2500, "EUR") },
  message: { id: "cmsg_1", name: "Ada", email: "ada@teststore.dev", subject: "Missing scarf", message: words },
}

const sparsest: Scenario = {
  order: bareOrder,
  fulfillment: { id: "ful_2", tracking_numbers: [], tracking_links: [] },
  message: { id: "cmsg_2", name: "", email: "x@teststore.dev", subject: null, message: "Hi" },
}

/** A variant of a single-variant product without a thumbnail ("Default" is not shown). */
const SPARSE_VARIANT = { id: "variant_1", title: "Default", product: { id: "prod_1", title: "Beanie", handle: "beanie", thumbnail: null } }

/** An inbound alert with only what every provider gives: the text. */
const SPARSE_ALERT = { id: "pia_1", source: "chat", title: null, name: null, text: "Hi", url: null, kind: null }

const guest: Scenario = { ...sparsest, order: guestOrder, fulfillment: undefined }

/** What the orchestrator (services/push-context.ts) builds for each kind. */
function contextFor(loads: ResourceKind, s: Scenario): TemplateContext {
  const base = eventDataContext({ id: s.order.id, no_notification: false })
  switch (loads) {
    case "order":
      return { ...base, ...orderContext(s.order) }
    case "order_shipment":
    case "swap_shipment":
    case "claim_shipment":
      return { ...base, ...orderContext(s.order), ...(s.fulfillment ? shipmentContext(s.fulfillment) : {}) }
    case "order_refund":
      return { ...base, ...orderContext(s.order), ...(s.refund ? { refund: s.refund } : {}) }
    case "contact_message":
      return { ...base, ...contactMessageContext(s.message) }
    case "inbound_alert":
      return { ...base, ...inboundAlertContext(SPARSE_ALERT) }
    case "product_alert":
      return { ...base, ...productAlertContext(SPARSE_VARIANT, { current: 3900, previous: 4200, currency: "eur" }) }
    case "subscription":
      return { ...base, ...customerContext(s.order.customer ?? {}) }
    case "cart":
      return { ...base, ...cartContext(s.cart ?? { id: "cart_1" }) }
    case "none":
      return base
  }
}

const links = { storefrontUrl: "https://shop.com/de", adminUrl: "https://admin.shop.com", allowedHosts: [] }

const LEAKS = /undefined|null|NaN|\[object|\{\{|\}\}|\s[,.!?:]|\s{2}|^\s|\s$/

function check(entry: CatalogueEntry, scenario: string, s: Scenario): void {
  const baseUrl = entry.audience === "admin" ? "https://admin.shop.com" : "https://shop.com/de"
  const n = renderNotification(entry.template, contextFor(entry.loads, s), { baseUrl, links })
  const label = `${entry.event}/${entry.audience} (${scenario})`
  for (const [field, value] of Object.entries(n)) {
    if (typeof value !== "string") continue
    assert.doesNotMatch(value, LEAKS, `${label} ${field}: ${JSON.stringify(value)}`)
  }
  assert.ok(n.title.length > 0 && n.body.length > 0, label)
  assert.ok(n.url.startsWith(`${baseUrl}/`), `${label} url ${n.url}`)
  assert.doesNotThrow(() => new URL(n.url), label)
}

for (const entry of EVENT_CATALOGUE) {
  test(`catalogue ${entry.event} for ${entry.audience} renders cleanly with and without optional values`, () => {
    check(entry, "all values", richest)
    check(entry, "no optional values", sparsest)
    check(entry, "guest, no shipment loaded", guest)
  })
}

test("catalogue texts read as intended for a shipment with and without a tracking number", () => {
  const shipped = EVENT_CATALOGUE.find((e) => e.event === "order.shipment_created" && e.audience === "customer")
  assert.ok(shipped)
  const render = (s: Scenario) =>
    renderNotification(shipped.template, contextFor(shipped.loads, s), { baseUrl: "https://shop.com/de", links })
  const tracked = render(richest)
  assert.equal(tracked.title, "Order #1042 has shipped")
  assert.equal(tracked.body, "Your order is on its way. Tracking: 1Z999.")
  assert.equal(tracked.url, "https://shop.com/de/order/confirmed/order_01HX")
  assert.equal(tracked.tag, "order-order_01HX")
  assert.equal(render(sparsest).body, "Your order is on its way. Tracking: see your order page.")

  const placed = EVENT_CATALOGUE.find((e) => e.event === "order.placed" && e.audience === "customer")
  assert.ok(placed)
  const ctx = (s: Scenario) => contextFor(placed.loads, s)
  assert.equal(
    renderNotification(placed.template, ctx(richest), { baseUrl: "https://shop.com", links }).body,
    "Thanks Ada! We received your order of €123.45."
  )
  assert.equal(
    renderNotification(placed.template, ctx(guest), { baseUrl: "https://shop.com", links }).body,
    "Thanks Grace! We received your order of $5.00."
  )

  const contact = EVENT_CATALOGUE.find((e) => e.event === "contact_message.created")
  assert.ok(contact)
  const admin = renderNotification(contact.template, contextFor(contact.loads, sparsest), { baseUrl: "https://admin.shop.com", links })
  assert.equal(admin.title, "New message from a visitor")
  assert.equal(admin.body, "No subject: Hi")
  assert.equal(admin.url, "https://admin.shop.com/a/contact-messages/cmsg_2")
})

test("inbound alert templates render without leaks, sparse or full, and lead to the chat tool or the admin", () => {
  const sources = resolveInboundSources({
    chat: { provider: "chatwoot", secret: "s".repeat(20), base_url: "https://chat.shop.com" },
    ops: { secret: `whsec_${Buffer.alloc(24, 1).toString("base64")}` },
  })
  const policy = { ...links, allowedHosts: sources.flatMap((s) => s.linkHosts) }
  const full = {
    ...SPARSE_ALERT,
    title: "Stock sync failed",
    name: "Ada",
    url: "https://chat.shop.com/app/accounts/1/conversations/2",
    kind: "x",
  }
  for (const entry of inboundCatalogueEntries(sources)) {
    for (const alert of [SPARSE_ALERT, full]) {
      const n = renderNotification(entry.template, inboundAlertContext(alert), { baseUrl: "https://admin.shop.com", links: policy })
      for (const value of [n.title, n.body, n.url]) assert.doesNotMatch(value, LEAKS, `${entry.event}: ${value}`)
      assert.equal(n.url, alert.url ?? "https://admin.shop.com/a/web-push")
    }
  }
})
