import assert from "node:assert/strict"
import { test } from "node:test"
import { mailtoHref } from "../../admin-extension/src/lib/mailto"
import { isEmailAddress } from "../../src/api/validation/email-address"
import { parseContactMessageBody } from "../../src/api/validation/request-validation"

const contact = { name: "Ada", subject: "Hi", message: "Hello" }

test("ordinary addresses are accepted", () => {
  for (const email of [
    "ada@teststore.dev",
    "ada.lovelace+shop@mail.example.co.uk",
    "A_B-c@x-y.io",
    "a@b.co",
    "1234@123.example.com",
    "x@xn--bcher-kva.example",
    "x@shop.xn--p1ai",
  ]) {
    assert.ok(isEmailAddress(email), email)
    assert.equal(parseContactMessageBody({ ...contact, email }).email, email)
  }
})

/** Addresses that would change the admin's `mailto:` reply link, or are not plain addresses. */
const hostile = [
  "ada@shop.dev?bcc=thief@evil.example",
  "ada?bcc=thief@evil.example@shop.dev",
  "ada&bcc=thief%40evil.example@shop.dev",
  "bcc=x@shop.dev",
  "ada%3Fbcc%3Dthief%40evil.example@shop.dev",
  "ada@shop.dev#fragment",
  "ada#x@shop.dev",
  "ada,thief@evil.example",
  "ada@shop.dev,thief@evil.example",
  "ada;thief@shop.dev",
  "ada/../x@shop.dev",
  "ada!x@shop.dev",
  "o'brien@shop.dev",
  "ada*@shop.dev",
  '"ada"@shop.dev',
  "ada\\@shop.dev",
  ".ada@shop.dev",
  "ada.@shop.dev",
  "ada..lovelace@shop.dev",
  "ada@shop..dev",
  "ada@.shop.dev",
  "ada@shop.dev.",
  "ada@shop-.dev",
  "ada@shop.d",
  "ada@shop.123",
  "ada@[127.0.0.1]",
  "ada@127.0.0.1",
  "adä@shop.dev",
  "ada@shöp.dev",
  "ada@shop.dev\r\nBcc: thief@evil.example",
  "ada@shop.dev\u0000",
  "ada@shop.dev\u202e",
  "javascript:alert(1)//@shop.dev",
  `${"a".repeat(65)}@shop.dev`,
  `ada@${"b".repeat(64)}.dev`,
  `ada@${Array.from({ length: 60 }, () => "bbbb").join(".")}.dev`,
  "@shop.dev",
  "ada@",
  "",
]
for (const email of hostile) {
  test(`refuses ${JSON.stringify(email)}`, () => {
    assert.equal(isEmailAddress(email), false)
    assert.throws(
      () => parseContactMessageBody({ ...contact, email }),
      (err: unknown) => (err as { field?: string }).field === "email"
    )
  })
}

test("the reply link encodes the address: no header, recipient or fragment can ride in it", () => {
  assert.equal(mailtoHref("ada.lovelace+shop@teststore.dev"), "mailto:ada.lovelace%2Bshop@teststore.dev")
  assert.equal(mailtoHref("ada@teststore.dev", "Re: Where & when?"), "mailto:ada@teststore.dev?subject=Re%3A%20Where%20%26%20when%3F")
  // A message stored before the strict rule keeps its address as text, never as link syntax.
  for (const stored of [
    "ada@shop.dev?bcc=thief@evil.example",
    "ada&bcc=thief@evil.example@shop.dev",
    "ada@shop.dev#x",
    "a,b@shop.dev",
    "no-at-sign?cc=x",
  ]) {
    const href = mailtoHref(stored, "Re: hi")
    const url = new URL(href)
    assert.deepEqual([...url.searchParams.keys()], ["subject"], `${stored} -> ${href}`)
    assert.equal(url.hash, "", href)
    assert.doesNotMatch(url.pathname, /[?&#,]/, href)
    assert.equal(decodeURIComponent(url.pathname), stored)
  }
})
