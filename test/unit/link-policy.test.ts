import { test } from "node:test"
import assert from "node:assert/strict"
import { allowedLink, checkLink, checkTemplateLink, type LinkPolicy } from "../../src/core/templates/link-policy"

const policy: LinkPolicy = {
  storefrontUrl: "https://shop.example/de",
  adminUrl: "https://admin.shop.example:8443",
  allowedHosts: ["help.partner.example", "*.cdn.example"],
}
const STOREFRONT = policy.storefrontUrl
const ADMIN = policy.adminUrl

// [case, link, base, resolved link or null when refused]
const cases: Array<[string, string, string, string | null]> = [
  ["a path resolves under the storefront base path", "/order/1", STOREFRONT, "https://shop.example/de/order/1"],
  ["a path without a slash too", "order/1", STOREFRONT, "https://shop.example/de/order/1"],
  ["an admin path resolves against the admin", "/a/orders/1", ADMIN, "https://admin.shop.example:8443/a/orders/1"],
  ["empty is the base", "", STOREFRONT, "https://shop.example/de/"],
  ["a query and fragment", "/search?q=a#top", STOREFRONT, "https://shop.example/de/search?q=a#top"],
  ["the storefront", "https://shop.example/sale", STOREFRONT, "https://shop.example/sale"],
  ["the storefront from an admin notification", "https://shop.example/x", ADMIN, "https://shop.example/x"],
  ["the admin", "https://admin.shop.example:8443/a/orders", STOREFRONT, "https://admin.shop.example:8443/a/orders"],
  ["an allowlisted host", "https://help.partner.example/faq", STOREFRONT, "https://help.partner.example/faq"],
  ["an allowlisted host on another port", "https://help.partner.example:444/faq", STOREFRONT, "https://help.partner.example:444/faq"],
  ["a subdomain of a wildcard", "https://img.cdn.example/p.png", STOREFRONT, "https://img.cdn.example/p.png"],
  ["a deeper subdomain of a wildcard", "https://a.b.cdn.example/p.png", STOREFRONT, "https://a.b.cdn.example/p.png"],
  ["the wildcard's own domain is not a subdomain", "https://cdn.example/p.png", STOREFRONT, null],
  ["a look-alike of a wildcard", "https://evilcdn.example/p.png", STOREFRONT, null],
  ["an allowlisted host over plain http", "http://help.partner.example/faq", STOREFRONT, null],
  ["another host", "https://evil.example/x", STOREFRONT, null],
  ["a host ending like the storefront", "https://shop.example.evil.example/x", STOREFRONT, null],
  ["userinfo that looks like the storefront", "https://shop.example@evil.example/x", STOREFRONT, null],
  ["userinfo on the storefront itself", "https://user:pw@shop.example/x", STOREFRONT, null],
  ["protocol-relative", "//evil.example/x", STOREFRONT, null],
  ["backslashes", "\\\\evil.example/x", STOREFRONT, null],
  ["slash and backslash", "/\\evil.example/x", STOREFRONT, null],
  ["backslashes after the scheme", "https:\\\\evil.example/x", STOREFRONT, null],
  ["a scheme without slashes", "https:evil.example/x", STOREFRONT, null],
  ["a scheme without slashes on the storefront", "https:shop.example/x", STOREFRONT, "https:shop.example/x"],
  ["a backslash before an @", "https://shop.example\\@evil.example/x", STOREFRONT, "https://shop.example\\@evil.example/x"],
  ["javascript:", "javascript:alert(1)", STOREFRONT, null],
  ["JavaScript: in mixed case", "JavaScript:alert(1)", STOREFRONT, null],
  ["javascript: behind spaces", "  javascript:alert(1)", STOREFRONT, null],
  ["data:", "data:text/html,<script>alert(1)</script>", STOREFRONT, null],
  ["a control character inside the scheme", "java\tscript:alert(1)", STOREFRONT, null],
  ["a newline", "/a\nb", STOREFRONT, null],
  ["mixed-case scheme and host of the storefront", "HTTPS://Shop.Example/x", STOREFRONT, "HTTPS://Shop.Example/x"],
  ["mixed-case other host", "HTTPS://Evil.Example/x", STOREFRONT, null],
  ["mixed-case allowlisted host", "https://Help.Partner.Example/x", STOREFRONT, "https://Help.Partner.Example/x"],
  ["the storefront's default port written out", "https://shop.example:443/x", STOREFRONT, "https://shop.example:443/x"],
  ["the storefront on another port", "https://shop.example:8443/x", STOREFRONT, null],
  ["the admin without its port", "https://admin.shop.example/a", STOREFRONT, null],
  ["the storefront over http", "http://shop.example/x", STOREFRONT, null],
  ["an IP address", "https://127.0.0.1/x", STOREFRONT, null],
  ["a trailing dot on an allowlisted host", "https://help.partner.example./faq", STOREFRONT, "https://help.partner.example./faq"],
]
for (const [name, link, base, expected] of cases) {
  test(`checkLink: ${name}`, () => {
    const checked = checkLink(link, base, policy)
    assert.equal(checked.ok ? checked.url : null, expected, JSON.stringify(checked))
    assert.equal(allowedLink(link, base, policy), expected ?? undefined)
    if (checked.ok) assert.equal(new URL(checked.url).protocol.startsWith("http"), true)
  })
}

test("checkLink: with an empty allowlist only the storefront and admin origins pass", () => {
  const home: LinkPolicy = { ...policy, allowedHosts: [] }
  assert.equal(checkLink("https://help.partner.example/faq", STOREFRONT, home).ok, false)
  assert.equal(checkLink("https://shop.example/x", STOREFRONT, home).ok, true)
})

test("checkLink: a refusal says what is allowed, never echoing the link", () => {
  const checked = checkLink("https://evil.example/x", STOREFRONT, policy)
  assert.equal(checked.ok, false)
  if (!checked.ok) {
    assert.match(checked.problem, /storefront.*admin.*link_allowlist/)
    assert.doesNotMatch(checked.problem, /evil/)
  }
})

const templates: Array<[string, string, boolean]> = [
  ["a placeholder in the path", "/order/confirmed/{{order.id}}", true],
  ["a placeholder in an allowed URL", "https://help.partner.example/orders/{{order.id}}", true],
  ["a placeholder as the whole link (checked again when sent)", "{{shipment.tracking_url}}", true],
  ["a placeholder in another host's URL", "https://evil.example/{{order.id}}", false],
  ["a placeholder as the host", "https://{{order.id}}/x", false],
  ["a placeholder before an allowed host", "https://{{x}}.shop.example/x", false],
  ["a placeholder in a wildcard subdomain", "https://{{x}}.cdn.example/p.png", true],
  ["a fallback to another host", '{{shipment.tracking_url | "https://evil.example"}}', false],
  ["a fallback to a path", '{{shipment.tracking_url | "/account"}}', true],
]
for (const [name, template, ok] of templates) {
  test(`checkTemplateLink: ${name}`, () => {
    assert.equal(checkTemplateLink(template, STOREFRONT, policy).ok, ok)
  })
}
