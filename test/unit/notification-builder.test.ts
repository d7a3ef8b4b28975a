import { test } from "node:test"
import assert from "node:assert/strict"
import type { TemplateFields } from "../../src/core/catalogue/event-types"
import { renderNotification } from "../../src/core/templates/notification-builder"
import { resolveLink } from "../../src/core/templates/link-policy"

const STOREFRONT = "https://shop.com/de"
// The hosts the tests' absolute links use, besides the storefront's and the admin's.
const policy = {
  storefrontUrl: STOREFRONT,
  adminUrl: "https://admin.shop.com",
  allowedHosts: ["track.carrier.com", "help.shop.com", "t.co", "cdn.shop.com"],
}
const defaults = { baseUrl: STOREFRONT, links: policy, icon: "https://cdn.shop.com/icon.png", badge: "https://cdn.shop.com/badge.png" }

function template(fields: Partial<TemplateFields>): TemplateFields {
  return { title: "Title", body: "Body", url: "/", ttl: 3600, urgency: "normal", ...fields }
}

const links: Array<[string, string, string, string]> = [
  // [case, rendered link, base, resolved]
  ["absolute path under a base path", "/order/1", "https://shop.com/de", "https://shop.com/de/order/1"],
  ["relative path under a base path", "order/1", "https://shop.com/de", "https://shop.com/de/order/1"],
  ["base with trailing slashes", "/order/1", "https://shop.com/de//", "https://shop.com/de/order/1"],
  ["bare origin", "/order/1", "https://shop.com", "https://shop.com/order/1"],
  ["root", "/", "https://shop.com/de", "https://shop.com/de/"],
  ["query and fragment kept", "/account?tab=orders#1", "https://shop.com", "https://shop.com/account?tab=orders#1"],
  ["https link kept", "https://track.carrier.com/t/1Z999", "https://shop.com/de", "https://track.carrier.com/t/1Z999"],
  ["http link kept", "http://track.carrier.com/t/1", "https://shop.com/de", "http://track.carrier.com/t/1"],
  ["scheme in capitals kept", "HTTPS://Track.Carrier.com/t/1", "https://shop.com", "HTTPS://Track.Carrier.com/t/1"],
  ["other schemes stay under the base", "javascript:alert(1)", "https://shop.com", "https://shop.com/javascript:alert(1)"],
]
for (const [name, link, base, expected] of links) {
  test(`resolveLink: ${name}`, () => {
    assert.equal(resolveLink(link, base), expected)
  })
}

const urls: Array<[string, string, Record<string, unknown>, string]> = [
  // [case, template url, context, resolved url]
  [
    "placeholder under the base path",
    "/order/confirmed/{{order.id}}",
    { order: { id: "order_01" } },
    "https://shop.com/de/order/confirmed/order_01",
  ],
  ["an id with spaces is encoded", "/order/{{order.id}}", { order: { id: "order 1" } }, "https://shop.com/de/order/order%201"],
  [
    "an id with / cannot change the path",
    "/order/{{order.id}}",
    { order: { id: "../../admin" } },
    "https://shop.com/de/order/..%2F..%2Fadmin",
  ],
  ["an id with ? and # cannot add a query", "/order/{{order.id}}", { order: { id: "a?b=c#d" } }, "https://shop.com/de/order/a%3Fb%3Dc%23d"],
  [
    "non-ASCII is encoded",
    "/search?q={{data.q}}",
    { data: { q: "Größe & Farbe" } },
    "https://shop.com/de/search?q=Gr%C3%B6%C3%9Fe%20%26%20Farbe",
  ],
  ["a number", "/order/{{order.display_id}}", { order: { display_id: 1042 } }, "https://shop.com/de/order/1042"],
  [
    "a value that is a URL is kept whole",
    "{{shipment.tracking_url}}",
    { shipment: { tracking_url: "https://track.carrier.com/?n=1Z 999&lang=de" } },
    "https://track.carrier.com/?n=1Z 999&lang=de",
  ],
  [
    "a URL value inside a path is kept whole too",
    "/go?to={{shipment.tracking_url}}",
    { shipment: { tracking_url: "https://track.carrier.com/t/1" } },
    "https://shop.com/de/go?to=https://track.carrier.com/t/1",
  ],
  [
    "a value that only looks like a link is encoded and stays on the storefront",
    "{{data.link}}",
    { data: { link: "javascript:alert(document.cookie)" } },
    "https://shop.com/de/javascript%3Aalert(document.cookie)",
  ],
  ["a protocol-relative value is encoded", "{{data.link}}", { data: { link: "//evil.com/x" } }, "https://shop.com/de/%2F%2Fevil.com%2Fx"],
  [
    "an absolute template link",
    "https://help.shop.com/orders/{{order.id}}",
    { order: { id: "a b" } },
    "https://help.shop.com/orders/a%20b",
  ],
  ["a missing value leaves the path", "/order/{{order.id}}", {}, "https://shop.com/de/order/"],
  ["fallback when the value is missing", '{{shipment.tracking_url | "/account/orders"}}', {}, "https://shop.com/de/account/orders"],
  [
    "fallback not used when present",
    '{{shipment.tracking_url | "/account/orders"}}',
    { shipment: { tracking_url: "https://t.co/1" } },
    "https://t.co/1",
  ],
  ["an empty link goes to the base", "{{data.nothing}}", {}, "https://shop.com/de/"],
  ["spaces in the template are not tidied away", "/a {{data.x}}", { data: { x: "b" } }, "https://shop.com/de/a b"],
]
for (const [name, url, context, expected] of urls) {
  test(`renderNotification url: ${name}`, () => {
    assert.equal(renderNotification(template({ url }), context, defaults).url, expected)
  })
}

test("renderNotification renders title and body as tidy plain text", () => {
  const n = renderNotification(
    template({ title: "Order #{{order.display_id}} confirmed", body: "Thanks {{customer.first_name}}! Total: {{order.total}}." }),
    { order: { display_id: 7, total: "€12.34" }, customer: {} },
    defaults
  )
  assert.equal(n.title, "Order #7 confirmed")
  assert.equal(n.body, "Thanks! Total: €12.34.")
  // not URL-encoded outside the link
  const plain = renderNotification(template({ title: "{{order.id}}" }), { order: { id: "a b/c" } }, defaults)
  assert.equal(plain.title, "a b/c")
})

test("renderNotification: icon and badge fall back to the defaults, template values win", () => {
  const fromDefaults = renderNotification(template({}), {}, defaults)
  assert.equal(fromDefaults.icon, defaults.icon)
  assert.equal(fromDefaults.badge, defaults.badge)

  const emptyTemplateValue = renderNotification(template({ icon: "{{data.icon}}", badge: "" }), {}, defaults)
  assert.equal(emptyTemplateValue.icon, defaults.icon)
  assert.equal(emptyTemplateValue.badge, defaults.badge)

  const own = renderNotification(
    template({ icon: "https://cdn.shop.com/{{data.brand}}.png", badge: "https://cdn.shop.com/b.png" }),
    { data: { brand: "acme" } },
    defaults
  )
  assert.equal(own.icon, "https://cdn.shop.com/acme.png")
  assert.equal(own.badge, "https://cdn.shop.com/b.png")

  const none = renderNotification(template({}), {}, { baseUrl: STOREFRONT, links: policy })
  assert.equal(none.icon, undefined)
  assert.equal(none.badge, undefined)
})

test("renderNotification drops optional fields that render empty", () => {
  const n = renderNotification(
    template({ image: "{{product.thumbnail}}", tag: "{{data.tag}}" }),
    { data: {} },
    { baseUrl: STOREFRONT, links: policy }
  )
  assert.equal(n.image, undefined)
  assert.equal(n.tag, undefined)
  const json = JSON.parse(JSON.stringify(n)) as Record<string, unknown>
  assert.deepEqual(Object.keys(json).sort(), ["body", "title", "ttl", "urgency", "url"])

  const withValues = renderNotification(
    template({ image: "{{product.thumbnail}}", tag: "order-{{order.id}}" }),
    { product: { thumbnail: "https://cdn.shop.com/p.jpg" }, order: { id: "order_01" } },
    defaults
  )
  assert.equal(withValues.image, "https://cdn.shop.com/p.jpg")
  assert.equal(withValues.tag, "order-order_01")
})

test("renderNotification passes ttl and urgency through unchanged", () => {
  const n = renderNotification(template({ ttl: 0, urgency: "very-low" }), {}, defaults)
  assert.equal(n.ttl, 0)
  assert.equal(n.urgency, "very-low")
})

test("renderNotification: a rendered link the link rule refuses goes to the base; a refused picture is left out", () => {
  const n = renderNotification(
    template({ url: "{{shipment.tracking_url}}", icon: "{{data.icon}}", image: "https://evil.example/{{data.x}}.png" }),
    { shipment: { tracking_url: "https://evil.example/phish" }, data: { icon: "https://shop.example@evil.example/i.png", x: "p" } },
    defaults
  )
  assert.equal(n.url, "https://shop.com/de/")
  assert.equal(n.icon, defaults.icon)
  assert.equal(n.image, undefined)
  const allowed = renderNotification(
    template({ url: "{{shipment.tracking_url}}" }),
    { shipment: { tracking_url: "https://track.carrier.com/t/1" } },
    defaults
  )
  assert.equal(allowed.url, "https://track.carrier.com/t/1")
})
