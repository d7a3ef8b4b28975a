import { test } from "node:test"
import assert from "node:assert/strict"
import { audienceColumns, audienceOf, type AudienceSpec } from "../../src/core/delivery/audience"
import { audienceCondition } from "../../src/delivery/audience-sql"
import { ownerKey } from "../../src/core/subscriptions/subscription-owner"

const AT = new Date("2026-11-30T12:00:00Z")

const specs: AudienceSpec[] = [
  { kind: "customer", customerId: "cus_1", orderId: "order_1", at: AT, category: "order_updates" },
  { kind: "customer", customerId: null, orderId: "order_2", at: AT, category: "order_updates" },
  { kind: "customer", customerId: "cus_3", orderId: null, at: AT, category: "order_updates" },
  { kind: "admin", category: "order.placed" },
  { kind: "user", userId: "usr_1" },
  { kind: "broadcast", category: "promotions" },
  { kind: "broadcast", category: "promotions", segment: { region_ids: ["reg_1"], ordered_within_days: 30 }, at: AT },
  { kind: "device", subscriptionId: "pushsub_1", category: "welcome" },
  { kind: "customer", customerId: null, orderId: null, at: AT, category: "cart_reminders", subscriptionId: "pushsub_1" },
  { kind: "watchers", messageId: "pushmsg_1", category: "product_alerts" },
]

for (const spec of specs) {
  test(`a ${spec.kind} audience survives being stored on its message (${JSON.stringify(spec)})`, () => {
    assert.deepEqual(audienceOf(audienceColumns(spec)), spec)
  })
}

test("a customer audience is the customer's devices or the order's guest devices unexpired at its time", () => {
  const { sql, params } = audienceCondition(specs[0], 3)
  assert.deepEqual(params, ["cus_1", "order_1", AT, "order_updates", null])
  assert.match(sql, /s\."customer_id" = \$3::text/)
  assert.match(sql, /s\."order_id" = \$4::text AND s\."guest_expires_at" > COALESCE\(\$5::timestamptz, now\(\)\)/)
  assert.match(sql, /\$6 = ANY\(s\."categories"\)/)
})

test("a cart reminder's audience adds the one device that registered the cart", () => {
  const { sql, params } = audienceCondition(specs[8], 1)
  assert.deepEqual(params, [null, null, AT, "cart_reminders", "pushsub_1"])
  assert.match(
    sql,
    /OR \(s\."id" = \$5::text AND \(s\."guest_expires_at" IS NULL OR s\."guest_expires_at" > COALESCE\(\$3::timestamptz, now\(\)\)\)\)\)/
  )
  assert.match(sql, /\$4 = ANY\(s\."categories"\)/)
})

test("a resend takes the guest devices subscribed at its own time", () => {
  const later = new Date("2027-01-15T00:00:00Z")
  const audience = audienceOf(audienceColumns(specs[0]), later)
  assert.equal(audience.kind === "customer" && audience.at, later)
})

test("admin and single-user audiences leave out deleted or missing admins; broadcasts leave out guests", () => {
  for (const spec of [specs[3], specs[4]]) {
    assert.match(
      audienceCondition(spec, 1).sql,
      /EXISTS \(SELECT 1 FROM "user" u WHERE u\."id" = s\."user_id" AND u\."deleted_at" IS NULL\)/
    )
  }
  assert.match(audienceCondition(specs[5], 1).sql, /s\."customer_id" IS NOT NULL/)
})

test("devices are capped per customer, per guest order, per admin", () => {
  assert.deepEqual(ownerKey({ customer_id: "cus_1" }), ["customer_id", "cus_1"])
  assert.deepEqual(ownerKey({ order_id: "order_1", guest_expires_at: AT }), ["order_id", "order_1"])
  assert.deepEqual(ownerKey({ user_id: "usr_1" }), ["user_id", "usr_1"])
})

test("a segmented broadcast is evaluated at its recorded time; a resend at its own", () => {
  const stored = audienceColumns(specs[6])
  assert.equal(stored.audience_at, AT)
  const { sql, params } = audienceCondition(audienceOf(stored), 1)
  assert.deepEqual(params, ["promotions", AT, ["reg_1"], 30])
  assert.match(sql, /o\."created_at" <= \$2::timestamptz/)
  assert.match(sql, /o\."created_at" > \$2::timestamptz - \$4::int \* interval '1 day'/)
  const later = new Date("2027-01-15T00:00:00Z")
  const resent = audienceOf(stored, later)
  assert.equal(resent.kind === "broadcast" && resent.at, later)
})

test("a product alert's audience is the devices whose alerts its message used up, whatever their categories", () => {
  const { sql, params } = audienceCondition(specs[9], 1)
  assert.deepEqual(params, ["pushmsg_1"])
  assert.match(sql, /a\."message_id" = \$1 AND a\."subscription_id" = s\."id"/)
  assert.doesNotMatch(sql, /categories/)
  assert.equal(audienceColumns(specs[9]).audience_key, "pushmsg_1")
})

test("a device audience is that one customer device, whatever its categories", () => {
  const { sql, params } = audienceCondition(specs[7], 1)
  assert.deepEqual(params, ["pushsub_1"])
  assert.equal(sql, 's."id" = $1 AND s."customer_id" IS NOT NULL')
  assert.equal(audienceColumns(specs[7]).audience, "device")
})
