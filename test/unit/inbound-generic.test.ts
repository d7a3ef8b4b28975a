import { test } from "node:test"
import assert from "node:assert/strict"
import { parseGeneric } from "../../src/core/inbound/generic"
import type { InboundAlert } from "../../src/core/inbound/types"

// What a monitoring tool or an ERP might send, signed the Standard Webhooks way.
const FULL = {
  title: "Stock low: Espresso beans 1 kg",
  body: "Only 3 left in the Berlin warehouse.\nReorder soon.",
  url: "/a/products/prod_01HZX3",
  event: "stock.low",
  id: "erp-alert-88412",
}
const fullAlert: InboundAlert = {
  externalId: "erp-alert-88412",
  title: "Stock low: Espresso beans 1 kg",
  name: null,
  text: "Only 3 left in the Berlin warehouse. Reorder soon.",
  url: "/a/products/prod_01HZX3",
  kind: "stock.low",
}
const bare: InboundAlert = { externalId: null, title: "Backup failed", name: null, text: "", url: null, kind: null }

// [case, payload, the alert]
const alerts: Array<[string, unknown, InboundAlert]> = [
  ["all fields", FULL, fullAlert],
  ["a title alone", { title: "Backup failed" }, bare],
  ["optional fields null", { title: "Backup failed", body: null, url: null, event: null, id: null }, bare],
  ["a title trimmed and collapsed", { title: "  Backup\n\tfailed " }, bare],
  ["a title of 120 characters", { title: "T".repeat(120) }, { ...bare, title: "T".repeat(120) }],
  ["a title of 120 emoji", { title: "🔥".repeat(120) }, { ...bare, title: "🔥".repeat(120) }],
  ["a body cut to 300", { title: "Backup failed", body: "b".repeat(2000) }, { ...bare, text: `${"b".repeat(299)}…` }],
  ["an empty body", { title: "Backup failed", body: "" }, bare],
  [
    "an https URL",
    { title: "Backup failed", url: "https://status.example/incidents/42?x=1#t" },
    { ...bare, url: "https://status.example/incidents/42?x=1#t" },
  ],
  ["an https URL normalised", { title: "Backup failed", url: "HTTPS://Status.Example/a" }, { ...bare, url: "https://status.example/a" }],
  ["a path with a query", { title: "Backup failed", url: "/a/orders?status=pending" }, { ...bare, url: "/a/orders?status=pending" }],
  ["the root path", { title: "Backup failed", url: "/" }, { ...bare, url: "/" }],
  ["an event of one character", { title: "Backup failed", event: "x" }, { ...bare, kind: "x" }],
  ["an event of 80 characters", { title: "Backup failed", event: `a${"_".repeat(79)}` }, { ...bare, kind: `a${"_".repeat(79)}` }],
  ["an id trimmed", { title: "Backup failed", id: "  job-7  " }, { ...bare, externalId: "job-7" }],
  ["an id of 200 characters", { title: "Backup failed", id: "i".repeat(200) }, { ...bare, externalId: "i".repeat(200) }],
]
for (const [name, payload, alert] of alerts) {
  test(`parseGeneric: ${name}`, () => {
    assert.deepEqual(parseGeneric(payload), { kind: "alert", alert })
  })
}

const titled = (over: Record<string, unknown>): Record<string, unknown> => ({ title: "Backup failed", ...over })

// [case, payload, the field named]
const invalid: Array<[string, unknown, string]> = [
  ["not an object", "Backup failed", "(root)"],
  ["null", null, "(root)"],
  ["an array", [FULL], "(root)"],
  ["an unknown field", { ...FULL, severity: "high" }, "severity"],
  ["an unknown field named with a newline", { ...FULL, "a\nb": 1 }, "a b"],
  ["an unknown field with a long name", { ...FULL, ["k".repeat(100)]: 1 }, `${"k".repeat(39)}…`],
  ["no title", { body: "x" }, "title"],
  ["a title that is a number", { title: 42 }, "title"],
  ["a blank title", { title: " \n " }, "title"],
  ["a title of 121 characters", { title: "T".repeat(121) }, "title"],
  ["a body that is an object", titled({ body: { text: "x" } }), "body"],
  ["a body over 2000 characters", titled({ body: "b".repeat(2001) }), "body"],
  ["a URL that is a number", titled({ url: 1 }), "url"],
  ["a protocol-relative URL", titled({ url: "//evil.example/x" }), "url"],
  ["a path with a backslash", titled({ url: "/\\evil.example" }), "url"],
  ["a path with a space", titled({ url: "/a b" }), "url"],
  ["a path with a newline", titled({ url: "/a\nb" }), "url"],
  ["a relative path", titled({ url: "a/orders" }), "url"],
  ["http", titled({ url: "http://status.example/" }), "url"],
  ["javascript:", titled({ url: "javascript:alert(1)" }), "url"],
  ["data:", titled({ url: "data:text/html,<b>x</b>" }), "url"],
  ["https without slashes", titled({ url: "https:evil.example" }), "url"],
  ["https with backslashes", titled({ url: "https:\\\\evil.example" }), "url"],
  ["credentials in the URL", titled({ url: "https://user:pw@status.example/" }), "url"],
  ["a user name in the URL", titled({ url: "https://status.example@evil.example/" }), "url"],
  ["https without a host", titled({ url: "https://" }), "url"],
  ["a URL over 2000 characters", titled({ url: `/${"a".repeat(2000)}` }), "url"],
  ["an event in capitals", titled({ event: "Stock.Low" }), "event"],
  ["an event starting with a dot", titled({ event: ".low" }), "event"],
  ["an event with a space", titled({ event: "stock low" }), "event"],
  ["an event of 81 characters", titled({ event: "e".repeat(81) }), "event"],
  ["an empty event", titled({ event: "" }), "event"],
  ["an id that is a number", titled({ id: 7 }), "id"],
  ["an empty id", titled({ id: "  " }), "id"],
  ["an id with a newline", titled({ id: "a\nb" }), "id"],
  ["an id of 201 characters", titled({ id: "i".repeat(201) }), "id"],
]
for (const [name, payload, field] of invalid) {
  test(`parseGeneric refuses ${name}, naming ${JSON.stringify(field)}`, () => {
    const result = parseGeneric(payload)
    assert.equal(result.kind, "invalid")
    if (result.kind !== "invalid") return
    assert.equal(result.field, field)
    assert.ok(result.message.length > 0)
  })
}
