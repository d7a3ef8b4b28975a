import { test } from "node:test"
import assert from "node:assert/strict"
import { InvalidRequestError } from "../../src/core/errors/api-errors"
import { categories, category, locale, objectBody, onlyKnown, timeZone, ttl } from "../../src/api/validation/fields"

function refused(field: string, message?: RegExp) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof InvalidRequestError)
    assert.equal(err.field, field)
    if (message) assert.match(err.message, message)
    return true
  }
}

test("locale: written canonically; a tag whose canonical form is not a plain language tag is refused", () => {
  assert.equal(locale(undefined), undefined)
  assert.equal(locale("fr-CA"), "fr-CA")
  assert.equal(locale("FR-ca"), "fr-CA")
  assert.equal(locale("fr_ca"), "fr-CA")
  for (const bad of ["en!", 7, "", "<script>", "en-abcdefghi", "ab-cd-ef", "en-x-private", "e".repeat(40)]) {
    assert.throws(() => locale(bad), refused("locale", /^locale must be a language tag such as "en" or "fr-CA"$/), String(bad))
  }
})

test("timeZone: an IANA zone or nothing", () => {
  assert.equal(timeZone(undefined), undefined)
  assert.equal(timeZone(null), undefined)
  assert.equal(timeZone("Europe/Paris"), "Europe/Paris")
  assert.throws(() => timeZone("Mars/Olympus"), refused("time_zone", /IANA time zone/))
})

test("category and categories: lower-case names with _, - and ., at most 80; at most 20, repeats dropped", () => {
  assert.equal(category("order.placed"), "order.placed")
  assert.equal(category("a".repeat(80)), "a".repeat(80))
  for (const bad of ["Promotions", "", ".x", "a".repeat(81), 3]) assert.throws(() => category(bad), refused("category"))
  assert.deepEqual(categories(["promotions", "promotions", "order.placed"]), ["promotions", "order.placed"])
  assert.throws(() => categories(Array.from({ length: 21 }, (_, i) => `c${i}`)), refused("categories"))
})

test("ttl: whole seconds from 0 to 28 days, null to clear", () => {
  assert.equal(ttl(undefined), undefined)
  assert.equal(ttl(null), null)
  assert.equal(ttl(0), 0)
  assert.equal(ttl(2419200), 2419200)
  for (const bad of [-1, 1.5, 2419201, "60"]) assert.throws(() => ttl(bad), refused("ttl", /from 0 to 2419200/))
})

test("onlyKnown names a plain unknown field; any other key is refused without repeating it", () => {
  assert.doesNotThrow(() => onlyKnown({ read: true }, ["read"]))
  assert.throws(() => onlyKnown({ read: true, extra: 1 }, ["read"]), refused("extra", /^extra is not an accepted field$/))
  assert.throws(() => onlyKnown({ "a b<script>": 1 }, ["read"]), refused("body", /^the body has a field that is not accepted$/))
  assert.throws(() => onlyKnown({ x: 1 }, [], "subscription."), refused("subscription.x"))
  assert.throws(() => objectBody([], "template"), refused("template", /^template must be an object$/))
})
