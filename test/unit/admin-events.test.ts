import { test } from "node:test"
import assert from "node:assert/strict"
import { adminEventNames, roleDefaultEvents } from "../../src/core/catalogue/admin-events"
import { buildEventRules } from "../../src/core/catalogue/event-rules"

const rules = buildEventRules(undefined)
const admin = adminEventNames(rules)

test("adminEventNames lists each admin event once, none of the customer-only ones", () => {
  assert.ok(admin.includes("order.placed"))
  assert.ok(admin.includes("contact_message.created"))
  assert.equal(new Set(admin).size, admin.length)
  const customerOnly = rules.filter((r) => r.audience === "customer" && !rules.some((o) => o.audience === "admin" && o.event === r.event))
  assert.ok(customerOnly.length > 0)
  for (const r of customerOnly) assert.ok(!admin.includes(r.event), r.event)
})

test("roleDefaultEvents: every admin event for admins, a missing or unknown role; a subset for member and developer", () => {
  assert.deepEqual(roleDefaultEvents("admin", admin), admin)
  assert.deepEqual(roleDefaultEvents(undefined, admin), admin)
  assert.deepEqual(roleDefaultEvents("constructor", admin), admin)
  assert.deepEqual(
    roleDefaultEvents("developer", admin),
    ["order.payment_capture_failed"].filter((e) => admin.includes(e))
  )
  const member = roleDefaultEvents("member", admin)
  assert.ok(member.includes("order.placed") && member.includes("contact_message.created"))
  assert.ok(!member.includes("order.payment_capture_failed"))
  assert.deepEqual(roleDefaultEvents("member", ["order.placed"]), ["order.placed"])
})
