import assert from "node:assert/strict"
import { test } from "node:test"
import { parseCorsOrigins as medusaParseCorsOrigins } from "medusa-core-utils"
import {
  checkRequestOrigin,
  corsAllows,
  isJsonMediaType,
  mediaTypeOf,
  parseCorsOrigins,
  type OriginHeaders,
} from "../../src/core/security/request-origin"

const OWN = ["https://api.shop.dev"]
const STORE_CORS = parseCorsOrigins("https://shop.dev,/^https:\\/\\/[a-z0-9-]+\\.preview\\.shop\\.dev$/")

test("CORS lists are read as Medusa reads them (medusa-core-utils parseCorsOrigins)", () => {
  const lists = [
    "",
    "http://localhost:8000",
    "http://localhost:7000,http://localhost:7001",
    "http://a.dev, http://b.dev",
    "/vercel\\.app$/",
    "/^https:\\/\\/.*\\.shop\\.dev$/i,https://shop.dev",
    "~^https://x\\.dev$~",
    "/unclosed",
    "/(/",
  ]
  for (const list of lists) {
    const ours = parseCorsOrigins(list)
    const medusa = medusaParseCorsOrigins(list)
    assert.equal(ours.length, medusa.length, list)
    ours.forEach((entry, i) => {
      const theirs = medusa[i]
      if (theirs instanceof RegExp) {
        assert.ok(entry instanceof RegExp, `${list}: entry ${i} is a pattern`)
        assert.equal(entry.source, theirs.source)
      } else assert.equal(entry, theirs, `${list}: entry ${i}`)
    })
  }
  assert.deepEqual(parseCorsOrigins(undefined), [])
})

test("a pattern with the g flag answers the same every time (no lastIndex state)", () => {
  const list = parseCorsOrigins("/shop\\.dev$/g")
  for (let i = 0; i < 3; i++) assert.ok(corsAllows(list, "https://shop.dev"), `try ${i}`)
})

const cases: Array<[string, OriginHeaders, boolean]> = [
  ["the backend itself (admin at /app)", { origin: "https://api.shop.dev", secFetchSite: "same-origin" }, true],
  ["the backend itself, no Sec-Fetch-Site (older browser)", { origin: "https://api.shop.dev" }, true],
  ["the backend itself, upper case", { origin: "HTTPS://API.SHOP.DEV" }, true],
  ["the storefront in store_cors", { origin: "https://shop.dev", secFetchSite: "same-site" }, true],
  ["a preview deployment matching the pattern", { origin: "https://pr-12.preview.shop.dev", secFetchSite: "cross-site" }, true],
  ["another site", { origin: "https://evil.example", secFetchSite: "cross-site" }, false],
  ["another site, no Sec-Fetch-Site", { origin: "https://evil.example" }, false],
  ["a look-alike of the storefront", { origin: "https://shop.dev.evil.example" }, false],
  ["the storefront over http", { origin: "http://shop.dev" }, false],
  ["the backend on another port", { origin: "https://api.shop.dev:8443" }, false],
  ["a sandboxed frame or data: page", { origin: "null" }, false],
  ["no Origin, Referer on another site", { referer: "https://evil.example/page?x=1" }, false],
  ["no Origin, Referer on the storefront", { referer: "https://shop.dev/checkout" }, true],
  ["no Origin, Referer on the backend", { referer: "https://api.shop.dev/app/a/web-push" }, true],
  ["no Origin, unreadable Referer", { referer: "not a url" }, false],
  ["neither, browser says cross-site", { secFetchSite: "cross-site" }, false],
  ["neither, browser says same-site", { secFetchSite: "same-site" }, true],
  ["neither, typed into the address bar", { secFetchSite: "none" }, true],
  ["neither and no Sec-Fetch-Site (a server-side client)", {}, true],
  [
    "the browser says same-origin though the backend sees another scheme (TLS ends at a proxy)",
    { origin: "https://api.shop.dev", secFetchSite: "same-origin" },
    true,
  ],
  ["Origin wins over Referer", { origin: "https://evil.example", referer: "https://shop.dev/" }, false],
]

for (const [name, headers, allowed] of cases) {
  test(`origin rule: ${name} -> ${allowed ? "allowed" : "refused"}`, () => {
    assert.equal(checkRequestOrigin(headers, OWN, STORE_CORS).allowed, allowed)
  })
}

test("the refusal says why", () => {
  assert.deepEqual(checkRequestOrigin({ origin: "https://evil.example" }, OWN, STORE_CORS), { allowed: false, reason: "foreign_origin" })
  assert.deepEqual(checkRequestOrigin({ secFetchSite: "cross-site" }, OWN, STORE_CORS), { allowed: false, reason: "cross_site" })
})

test("only application/json is a JSON media type", () => {
  for (const type of ["application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8", " application/json "]) {
    assert.ok(isJsonMediaType(type), type)
  }
  for (const type of [
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "text/plain",
    "text/plain; a=application/json",
    "application/json-patch+json",
    "application/vnd.api+json",
    "application/jsonx",
    "json",
    "",
    ";application/json",
  ]) {
    assert.ok(!isJsonMediaType(type), type)
  }
  assert.equal(mediaTypeOf("Text/Plain; charset=utf-8"), "text/plain")
  assert.equal(mediaTypeOf("<script>"), undefined)
})
