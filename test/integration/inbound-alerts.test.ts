/**
 * Inbound alerts on the real store: chat tools (Chatwoot, Crisp) and anything that signs Standard
 * Webhooks alert admins through POST /hooks/web-push/alerts/<source>; every refused request
 * stores nothing and alerts nobody; a burst becomes a summary.
 */
import assert from "node:assert/strict"
import { randomBytes } from "node:crypto"
import http from "node:http"
import { after, before, describe, it } from "node:test"
import type { EntityManager } from "typeorm"
import { signChatwoot } from "../../src/core/inbound/chatwoot"
import { signCrisp } from "../../src/core/inbound/crisp"
import { parseWebhookSecret, signStandardWebhook } from "../../src/core/inbound/standard-webhooks"
import { advanceClock, runDueWork, useTestClock } from "../support/clock"
import { startTestStore, TestStore } from "../support/environment"
import { eventually, pause } from "../support/eventually"
import { adminBearer } from "../support/seed"
import type { Device, ReceivedMessage } from "../support/push-service"

const CHATWOOT_SECRET = "cw-secret-" + randomBytes(12).toString("hex")
const CRISP_SECRET = "crisp-secret-" + randomBytes(12).toString("hex")
const OPS_SECRET = `whsec_${randomBytes(32).toString("base64")}`
const TOKEN = randomBytes(32).toString("base64url")
const CHATWOOT_BASE = "https://chat.teststore.dev"

type Payload = { title: string; body: string; url: string }
const payloadOf = (m: ReceivedMessage): Payload => m.payload as Payload

let messageSeq = 1000
/** A Chatwoot `message_created` as its docs show it (trimmed). */
function chatwootMessage(over: { content?: string; messageType?: string; name?: string; id?: number; private?: boolean } = {}): string {
  return JSON.stringify({
    event: "message_created",
    id: over.id ?? ++messageSeq,
    content: over.content ?? "Hi, is the blue mug back in stock?",
    created_at: "2026-11-30T07:00:00.000Z",
    message_type: over.messageType ?? "incoming",
    content_type: "text",
    private: over.private ?? false,
    sender: { id: 14, name: over.name ?? "Ada", type: over.messageType === "outgoing" ? "user" : "contact" },
    inbox: { id: 1, name: "Shop chat" },
    conversation: { id: 42, inbox_id: 1, channel: "Channel::WebWidget", status: "open" },
    account: { id: 7, name: "Teststore" },
  })
}

function chatwootHeaders(body: string, secret = CHATWOOT_SECRET, at = Date.now()): Record<string, string> {
  const ts = Math.floor(at / 1000)
  return { "content-type": "application/json", "x-chatwoot-timestamp": String(ts), "x-chatwoot-signature": signChatwoot(secret, ts, body) }
}

describe("inbound alerts: chat tools and signed systems alert admins", () => {
  let store: TestStore
  let db: EntityManager
  let adminDevice: Device
  let memberDevice: Device
  let developerDevice: Device
  let pickyDevice: Device
  const problems: string[] = []

  const alertRows = async (): Promise<number> => (await db.query(`SELECT count(*)::int AS n FROM "push_inbound_alert"`))[0].n
  const received = (device: Device, pattern: RegExp): ReceivedMessage[] =>
    store.push.messagesFor(device.id).filter((m) => pattern.test(`${payloadOf(m).title} ${payloadOf(m).body}`))
  const hook = (path: string, body: string, headers: Record<string, string>) =>
    store.http.request("POST", `/hooks/web-push/alerts/${path}`, { rawBody: body, headers })

  async function adminWithRole(email: string, role: string): Promise<string> {
    await store.app.container
      .resolve<{ create(u: Record<string, unknown>, p: string): Promise<unknown> }>("userService")
      .create({ email, role, first_name: role }, "supersecret")
    return adminBearer(store.http, email)
  }

  async function subscribeAdmin(auth: { token?: string; apiToken?: string }, label: string): Promise<Device> {
    const device = store.push.createDevice(label)
    await store.http.expect(201, "POST", "/admin/push/subscriptions", { ...auth, body: { subscription: device.subscription } })
    return device
  }

  before(async () => {
    store = await startTestStore("inbound_alerts", {
      pluginOptions: {
        inbound_sources: {
          chat: { provider: "chatwoot", secret: CHATWOOT_SECRET, base_url: CHATWOOT_BASE },
          support: { provider: "chatwoot", secret: CHATWOOT_SECRET, base_url: CHATWOOT_BASE },
          crisp: { provider: "crisp", secret: CRISP_SECRET },
          ops: { secret: OPS_SECRET, roles: ["admin", "developer"] },
          legacy: { token: TOKEN },
        },
        admin_alerts: { events: { "inbound.support": { limit: 5, window_minutes: 10 } } },
      },
    })
    db = store.app.container.resolve<EntityManager>("manager")
    const logger = store.app.container.resolve<Record<string, (...args: unknown[]) => unknown>>("logger")
    for (const level of ["error", "warn"]) {
      const original = logger[level]
      logger[level] = (...args: unknown[]) => {
        problems.push(args.map(String).join(" "))
        return original.apply(logger, args)
      }
    }
    adminDevice = await subscribeAdmin({ apiToken: store.admin.apiToken }, "admin")
    memberDevice = await subscribeAdmin({ token: await adminWithRole("member@teststore.dev", "member") }, "member")
    developerDevice = await subscribeAdmin({ token: await adminWithRole("developer@teststore.dev", "developer") }, "developer")
    const pickyToken = await adminWithRole("picky@teststore.dev", "admin")
    pickyDevice = await subscribeAdmin({ token: pickyToken }, "picky")
    await store.http.expect(200, "POST", "/admin/push/preferences", { token: pickyToken, body: { events: ["order.placed"] } })
  })

  after(async () => {
    await store?.stop()
  })

  after(() => {
    assert.deepEqual(problems, [], "no error or warning was logged")
  })

  it("a signed Chatwoot visitor message alerts every admin who chose chat alerts, with a link to the conversation", async () => {
    const body = chatwootMessage({ id: 501 })
    const res = await hook("chat", body, chatwootHeaders(body))
    assert.equal(res.status, 202, JSON.stringify(res.body))
    for (const device of [adminDevice, memberDevice]) {
      await eventually(`the ${device.label} device is alerted`, () => received(device, /New chat message from Ada/).length === 1)
      const alert = payloadOf(received(device, /New chat message from Ada/)[0])
      assert.equal(alert.body, "Hi, is the blue mug back in stock?")
      assert.equal(alert.url, `${CHATWOOT_BASE}/app/accounts/7/conversations/42`)
    }
    await runDueWork(store)
    assert.equal(received(developerDevice, /chat message/).length, 0, "a developer gets chat alerts only when they choose them")
    assert.equal(received(pickyDevice, /chat message/).length, 0, "an admin who chose only orders gets none")
  })

  it("refused or empty requests store nothing and alert nobody", async () => {
    const before = await alertRows()
    const sent = store.push.messages.length
    const agentReply = chatwootMessage({ messageType: "outgoing", content: "Yes, it is!" })
    const note = chatwootMessage({ private: true, content: "internal note" })
    const fresh = chatwootMessage({ content: "tampered" })
    const old = chatwootMessage({ content: "from the past" })
    const cases: Array<[string, string, string, Record<string, string>, number]> = [
      ["an agent's own reply", "chat", agentReply, chatwootHeaders(agentReply), 200],
      ["a private note", "chat", note, chatwootHeaders(note), 200],
      ["a wrong signature", "chat", fresh, chatwootHeaders(fresh, "not-the-secret-at-all"), 401],
      ["a body changed after signing", "chat", fresh.replace("tampered", "tampered!"), chatwootHeaders(fresh), 401],
      ["no signature", "chat", fresh, { "content-type": "application/json" }, 401],
      ["a timestamp 6 minutes old", "chat", old, chatwootHeaders(old, CHATWOOT_SECRET, Date.now() - 6 * 60_000), 401],
      [
        "a form-encoded body",
        "chat",
        `payload=${encodeURIComponent(fresh)}`,
        { ...chatwootHeaders(`payload=${encodeURIComponent(fresh)}`), "content-type": "application/x-www-form-urlencoded" },
        415,
      ],
      ["text/plain", "chat", fresh, { ...chatwootHeaders(fresh), "content-type": "text/plain" }, 415],
      ["an unknown source", "nope", fresh, chatwootHeaders(fresh), 404],
      ["a token on a signing source", `chat/${TOKEN}`, fresh, chatwootHeaders(fresh), 401],
      [
        "a wrong token",
        `legacy/${"x".repeat(43)}`,
        JSON.stringify({ title: "Stock sync failed" }),
        { "content-type": "application/json" },
        401,
      ],
      [
        "a token source without its token",
        "legacy",
        JSON.stringify({ title: "Stock sync failed" }),
        { "content-type": "application/json" },
        401,
      ],
    ]
    for (const [name, path, body, headers, status] of cases) {
      const res = await hook(path, body, headers)
      assert.equal(res.status, status, `${name}: ${JSON.stringify(res.body)}`)
      if (status === 401) assert.equal((res.body as { type: string }).type, "unauthorized", name)
    }
    const oversized = JSON.stringify({ title: "x", body: "y".repeat(70_000) })
    assert.equal((await hook("chat", oversized, chatwootHeaders(oversized))).status, 413, "a body over 64 kB")
    await runDueWork(store)
    await pause(3_500) // one event-bus poll: an event staged by mistake would have been handled by now
    assert.equal(await alertRows(), before, "nothing stored")
    assert.equal(store.push.messages.length, sent, "nobody alerted")
  })

  it("the same message twice (a provider's retry, or a replayed request) alerts once", async () => {
    const body = chatwootMessage({ id: 777, content: "Where is my parcel?" })
    const headers = chatwootHeaders(body)
    assert.equal((await hook("chat", body, headers)).status, 202)
    const replay = await hook("chat", body, headers)
    assert.deepEqual([replay.status, replay.body], [200, { accepted: false, reason: "duplicate" }], "the same request again")
    const retry = await hook("chat", body, chatwootHeaders(body, CHATWOOT_SECRET, Date.now() + 1000))
    assert.deepEqual([retry.status, retry.body], [200, { accepted: false, reason: "duplicate" }], "a retry signed anew")
    await eventually("the alert arrives", () => received(adminDevice, /Where is my parcel/).length >= 1)
    await runDueWork(store)
    await pause(3_500)
    assert.equal(received(adminDevice, /Where is my parcel/).length, 1)
    assert.equal((await db.query(`SELECT count(*)::int AS n FROM "push_inbound_alert" WHERE "external_id" = 'chatwoot:7:777'`))[0].n, 1)
  })

  it("a payload without ids is known by what was signed: the same request again alerts once", async () => {
    const body = JSON.parse(chatwootMessage({ content: "No ids here" })) as Record<string, unknown>
    delete body.id
    delete body.account
    const raw = JSON.stringify(body)
    const headers = chatwootHeaders(raw)
    assert.equal((await hook("chat", raw, headers)).status, 202)
    const replay = await hook("chat", raw, headers)
    assert.deepEqual([replay.status, replay.body], [200, { accepted: false, reason: "duplicate" }])
    await eventually("the alert arrives", () => received(adminDevice, /No ids here/).length === 1)
  })

  it("a body trickled in too slowly is refused with 408 after 10 s, and nothing is stored", async () => {
    const before = await alertRows()
    const url = new URL(`${store.app.baseUrl}/hooks/web-push/alerts/chat`)
    const started = Date.now()
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          headers: { "content-type": "application/json", "content-length": "1000" },
        },
        (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        }
      )
      req.on("error", reject)
      req.write('{"event":"message_created",') // and nothing more
    })
    assert.equal(status, 408)
    assert.ok(Date.now() - started < 15_000, "answered within the deadline")
    assert.equal(await alertRows(), before)
  })

  it("a burst of 50 chat messages gives each admin the limit, then one summary when the window ends", async (t) => {
    // Back to real time afterwards: the next requests are signed with it.
    t.after(() => useTestClock(store).reset())
    for (let i = 0; i < 50; i++) {
      const body = chatwootMessage({ id: 9000 + i, name: `Visitor ${i}`, content: `Burst message ${i}` })
      assert.equal((await hook("support", body, chatwootHeaders(body))).status, 202)
    }
    const folded = async (): Promise<{ singles: number; summarised: number }> =>
      (
        await db.query(
          `SELECT count(*) FILTER (WHERE "summary_id" IS NULL)::int AS singles, count(*) FILTER (WHERE "summary_id" IS NOT NULL)::int AS summarised
           FROM "push_message" WHERE "event_name" = 'inbound.support'`
        )
      )[0]
    // Each alert is recorded, then counted: wait until every one of them is either sent or folded.
    await eventually(
      "5 single alerts, 45 folded into the summary",
      async () => {
        const f = await folded()
        return f.singles === 5 && f.summarised === 45
      },
      30_000
    )
    await eventually("the 5 single alerts arrive", () => received(memberDevice, /Burst message/).length === 5)
    assert.equal(received(memberDevice, /new chat messages/).length, 0, "the summary waits for the window to end")

    advanceClock(store, 10 * 60_000 + 1_000)
    await runDueWork(store)
    await eventually("the summary arrives", () => received(memberDevice, /new chat messages/).length === 1)
    const summary = payloadOf(received(memberDevice, /new chat messages/)[0])
    assert.equal(summary.title, "50 new chat messages")
    assert.match(summary.body, /in the last 10 minutes/)
    assert.equal(summary.url, `${CHATWOOT_BASE}/app`)
    assert.equal(received(adminDevice, /Burst message/).length, 5)
    assert.equal(received(adminDevice, /new chat messages/).length, 1)
  })

  it("Standard Webhooks: a signed generic alert reaches the roles it names; a missing id or an unknown field is refused", async () => {
    const key = parseWebhookSecret(OPS_SECRET)
    const send = (id: string | null, payload: unknown) => {
      const body = JSON.stringify(payload)
      const ts = Math.floor(Date.now() / 1000)
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "webhook-timestamp": String(ts),
        "webhook-signature": signStandardWebhook(key, id ?? "", ts, body),
      }
      if (id !== null) headers["webhook-id"] = id
      return hook("ops", body, headers)
    }
    const ok = await send("msg_stock_1", {
      title: "Stock sync failed",
      body: "The warehouse feed timed out at 07:00.",
      url: "/a/products",
      event: "stock.sync_failed",
    })
    assert.equal(ok.status, 202, JSON.stringify(ok.body))
    assert.equal((await send("msg_stock_1", { title: "Stock sync failed" })).status, 200, "the same webhook-id: a duplicate")
    assert.equal((await send(null, { title: "No id" })).status, 401)
    const unknown = await send("msg_stock_2", { title: "x", colour: "red" })
    assert.equal(unknown.status, 400)
    assert.equal((unknown.body as { field: string }).field, "colour")
    for (const device of [adminDevice, developerDevice]) {
      await eventually(`${device.label} gets the ops alert`, () => received(device, /Stock sync failed/).length === 1)
    }
    assert.equal(payloadOf(received(developerDevice, /Stock sync failed/)[0]).url, "https://admin.teststore.dev/a/products")
    await runDueWork(store)
    assert.equal(received(memberDevice, /Stock sync failed/).length, 0, "ops alerts go to admins and developers only")
  })

  it("Crisp: a visitor's message alerts, an operator's does not; a token source needs its token", async () => {
    const crisp = (event: string, from: string, content: string, fingerprint: number): string =>
      JSON.stringify({
        website_id: "42286ab3-b29a-4fde-8538-da0ae501d825",
        event,
        data: {
          session_id: "session_36ba3566-9651-4790-afc8-ffedbccc317f",
          type: "text",
          content,
          from,
          origin: "chat",
          fingerprint,
          user: { nickname: "Grace" },
          timestamp: Date.now(),
        },
        timestamp: Date.now(),
      })
    const post = (body: string) => {
      const ts = String(Math.floor(Date.now() / 1000))
      return hook("crisp", body, {
        "content-type": "application/json",
        "x-crisp-request-timestamp": ts,
        "x-crisp-signature": signCrisp(CRISP_SECRET, ts, body),
      })
    }
    assert.equal((await post(crisp("message:send", "user", "Do you ship to Norway?", 1))).status, 202)
    assert.equal((await post(crisp("message:received", "operator", "Yes we do", 2))).status, 200)
    await eventually("the Crisp alert", () => received(adminDevice, /Do you ship to Norway/).length === 1)
    const alert = payloadOf(received(adminDevice, /Do you ship to Norway/)[0])
    assert.equal(alert.title, "New chat message from Grace")
    assert.match(alert.url, /^https:\/\/app\.crisp\.chat\/website\/42286ab3-b29a-4fde-8538-da0ae501d825\/inbox\//)

    const legacy = await hook(`legacy/${TOKEN}`, JSON.stringify({ title: "Review to moderate", body: "5 stars, with a link" }), {
      "content-type": "application/json",
    })
    assert.equal(legacy.status, 202, JSON.stringify(legacy.body))
    await eventually("the token source's alert", () => received(adminDevice, /Review to moderate/).length === 1)
    await runDueWork(store)
    assert.equal(received(adminDevice, /Yes we do/).length, 0)
  })

  it("the admin lists the sources with the URL to paste and when each last sent; a test alert goes through the source's own path", async () => {
    const { sources } = await store.http.expect<{
      sources: Array<{
        name: string
        provider: string
        verification: string
        hook_url: string
        last_received_at: string | null
        received_count: number
      }>
    }>(200, "GET", "/admin/push/inbound-sources", { apiToken: store.admin.apiToken })
    const byName = Object.fromEntries(sources.map((s) => [s.name, s]))
    assert.deepEqual(Object.keys(byName).sort(), ["chat", "crisp", "legacy", "ops", "support"])
    assert.equal(byName.chat.verification, "signature")
    assert.match(byName.chat.hook_url, /^http:\/\/127\.0\.0\.1:\d+\/hooks\/web-push\/alerts\/chat$/)
    assert.ok(byName.legacy.hook_url.endsWith(`/hooks/web-push/alerts/legacy/${TOKEN}`), "a token source's URL holds its token")
    assert.equal(byName.chat.received_count, 3)
    assert.ok(byName.chat.last_received_at)
    assert.equal(byName.support.received_count, 50)
    const unauthenticated = await store.http.request("GET", "/admin/push/inbound-sources")
    assert.equal(unauthenticated.status, 401, "admins only: the list holds token URLs")

    const test = await store.http.expect<{ accepted: boolean }>(202, "POST", "/admin/push/inbound-sources/ops/test", {
      apiToken: store.admin.apiToken,
      body: {},
    })
    assert.equal(test.accepted, true)
    await eventually("the test alert", () => received(adminDevice, /Test alert from ops/).length === 1)
    await store.http.expect(404, "POST", "/admin/push/inbound-sources/nope/test", { apiToken: store.admin.apiToken, body: {} })
  })
})
