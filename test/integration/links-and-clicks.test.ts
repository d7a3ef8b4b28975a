/**
 * Links stay home and clicks need their token (issue 11, item 7), against the real store: a
 * broadcast, a template save and a resend with a link to another site answer 400 naming the field
 * and store nothing; an allowlisted host passes and reaches the device; a click is recorded only
 * with the token the delivered notification carries.
 */
import assert from "node:assert/strict"
import { after, before, describe, it } from "node:test"
import type { EntityManager } from "typeorm"
import { registerCustomer } from "../support/order-flow"
import { startTestStore, TestStore } from "../support/environment"
import type { ReceivedMessage } from "../support/push-service"

interface Payload {
  title: string
  url: string
  icon?: string
  data: { message_id: string; delivery_id: string; click_token: string }
}

const payloadOf = (m: ReceivedMessage): Payload => m.payload as Payload

describe("links stay home; a click needs its delivery's token", () => {
  let store: TestStore
  let db: EntityManager

  const count = async (table: string, where = "TRUE", params: unknown[] = []): Promise<number> => {
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM "${table}" WHERE ${where}`, params)
    return n
  }
  const admin = () => ({ apiToken: store.admin.apiToken })

  before(async () => {
    store = await startTestStore("links_clicks", {
      pluginOptions: { link_allowlist: ["help.partner.example", "*.cdn.partner.example"], held_categories: [] },
    })
    db = store.app.container.resolve<EntityManager>("manager")
  })

  after(async () => {
    await store?.stop()
  })

  it("a broadcast linking to another site answers 400 naming the field and records nothing", async () => {
    const before = await count("push_message")
    const cases: Array<[string, Record<string, unknown>]> = [
      ["url", { url: "https://evil.example/x" }],
      ["url", { url: "https://shop.teststore.dev@evil.example/x" }],
      ["url", { url: "//evil.example/x" }],
      ["icon", { icon: "https://evil.example/i.png" }],
      ["image", { image: "http://help.partner.example/p.png" }],
    ]
    for (const [field, link] of cases) {
      const res = await store.http.request<{ field?: string; message?: string }>("POST", "/admin/push/broadcasts", {
        ...admin(),
        body: { title: "Flash sale", body: "Everything must go", category: "promotions", ...link },
      })
      assert.equal(res.status, 400, `${JSON.stringify(link)}: ${JSON.stringify(res.body)}`)
      assert.equal(res.body.field, field)
      assert.match(res.body.message ?? "", /link_allowlist|another host|user name/)
    }
    assert.equal(await count("push_message"), before)
  })

  it("a template save or preview linking to another site answers 400 naming the field and saves nothing", async () => {
    const path = "/admin/push/templates/order.placed/customer"
    for (const [field, body] of [
      ["url", { url: "https://evil.example/x" }],
      ["url", { locale: "fr", url: "https://evil.example/{{order.id}}" }],
      ["image", { image: "javascript:alert(1)" }],
    ] as const) {
      const res = await store.http.request<{ field?: string }>("POST", path, { ...admin(), body })
      assert.equal(res.status, 400, JSON.stringify(res.body))
      assert.equal(res.body.field, field)
    }
    const preview = await store.http.request<{ field?: string }>("POST", "/admin/push/templates/preview", {
      ...admin(),
      body: { event: "order.placed", audience: "customer", template: { url: "https://evil.example/x" } },
    })
    assert.equal(preview.status, 400)
    assert.equal(preview.body.field, "template.url")
    assert.equal(await count("push_template"), 0)

    // Placeholders in a path on the storefront, the admin's origin and an allowlisted host pass.
    await store.http.expect(200, "POST", path, { ...admin(), body: { url: "/account/orders/{{order.id}}" } })
    await store.http.expect(200, "POST", path, { ...admin(), body: { locale: "fr", url: "https://help.partner.example/fr/{{order.id}}" } })
    await store.http.expect(200, "POST", "/admin/push/templates/order.placed/admin", {
      ...admin(),
      body: { url: "https://admin.teststore.dev/a/orders/{{order.id}}" },
    })
    assert.equal(await count("push_template"), 3)
    await store.http.expect(200, "DELETE", path, admin())
    await store.http.expect(200, "DELETE", "/admin/push/templates/order.placed/admin", admin())
  })

  it("an allowlisted link reaches the device; its click is recorded only with the notification's token", async () => {
    const customer = await registerCustomer(store.http, "clicker@teststore.dev")
    const phone = store.push.createDevice("clicker-phone")
    await store.http.expect(201, "POST", "/store/push/subscriptions", {
      token: customer.token,
      body: { subscription: phone.subscription, categories: ["promotions"] },
    })
    await store.http.expect(202, "POST", "/admin/push/broadcasts", {
      ...admin(),
      body: {
        title: "Partner sale",
        body: "See the partner's page",
        category: "promotions",
        url: "https://help.partner.example/sale",
        icon: "https://img.cdn.partner.example/icon.png",
      },
    })
    const [received] = await store.push.waitForMessages((m) => m.label === "clicker-phone" && payloadOf(m).title === "Partner sale", 1)
    const payload = payloadOf(received)
    assert.equal(payload.url, "https://help.partner.example/sale")
    assert.equal(payload.icon, "https://img.cdn.partner.example/icon.png")
    const { delivery_id: deliveryId, click_token: token } = payload.data
    assert.match(token, /^[A-Za-z0-9_-]{43}$/)
    assert.ok(!token.includes(deliveryId))

    const clickedAt = async (): Promise<Date | null> =>
      (await db.query(`SELECT "clicked_at" FROM "push_delivery" WHERE "id" = $1`, [deliveryId]))[0].clicked_at

    // The delivery id alone, or with a token that is not its own, records nothing.
    const missing = await store.http.request<{ field?: string }>("POST", "/store/push/clicks", { body: { delivery_id: deliveryId } })
    assert.equal(missing.status, 400)
    assert.equal(missing.body.field, "click_token")
    const flipped = token.replace(/^./, (c) => (c === "A" ? "B" : "A"))
    for (const wrong of [flipped, "A".repeat(43)]) {
      await store.http.expect(404, "POST", "/store/push/clicks", { body: { delivery_id: deliveryId, click_token: wrong } })
    }
    // Another delivery's token (the same token for a different id) is no key either.
    await store.http.expect(404, "POST", "/store/push/clicks", { body: { delivery_id: "pushdel_01NOSUCHDELIVERY", click_token: token } })
    assert.equal(await clickedAt(), null)

    await store.http.expect(204, "POST", "/store/push/clicks", { body: { delivery_id: deliveryId, click_token: token, action: "open" } })
    assert.ok((await clickedAt()) instanceof Date)
  })

  it("a stored message whose link no longer follows the rule is not resent", async () => {
    const [message] = await db.query(
      `SELECT "id" FROM "push_message" WHERE "event_name" = 'web_push.broadcast' ORDER BY "created_at" DESC LIMIT 1`
    )
    assert.ok(message, "the broadcast of the previous test is recorded")
    // As if recorded before the rule, or before the host left link_allowlist.
    await db.query(`UPDATE "push_message" SET "payload" = jsonb_set("payload", '{url}', '"https://evil.example/x"') WHERE "id" = $1`, [
      message.id,
    ])
    const before = await count("push_message")
    const res = await store.http.request<{ field?: string }>("POST", `/admin/push/messages/${message.id}/resend`, admin())
    assert.equal(res.status, 400, JSON.stringify(res.body))
    assert.equal(res.body.field, "url")
    assert.equal(await count("push_message"), before)
  })
})
