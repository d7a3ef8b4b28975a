import { test } from "node:test"
import assert from "node:assert/strict"
import { renderTemplate, templateVariables } from "../../src/core/templates/template"
import { formatMoney } from "../../src/core/templates/money"

const context = {
  order: { id: "order_01", display_id: 1042, total: "€12.34", paid: true, tags: ["gift", "express", 3], meta: { a: 1 } },
  customer: { first_name: "Ada", email: "ada@shop.dev", last_name: null, nickname: "" },
  shipment: { tracking_numbers: [] as string[] },
  list: [{ a: 1 }],
}

const cases: Array<[string, string, Readonly<Record<string, unknown>>, string]> = [
  ["simple path", "Order #{{order.display_id}}", context, "Order #1042"],
  ["whitespace inside braces", "Hi {{  customer.first_name  }}!", context, "Hi Ada!"],
  ["boolean", "paid={{order.paid}}", context, "paid=true"],
  ["array of primitives", "Tags: {{order.tags}}", context, "Tags: gift, express, 3"],
  ["missing renders empty and tidies", "Hi {{customer.nope}}, your order", context, "Hi, your order"],
  ["missing before !", "Thanks {{customer.nope}}! Done", context, "Thanks! Done"],
  ["null value", "Hi {{customer.last_name}}.", context, "Hi."],
  ["object value", "meta {{order.meta}} end", context, "meta end"],
  ["array of objects", "x {{list}} y", context, "x y"],
  ["empty array", 'Tracking: {{shipment.tracking_numbers | "none yet"}}', context, "Tracking: none yet"],
  ["fallback used when missing", 'Hi {{ customer.nope | "there" }}!', context, "Hi there!"],
  ["fallback used when empty string", 'Hi {{customer.nickname|"there"}}!', context, "Hi there!"],
  ["fallback single quotes", "Hi {{customer.nope | 'you'}}", context, "Hi you"],
  ["fallback ignored when present", 'Hi {{customer.first_name | "there"}}', context, "Hi Ada"],
  ["empty fallback", 'Hi {{customer.nope | ""}}!', context, "Hi!"],
  ["missing intermediate", "{{a.b.c.d}}x", context, "x"],
  ["through a primitive", "[{{order.id.length}}]", context, "[]"],
  ["__proto__", "[{{__proto__}}][{{order.__proto__.toString}}]", context, "[][]"],
  ["constructor", "[{{constructor.name}}][{{order.constructor}}]", context, "[][]"],
  ["prototype", "[{{order.prototype}}]", context, "[]"],
  ["inherited property", "[{{order.hasOwnProperty}}][{{order.id.toString}}]", context, "[][]"],
  ["array index", "{{order.tags.0}}", context, "gift"],
  ["collapses spaces and trims", "  a   {{customer.nope}}   b  ", context, "a b"],
  [
    "unknown syntax left as text",
    "{{ 1 + 1 }} {{#if x}} {{order.id()}} {single}",
    context,
    "{{ 1 + 1 }} {{#if x}} {{order.id()}} {single}",
  ],
  ["unterminated", "Hi {{customer.first_name", context, "Hi {{customer.first_name"],
  ["globals are not reachable", "[{{ process.exit }}][{{ globalThis }}]", context, "[][]"],
  ["NaN and Infinity are missing", "[{{n}}][{{i}}]", { n: Number.NaN, i: Number.POSITIVE_INFINITY }, "[][]"],
  ["zero is a value", '{{n | "none"}}', { n: 0 }, "0"],
  ["false is a value", '{{b | "none"}}', { b: false }, "false"],
  ["value with braces is not re-rendered", "{{x}}", { x: "{{order.id}}" }, "{{order.id}}"],
  ["keeps newlines", "a\n  {{customer.first_name}}", context, "a\nAda"],
  ["removes empty parentheses", "Shipped ({{customer.nope}}).", context, "Shipped."],
  ["several empties before punctuation", "Hi {{a}} {{b}}, x", context, "Hi, x"],
  ["author spaces before punctuation are kept", "Merci {{customer.first_name}} !", context, "Merci Ada !"],
  ["a space before punctuation in a value is kept", "Note: {{v}}", { v: "a , b" }, "Note: a , b"],
  ["empty fallback before punctuation", 'Hi {{a | ""}}?', context, "Hi?"],
  ["NUL in values is dropped", "{{v}}", { v: "a\u0000b" }, "ab"],
]
for (const [name, template, ctx, expected] of cases) {
  test(`renderTemplate: ${name}`, () => {
    assert.equal(renderTemplate(template, ctx), expected)
  })
}

test("renderTemplate never prints undefined, null or [object Object]", () => {
  const out = renderTemplate("{{a}} {{b}} {{c}} {{d}} {{e.f}}", { a: undefined, b: null, c: {}, d: [null, undefined] })
  assert.doesNotMatch(out, /undefined|null|object/)
})

test("renderTemplate with an objectless context", () => {
  const bare = Object.create(null) as Record<string, unknown>
  bare.name = "x"
  assert.equal(renderTemplate("{{name}}", bare), "x")
})

test("renderTemplate encode applies to values only", () => {
  const out = renderTemplate("/orders/{{id}}?q={{q}}", { id: "a/b", q: "x y&z" }, { encode: encodeURIComponent })
  assert.equal(out, "/orders/a%2Fb?q=x%20y%26z")
})

test("renderTemplate tidy can be turned off", () => {
  assert.equal(renderTemplate(" a {{x}} , b ", {}, { tidy: false }), " a  , b ")
})

test("templateVariables lists distinct paths in order", () => {
  assert.deepEqual(templateVariables('{{order.id}} {{ customer.first_name | "there" }} {{order.id}} {{ bad syntax }} {{x}}'), [
    "order.id",
    "customer.first_name",
    "x",
  ])
  assert.deepEqual(templateVariables("plain text"), [])
})

const money: Array<[number, string, string | undefined, RegExp | string]> = [
  [1234, "EUR", undefined, "€12.34"],
  [1234, "eur", "en", "€12.34"],
  [1234, "USD", "en-US", "$12.34"],
  [0, "EUR", "en", "€0.00"],
  [-500, "EUR", "en", "-€5.00"],
  [1234, "JPY", "en", "¥1,234"],
  [1234, "KWD", "en", /^KWD\s1\.234$/],
  [123456, "EUR", "fr", /^1\s234,56\s€$/u],
  [123456, "EUR", "de-DE", /^1\.234,56\s€$/u],
  [1234, "EUR", "not a locale!", "€12.34"],
  [1234, "EU", "en", "12.34 EU"],
  [1234, "", "en", "12.34"],
  [1234, "eur$", "en", "12.34 EUR$"],
]
for (const [amount, currency, locale, expected] of money) {
  test(`formatMoney ${amount} ${currency} ${locale ?? "(default)"}`, () => {
    const out = locale === undefined ? formatMoney(amount, currency) : formatMoney(amount, currency, locale)
    if (typeof expected === "string") assert.equal(out, expected)
    else assert.match(out, expected)
  })
}

test("formatMoney never throws on non-finite amounts", () => {
  assert.equal(formatMoney(Number.NaN, "EUR"), "")
})
