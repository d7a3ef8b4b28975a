import assert from "node:assert/strict"
import { after, before, describe, it } from "node:test"
import type { EntityManager } from "typeorm"
import { runDueWork, useTestClock, type TestClock } from "../support/clock"
import { startTestStore, TestStore } from "../support/environment"
import { eventually, pause } from "../support/eventually"
import { placeOrder, registerCustomer } from "../support/order-flow"
import type { Device, ReceivedMessage } from "../support/push-service"
import { adminBearer, createAdmin } from "../support/seed"
import { EVENT_CATALOGUE } from "../../src/core/catalogue/default-events"

interface Payload {
  title: string
  body: string
  data: { message_id: string }
}
const payloadOf = (m: ReceivedMessage): Payload => m.payload as Payload

describe("preferences, languages and timing", () => {
  let store: TestStore
  let db: EntityManager
  /** The engine's clock, stopped: each test sets the time it needs. */
  let clock: TestClock

  const customerDevice = async (email: string, label: string, extra: Record<string, unknown> = {}) => {
    const customer = await registerCustomer(store.http, email)
    const device = store.push.createDevice(label)
    await store.http.expect(201, "POST", "/store/push/subscriptions", {
      token: customer.token,
      body: { subscription: device.subscription, ...extra },
    })
    return { customer, device }
  }

  const broadcast = (category: string, title: string) =>
    store.http.expect<{ message: { id: string } }>(202, "POST", "/admin/push/broadcasts", {
      apiToken: store.admin.apiToken,
      body: { title, body: "Only this week", category },
    })

  const deliveryOf = async (messageId: string, device: Device) => {
    const [row] = await db.query(
      `SELECT d.* FROM "push_delivery" d JOIN "push_subscription" s ON s."id" = d."subscription_id"
       WHERE d."message_id" = $1 AND s."endpoint" = $2`,
      [messageId, device.endpoint]
    )
    return row
  }

  before(async () => {
    store = await startTestStore("preferences", {
      pluginOptions: {
        retry_poll_ms: 200,
        categories: ["flash_sales", "night_owls"],
        held_categories: ["promotions", "announcements", "night_owls"],
        frequency_caps: { promotions: 3, flash_sales: 3 },
      },
    })
    db = store.app.container.resolve<EntityManager>("manager")
    clock = useTestClock(store)
    clock.freeze(new Date("2026-11-30T12:00:00Z"))
  })

  after(async () => {
    await store?.stop()
  })

  it("a fr-CA reader gets the French text, with euros written the French way", async () => {
    const { customer, device } = await customerDevice("amelie@teststore.dev", "amelie", { locale: "fr-CA" })
    const order = await placeOrder(store.http, store.catalog, { token: customer.token, email: customer.email })
    const [message] = await store.push.waitForMessages((m) => m.deviceId === device.id, 1)
    assert.equal(payloadOf(message).title, `Commande n°${order.displayId} confirmée`)
    assert.match(payloadOf(message).body, /^Merci Ada ! .* 89,00\s€\.$/u)
  })

  it("a customer who turned order updates off receives nothing; unknown categories are refused", async () => {
    const { customer, device } = await customerDevice("quiet@teststore.dev", "quiet")
    const refused = await store.http.request<{ field: string }>("POST", "/store/push/preferences", {
      body: { endpoint: device.endpoint, auth: device.keys.auth, categories: ["orders"] },
    })
    assert.equal(refused.status, 400)
    assert.equal(refused.body.field, "categories")
    await store.http.expect(200, "POST", "/store/push/preferences", {
      body: { endpoint: device.endpoint, auth: device.keys.auth, categories: ["promotions"] },
    })
    const order = await placeOrder(store.http, store.catalog, { token: customer.token, email: customer.email })
    await eventually("the order's events handled", async () => {
      const [row] = await db.query(`SELECT count(*)::int AS n FROM "staged_job"`)
      return row.n === 0
    })
    await pause(1500) // nothing to wait for: give the order's event handlers time to finish
    assert.equal(store.push.messagesFor(device.id).length, 0)
    assert.equal(
      (await db.query(`SELECT * FROM "push_message" WHERE "resource_id" = $1 AND "audience" = 'customer'`, [order.id])).length,
      0
    )
  })

  it("a promotion at 03:00 for the reader waits for the window's opening (clock injected)", async () => {
    const { device } = await customerDevice("tokyo@teststore.dev", "tokyo", {
      categories: ["order_updates", "announcements"],
      time_zone: "Asia/Tokyo",
    })
    clock.freeze(new Date("2026-11-27T18:00:00Z")) // 03:00 in Tokyo
    const { message } = await broadcast("announcements", "Night owl sale")
    const held = await eventually("the delivery held", async () => {
      const row = await deliveryOf(message.id, device)
      return row?.status === "scheduled" ? row : undefined
    })
    assert.equal(new Date(held.next_attempt_at).toISOString(), "2026-11-28T00:00:00.000Z", "09:00 in Tokyo")
    clock.freeze(new Date("2026-11-27T23:59:59Z")) // a second before the window opens
    await runDueWork(store)
    assert.equal((await deliveryOf(message.id, device)).status, "scheduled", "still held")
    assert.equal(store.push.messagesFor(device.id).length, 0, "nothing sent at night")

    clock.freeze(new Date("2026-11-28T00:00:05Z")) // 09:00:05 in Tokyo
    const [arrived] = await store.push.waitForMessages((m) => m.deviceId === device.id, 1)
    assert.equal(payloadOf(arrived).title, "Night owl sale")
    clock.freeze(new Date("2026-11-30T12:00:00Z"))
  })

  it("a broadcast says how many readers get it now and how many wait for their window, and until when (clock injected)", async () => {
    clock.freeze(new Date("2026-11-30T10:00:00Z")) // 19:00 in Tokyo (inside the window), 05:00 in New York (outside)
    const opening = "2026-11-30T14:00:00.000Z" // 09:00 in New York
    const { device: tokyo } = await customerDevice("owl-tokyo@teststore.dev", "owl-tokyo", {
      categories: ["night_owls"],
      time_zone: "Asia/Tokyo",
    })
    const { device: newYork } = await customerDevice("owl-ny@teststore.dev", "owl-ny", {
      categories: ["night_owls"],
      time_zone: "America/New_York",
    })
    const apiToken = store.admin.apiToken
    const body = { title: "Owl sale", body: "Only tonight", category: "night_owls" }

    const dry = await store.http.expect(200, "POST", "/admin/push/broadcasts", { apiToken, body: { ...body, dry_run: true } })
    assert.deepEqual(dry, {
      dry_run: true,
      segment: null,
      recipient_count: 2,
      sending_now: 1,
      held_for_window: 1,
      next_window_opens_at: opening,
    })
    // A category that is not held: everyone now, no opening.
    const free = await store.http.expect<Record<string, unknown>>(200, "POST", "/admin/push/broadcasts", {
      apiToken,
      body: { ...body, category: "flash_sales", dry_run: true },
    })
    assert.equal(free.held_for_window, 0)
    assert.equal(free.sending_now, free.recipient_count)
    assert.equal(free.next_window_opens_at, null)

    const headers = { "Idempotency-Key": "owl-sale-0001" }
    const { message, ...reach } = await store.http.expect<{ message: { id: string } }>(202, "POST", "/admin/push/broadcasts", {
      apiToken,
      body,
      headers,
    })
    assert.deepEqual(reach, { segment: null, recipient_count: 2, sending_now: 1, held_for_window: 1, next_window_opens_at: opening })
    await store.push.waitForMessages((m) => m.deviceId === tokyo.id && payloadOf(m).title === "Owl sale", 1)

    type View = { id: string; status: string; delivered_count: number; held_count: number; next_window_opens_at: string | null }
    const detail = () => store.http.expect<{ message: View }>(200, "GET", `/admin/push/messages/${message.id}`, { apiToken })
    const waiting = await eventually("Tokyo's delivery recorded", async () => {
      const d = await detail()
      return d.message.delivered_count === 1 ? d.message : undefined
    })
    assert.equal(waiting.status, "sending")
    assert.equal(waiting.held_count, 1)
    assert.equal(waiting.next_window_opens_at, opening)
    const list = await store.http.expect<{ messages: View[] }>(200, "GET", "/admin/push/messages?audience=broadcast&limit=100", {
      apiToken,
    })
    const listed = list.messages.find((m) => m.id === message.id)
    assert.equal(listed?.held_count, 1)
    assert.equal(listed?.next_window_opens_at, opening)
    // The same request retried answers the recorded message's numbers.
    const again = await store.http.expect<Record<string, unknown>>(202, "POST", "/admin/push/broadcasts", { apiToken, body, headers })
    assert.deepEqual(
      { ...again, message: undefined },
      { message: undefined, segment: null, recipient_count: 2, sending_now: 1, held_for_window: 1, next_window_opens_at: opening }
    )
    clock.freeze(new Date("2026-11-30T13:59:59Z")) // a second before the window opens
    await runDueWork(store)
    assert.equal((await deliveryOf(message.id, newYork)).status, "scheduled", "still held")
    assert.equal(store.push.messagesFor(newYork.id).length, 0, "nothing sent before 09:00 in New York")

    clock.freeze(new Date("2026-11-30T14:00:05Z"))
    await store.push.waitForMessages((m) => m.deviceId === newYork.id && payloadOf(m).title === "Owl sale", 1)
    const done = await eventually("the message done", async () => {
      const d = await detail()
      return d.message.status === "done" ? d.message : undefined
    })
    assert.equal(done.delivered_count, 2)
    assert.equal(done.held_count, 0)
    assert.equal(done.next_window_opens_at, null)
    clock.freeze(new Date("2026-11-30T12:00:00Z"))
  })

  it("a scheduled broadcast goes at its time", async () => {
    const { device } = await customerDevice("planner@teststore.dev", "planner", { categories: ["flash_sales"] })
    const sendAt = new Date(clock.now().getTime() + 60 * 60 * 1000)
    const { message } = await store.http.expect<{ message: { id: string; status: string } }>(202, "POST", "/admin/push/broadcasts", {
      apiToken: store.admin.apiToken,
      body: { title: "Doors open", body: "The sale starts now", category: "flash_sales", send_at: sendAt.toISOString() },
    })
    assert.equal(message.status, "scheduled")
    clock.freeze(new Date(sendAt.getTime() - 1000))
    await runDueWork(store)
    const [waiting] = await db.query(`SELECT "status" FROM "push_message" WHERE "id" = $1`, [message.id])
    assert.equal(waiting.status, "scheduled", "not started a second early")
    assert.equal(store.push.messagesFor(device.id).length, 0)
    clock.freeze(new Date(sendAt.getTime() + 1000))
    await store.push.waitForMessages((m) => m.deviceId === device.id && payloadOf(m).title === "Doors open", 1)
    clock.freeze(new Date("2026-11-30T12:00:00Z"))
  })

  it("a fourth promotion in a week is skipped, with the reason recorded", async () => {
    const { device } = await customerDevice("bargains@teststore.dev", "bargains", { categories: ["flash_sales"] })
    const ids: string[] = []
    for (const n of [1, 2, 3, 4]) {
      clock.freeze(new Date(Date.UTC(2026, 11, n, 12))) // four days in a row, each at noon UTC
      const { message } = await broadcast("flash_sales", `Deal #${n}`)
      ids.push(message.id)
      await eventually(`deal ${n} settled`, async () => {
        const row = await deliveryOf(message.id, device)
        return row && ["delivered", "skipped"].includes(row.status) ? row : undefined
      })
    }
    const fourth = await deliveryOf(ids[3], device)
    assert.equal(fourth.status, "skipped")
    assert.match(fourth.last_error, /frequency_cap: at most 3 flash_sales per week/)
    const titles = store.push
      .messagesFor(device.id)
      .map((m) => payloadOf(m).title)
      .filter((t) => t.startsWith("Deal"))
    assert.deepEqual(titles, ["Deal #1", "Deal #2", "Deal #3"])
    clock.freeze(new Date("2026-11-30T12:00:00Z"))
  })

  it("an admin who chose only contact messages gets no new-order alert", async () => {
    const picky = await createAdmin(store.app.container, "picky@teststore.dev")
    const token = await adminBearer(store.http, picky.email)
    const pickyDevice = store.push.createDevice("picky-admin")
    const allDevice = store.push.createDevice("all-admin")
    await store.http.expect(201, "POST", "/admin/push/subscriptions", { token, body: { subscription: pickyDevice.subscription } })
    await store.http.expect(201, "POST", "/admin/push/subscriptions", {
      apiToken: store.admin.apiToken,
      body: { subscription: allDevice.subscription },
    })
    const prefs = await store.http.expect<{ events: string[] }>(200, "GET", "/admin/push/preferences", { token })
    assert.ok(prefs.events.includes("order.placed"), "an admin gets every store event by default")
    await store.http.expect(200, "POST", "/admin/push/preferences", { token, body: { events: ["contact_message.created"] } })

    const order = await placeOrder(store.http, store.catalog, { email: "walk-in@teststore.dev" })
    await store.push.waitForMessages((m) => m.deviceId === allDevice.id && payloadOf(m).title.includes(`#${order.displayId}`), 1)
    await store.http.expect(201, "POST", "/store/contact-messages", { body: { name: "Kim", email: "kim@example.org", message: "Hello" } })
    await store.push.waitForMessages((m) => m.deviceId === pickyDevice.id && payloadOf(m).title.includes("Kim"), 1)
    assert.deepEqual(
      store.push.messagesFor(pickyDevice.id).filter((m) => payloadOf(m).title.includes(`#${order.displayId}`)),
      [],
      "no new-order alert for the admin who chose only contact messages"
    )
  })

  it("renders every default template in every shipped language with a real order, fully translated", async () => {
    const { templates } = await store.http.expect<{ templates: Array<{ event: string; audience: string; loads: string }> }>(
      200,
      "GET",
      "/admin/push/templates",
      { apiToken: store.admin.apiToken }
    )
    assert.equal(templates.length, EVENT_CATALOGUE.length)
    for (const t of templates) {
      const english = await store.http.expect<{ notification: { title: string; body: string } }>(
        200,
        "POST",
        "/admin/push/templates/preview",
        {
          apiToken: store.admin.apiToken,
          body: { event: t.event, audience: t.audience, locale: "en" },
        }
      )
      for (const locale of ["fr", "de", "es"]) {
        const { notification } = await store.http.expect<{ notification: { title: string; body: string } }>(
          200,
          "POST",
          "/admin/push/templates/preview",
          {
            apiToken: store.admin.apiToken,
            body: { event: t.event, audience: t.audience, locale },
          }
        )
        const text = `${notification.title} ${notification.body}`
        assert.doesNotMatch(text, /\{\{|undefined|null|\[object/, `${t.event} ${t.audience} ${locale}: ${text}`)
        assert.notEqual(notification.title, english.notification.title, `${t.event} ${t.audience} is translated into ${locale}`)
        assert.notEqual(notification.body, english.notification.body, `${t.event} ${t.audience} body is translated into ${locale}`)
      }
    }
  })

  it("an admin's template change is used from the next send on, and reset restores the default", async () => {
    const { customer, device } = await customerDevice("custom@teststore.dev", "custom")
    await store.http.expect(200, "POST", "/admin/push/templates/order.placed/customer", {
      apiToken: store.admin.apiToken,
      body: { locale: "en", title: "We got it! Order {{order.display_id}}" },
    })
    const preview = await store.http.expect<{ notification: { title: string } }>(200, "POST", "/admin/push/templates/preview", {
      apiToken: store.admin.apiToken,
      body: { event: "order.placed", audience: "customer", template: { title: "Preview {{order.display_id}}" } },
    })
    assert.match(preview.notification.title, /^Preview \d+$/)
    const order = await placeOrder(store.http, store.catalog, { token: customer.token, email: customer.email })
    const [message] = await store.push.waitForMessages((m) => m.deviceId === device.id, 1)
    assert.equal(payloadOf(message).title, `We got it! Order ${order.displayId}`)
    await store.http.expect(200, "DELETE", "/admin/push/templates/order.placed/customer?locale=en", { apiToken: store.admin.apiToken })
    const again = await placeOrder(store.http, store.catalog, { token: customer.token, email: customer.email })
    await store.push.waitForMessages((m) => m.deviceId === device.id && payloadOf(m).title === `Order #${again.displayId} confirmed`, 1)
  })
})
