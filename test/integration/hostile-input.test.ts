import assert from "node:assert/strict"
import type { LookupAddress } from "node:dns"
import fs from "node:fs"
import path from "node:path"
import { inspect } from "node:util"
import { after, before, describe, it } from "node:test"
import fc from "fast-check"
import type { EntityManager } from "typeorm"
import { checkEndpoint, checkEndpointSyntax, createEndpointPolicy, type HostResolver } from "../../src/core/security/endpoint-policy"
import { EndpointForbiddenError } from "../../src/core/errors/plugin-errors"
import { guardedLookup, type DnsLookup } from "../../src/core/security/guarded-lookup"
import { startTestStore, TestStore } from "../support/environment"
import { useTestClock, runDueWork } from "../support/clock"
import { eventually } from "../support/eventually"
import { HostileRequest, hostileRequests, MARK, SSRF_ENDPOINTS } from "../support/hostile-requests"
import type { JsonResponse } from "../support/http"
import { Customer, registerCustomer } from "../support/order-flow"
import { REPO_ROOT } from "../support/paths"
import type { Device } from "../support/push-service"

const TABLES = [
  "push_subscription",
  "push_message",
  "push_delivery",
  "push_batch",
  "contact_message",
  "push_variant_alert",
  "push_cart_watch",
]
const FCM = "https://fcm.googleapis.com/fcm/send/abc:APA91b"
const BATCHES = 200
const PER_BATCH = 10

const refused =
  (reason: string) =>
  (err: unknown): boolean =>
    err instanceof EndpointForbiddenError && err.reason === reason

describe("SSRF cases, pure: every notation, names resolving inside, DNS rebinding", () => {
  const policy = createEndpointPolicy()

  for (const [name, endpoint] of SSRF_ENDPOINTS) {
    it(`refuses ${name}`, () => {
      assert.throws(
        () => checkEndpointSyntax(endpoint, policy),
        (err: unknown) => err instanceof EndpointForbiddenError
      )
    })
  }

  const inside: Array<[string, string[]]> = [
    ["loopback", ["127.0.0.1"]],
    ["private 10/8", ["10.0.0.5"]],
    ["private 192.168/16", ["192.168.1.20"]],
    ["link-local (metadata)", ["169.254.169.254"]],
    ["CGNAT", ["100.64.3.4"]],
    ["multicast", ["239.1.2.3"]],
    ["IPv6 loopback", ["::1"]],
    ["IPv6 unique local", ["fd12::1"]],
    ["IPv4-mapped private", ["::ffff:10.0.0.5"]],
    ["one public, one private", ["142.250.185.74", "10.0.0.5"]],
  ]
  for (const [name, addresses] of inside) {
    it(`refuses an allowed name resolving to ${name}`, async () => {
      const resolver: HostResolver = async () => addresses
      await assert.rejects(checkEndpoint(FCM, policy, resolver), refused("private_address"))
    })
  }

  it("DNS rebinding: public when subscribing, private when connecting: the connection refuses", async () => {
    let asked = 0
    // The first answer (subscribe time) is public; every later one (send time) points inside.
    const rebinding = (): string => (asked++ === 0 ? "142.250.185.74" : "10.0.0.5")
    const resolver: HostResolver = async () => [rebinding()]
    assert.ok(await checkEndpoint(FCM, policy, resolver), "accepted at subscribe time")
    const dns: DnsLookup = (_host, options, callback) => {
      const address = rebinding()
      if ((options as { all?: boolean }).all) callback(null, [{ address, family: 4 }] as LookupAddress[])
      else callback(null, address, 4)
    }
    for (const options of [{ all: true }, {}]) {
      const err = await new Promise<unknown>((resolve) => guardedLookup(policy, dns)("fcm.googleapis.com", options, (e) => resolve(e)))
      assert.ok(refused("private_address")(err), `refused at connect time (${JSON.stringify(options)}): ${String(err)}`)
    }
  })
})

/** Every method an admin route file answers, as a request path. */
function adminRoutes(): Array<{ method: string; path: string }> {
  const root = path.join(REPO_ROOT, "src", "api", "admin")
  const walk = (dir: string): string[] =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name === "route.ts" ? [path.join(dir, e.name)] : []))
  return walk(root).flatMap((file) => {
    const url = `/admin/${path.relative(root, path.dirname(file)).split(path.sep).join("/")}`.replace(/\[[^\]]+\]/g, "pushmsg_01ANY")
    const methods = [...fs.readFileSync(file, "utf8").matchAll(/export (?:async )?function (GET|POST|PUT|PATCH|DELETE)\b/g)].map(
      (m) => m[1]
    )
    return methods.map((method) => ({ method, path: url }))
  })
}

describe("hostile input against the real store", () => {
  let store: TestStore
  let db: EntityManager
  let customer: Customer
  let valid: Device
  const logs: string[] = []
  const secrets = new Set<string>()
  let ipSeq = 0
  /** A fresh client address (Medusa trusts one proxy hop), so tests do not share rate-limit buckets. */
  const freshIp = (): Record<string, string> => ({ "x-forwarded-for": `198.51.100.${++ipSeq % 250}` })

  const counts = async (): Promise<Record<string, number>> =>
    Object.fromEntries(
      await Promise.all(TABLES.map(async (t) => [t, (await db.query(`SELECT count(*)::int AS n FROM "${t}"`))[0].n as number]))
    )

  before(async () => {
    store = await startTestStore("hostile_input", {
      pluginOptions: {
        rate_limits: { subscribe_per_minute: 5, contact_per_hour: 3 },
        max_devices_per_owner: 3,
        contact_alert_limit: 2,
        contact_alert_window_minutes: 10,
      },
    })
    db = store.app.container.resolve<EntityManager>("manager")
    // Capture every log line from here on (the plugin's services hold this same logger).
    const logger = store.app.container.resolve<Record<string, unknown>>("logger")
    for (const name of ["log", "info", "warn", "error", "debug", "activity", "progress", "success", "failure", "panic"]) {
      const original = logger[name]
      if (typeof original !== "function") continue
      logger[name] = (...args: unknown[]) => {
        logs.push(args.map((a) => (typeof a === "string" ? a : inspect(a, { depth: 5 }))).join(" "))
        return original.apply(logger, args)
      }
    }
    customer = await registerCustomer(store.http, `hostile-${process.pid}@teststore.dev`)
    valid = store.push.createDevice("fuzz-template")
    for (const s of [store.vapid.privateKey, store.admin.apiToken, customer.token, valid.endpoint, valid.keys.auth]) secrets.add(s)
  })

  after(async () => {
    await store?.stop()
  })

  const send = (r: HostileRequest): Promise<JsonResponse<unknown>> => {
    const headers: Record<string, string> = { ...r.headers }
    if (r.auth === "bogus") headers.authorization = `Bearer ${MARK}.not.a.jwt`
    return store.http.request<unknown>(r.method, r.path, {
      headers,
      body: r.body,
      rawBody: r.rawBody,
      token: r.auth === "customer" ? customer.token : undefined,
      apiToken: r.auth === "admin" ? store.admin.apiToken : undefined,
    })
  }

  it(`${BATCHES * PER_BATCH} generated hostile requests: each a 4xx with a JSON error, nothing stored, the store keeps serving`, async (t) => {
    const before = await counts()
    const started = Date.now()
    const statuses = new Map<number, number>()
    let sent = 0
    const check = (r: HostileRequest, res: JsonResponse<unknown>): void => {
      const what = `${r.route}: ${r.method} ${r.path.slice(0, 120)} (${r.auth}) -> ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`
      assert.ok(res.status >= 400 && res.status < 500, what)
      const text = typeof res.body === "string" ? res.body : JSON.stringify(res.body)
      // Medusa's own admin authentication answers before the plugin can: a plain "Unauthorized".
      if (res.status === 401 && r.path.startsWith("/admin") && r.auth !== "admin") {
        assert.equal(res.body, "Unauthorized", what)
        return
      }
      const body = res.body as { type?: unknown; message?: unknown }
      assert.ok(
        body && typeof body === "object" && typeof body.type === "string" && typeof body.message === "string",
        `a JSON error: ${what}`
      )
      assert.doesNotMatch(text, /at .*\.[jt]s:\d+|node_modules|\bstack\b/, `no stack trace: ${what}`)
      assert.ok(!text.includes(MARK), `the answer repeats a submitted value: ${what}`)
      if (res.status === 429) assert.match(res.headers.get("retry-after") ?? "", /^\d+$/, what)
    }
    await fc.assert(
      fc.asyncProperty(
        fc.array(hostileRequests({ subscription: valid.subscription, adminRoutes: adminRoutes() }), {
          minLength: PER_BATCH,
          maxLength: PER_BATCH,
        }),
        async (requests) => {
          const answers = await Promise.all(requests.map(send))
          requests.forEach((r, i) => {
            sent++
            statuses.set(answers[i].status, (statuses.get(answers[i].status) ?? 0) + 1)
            check(r, answers[i])
          })
        }
      ),
      { numRuns: BATCHES, includeErrorInReport: true }
    )
    assert.ok(sent >= 1000, `${sent} requests`)
    assert.deepEqual(await counts(), before, "rejected requests stored nothing")
    await store.http.expect(200, "GET", "/store/push/vapid-public-key")
    t.diagnostic(
      `${sent} requests in ${((Date.now() - started) / 1000).toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`
    )
  })

  it("every SSRF notation is refused at subscribe time, naming the field", async () => {
    const before = await counts()
    for (const [name, endpoint] of SSRF_ENDPOINTS) {
      const res = await store.http.request<{ field?: string }>("POST", "/store/push/subscriptions", {
        headers: freshIp(),
        body: { subscription: { ...valid.subscription, endpoint } },
      })
      assert.equal(res.status, 400, `${name}: ${JSON.stringify(res.body)}`)
      assert.equal(res.body.field, "subscription.endpoint", name)
    }
    assert.deepEqual(await counts(), before)
  })

  it("a 302 from a push service is not followed: the delivery is rejected as redirect_refused", async () => {
    const device = store.push.createDevice("admin-redirecting")
    const target = store.push.createDevice("redirect-target")
    await store.http.expect(201, "POST", "/admin/push/subscriptions", {
      apiToken: store.admin.apiToken,
      body: { subscription: device.subscription },
    })
    secrets.add(device.endpoint).add(device.keys.auth).add(target.endpoint)
    store.push.respondWith(device.id, [{ status: 302, headers: { location: target.endpoint } }])
    const { message } = await store.http.expect<{ message: { id: string; failed_count: number } }>(200, "POST", "/admin/push/test", {
      apiToken: store.admin.apiToken,
    })
    assert.equal(message.failed_count, 1)
    const detail = await store.http.expect<{ deliveries: Array<{ last_status_code: number; last_error: string }> }>(
      200,
      "GET",
      `/admin/push/messages/${message.id}`,
      { apiToken: store.admin.apiToken }
    )
    assert.deepEqual(
      detail.deliveries.map((d) => [d.last_status_code, d.last_error]),
      [[302, "redirect_refused"]]
    )
    // The test send answered after its delivery was recorded: a followed redirect would have come before.
    assert.equal(store.push.attempts.filter((a) => a.deviceId === target.id).length, 0, "the redirect target was never contacted")
  })

  it("rate limits: 429 with Retry-After and a JSON error, per IP address and per customer", async () => {
    const bad = { subscription: { ...valid.subscription, endpoint: "https://evil.example/x" } }
    const ip = freshIp()
    for (let i = 0; i < 5; i++) await store.http.expect(400, "POST", "/store/push/subscriptions", { headers: ip, body: bad })
    const limited = await store.http.request<{ type: string; message: string }>("POST", "/store/push/subscriptions/renew", {
      headers: ip,
      body: bad,
    })
    assert.equal(limited.status, 429, "renew shares the subscribe allowance")
    assert.equal(limited.body.type, "rate_limited")
    const retryAfter = Number(limited.headers.get("retry-after"))
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`)
    await store.http.expect(400, "POST", "/store/push/subscriptions", { headers: freshIp(), body: bad })

    // A signed-in customer is limited across addresses too (the fuzz above used some of this one's allowance).
    const other = await registerCustomer(store.http, `limited-${process.pid}@teststore.dev`)
    secrets.add(other.token)
    const answers: number[] = []
    for (let i = 0; i < 7; i++)
      answers.push(
        (await store.http.request("POST", "/store/push/subscriptions", { headers: freshIp(), token: other.token, body: bad })).status
      )
    assert.deepEqual(answers, [400, 400, 400, 400, 400, 429, 429])

    const contactIp = freshIp()
    const contact = { name: "Flooder", email: "flood@shop.dev" }
    for (let i = 0; i < 3; i++) await store.http.expect(400, "POST", "/store/contact-messages", { headers: contactIp, body: contact })
    const contactLimited = await store.http.request<{ type: string }>("POST", "/store/contact-messages", {
      headers: contactIp,
      body: { ...contact, message: "hi" },
    })
    assert.equal(contactLimited.status, 429)
    assert.ok(Number(contactLimited.headers.get("retry-after")) > 60, "the contact allowance refills per hour")
  })

  it("an owner keeps at most max_devices_per_owner devices: the oldest is replaced; customers see only their own", async () => {
    const owner = await registerCustomer(store.http, `devices-${process.pid}@teststore.dev`)
    const stranger = await registerCustomer(store.http, `stranger-${process.pid}@teststore.dev`)
    secrets.add(owner.token).add(stranger.token)
    const devices = [1, 2, 3, 4].map((i) => store.push.createDevice(`owner-${i}`))
    for (const d of devices) {
      secrets.add(d.endpoint).add(d.keys.auth)
      await store.http.expect(201, "POST", "/store/push/subscriptions", {
        headers: freshIp(),
        token: owner.token,
        body: { subscription: d.subscription },
      })
    }
    const mine = await store.http.expect<{ count: number }>(200, "GET", "/store/push/subscriptions", { token: owner.token })
    assert.equal(mine.count, 3)
    const stored: Array<{ endpoint: string }> = await db.query(`SELECT "endpoint" FROM "push_subscription" WHERE "customer_id" = $1`, [
      owner.id,
    ])
    assert.deepEqual(
      stored.map((r) => r.endpoint).sort(),
      devices
        .slice(1)
        .map((d) => d.endpoint)
        .sort(),
      "the first device was replaced"
    )
    const theirs = await store.http.expect<{ count: number }>(200, "GET", "/store/push/subscriptions", { token: stranger.token })
    assert.equal(theirs.count, 0, "another customer sees none of them")
    // Removing needs the auth secret, not just the endpoint.
    const wrongAuth = Buffer.alloc(16, 9).toString("base64url")
    await store.http.expect(404, "DELETE", "/store/push/subscriptions", {
      headers: freshIp(),
      token: stranger.token,
      body: { endpoint: devices[3].endpoint, auth: wrongAuth },
    })
    const text = JSON.stringify(mine)
    for (const d of devices)
      assert.ok(!text.includes(d.endpoint) && !text.includes(d.keys.auth), "no endpoint or auth secret in the answer")
  })

  it("every admin route file answers 401 without an admin, also to a signed-in customer", async () => {
    const routes = adminRoutes()
    assert.ok(routes.length >= 8, `found ${routes.length} admin routes`)
    for (const { method, path: url } of routes) {
      for (const auth of [{}, { token: customer.token }, { headers: { authorization: `Bearer ${MARK}` } }]) {
        const res = await store.http.request(method, url, { ...auth, body: method === "GET" ? undefined : {} })
        assert.equal(res.status, 401, `${method} ${url} ${JSON.stringify(Object.keys(auth))}`)
      }
    }
  })

  it("a contact-message flood becomes one summary push when its window ends; a redelivered event sends nothing more", async (t) => {
    const clock = useTestClock(store)
    clock.freeze()
    t.after(() => clock.reset())
    const texts: string[] = []
    const ids: string[] = []
    for (let i = 0; i < 8; i++) {
      const message = `Flood message ${i} ${MARK}-${i}`
      texts.push(message)
      const { contact_message } = await store.http.expect<{ contact_message: { id: string } }>(201, "POST", "/store/contact-messages", {
        headers: freshIp(),
        body: { name: `Visitor ${i}`, email: `visitor${i}@shop.dev`, message },
      })
      ids.push(contact_message.id)
    }
    for (const t of texts) secrets.add(t)
    const alerts = async (): Promise<Array<{ event_name: string; title: string; status: string; summary_id: string | null }>> =>
      db.query(
        `SELECT "event_name", "payload"->>'title' AS "title", "status", "summary_id" FROM "push_message"
         WHERE "event_name" IN ('contact_message.created', 'contact_message.created.summary') ORDER BY "created_at"`
      )
    const singles = (rows: Awaited<ReturnType<typeof alerts>>) => rows.filter((a) => a.event_name === "contact_message.created")
    await eventually("two single alerts, six folded into the window's summary", async () => {
      const rows = singles(await alerts())
      return rows.length === 8 && rows.filter((a) => a.summary_id !== null).length === 6
    })
    const held = (await alerts()).filter((a) => a.event_name === "contact_message.created.summary")
    assert.equal(held.length, 1, "one summary for the window")
    assert.equal(held[0].status, "scheduled", "held until the window ends")
    assert.equal(held[0].title, "8 new contact messages")

    clock.advance(10 * 60_000 + 1_000)
    await runDueWork(store)
    const summaryReceived = () => store.push.messages.filter((m) => /new contact messages/.test(m.payloadText))
    await eventually("the summary at the admin's device", () => summaryReceived().length >= 1)
    const seen = await alerts()

    // Redelivered (as a bus retry would hand it over again), awaited: the handler is done when this returns.
    const notifications = store.app.container.resolve<{ handleEvent(e: string, d: unknown): Promise<void> }>("pushNotificationService")
    await notifications.handleEvent("contact_message.created", { id: ids[0] })
    await notifications.handleEvent("contact_message.created", { id: ids[7] })
    assert.deepEqual(await alerts(), seen, "a redelivered event records nothing new")
    await runDueWork(store)
    const singlesReceived = store.push.messages.filter((m) => /New message from/.test(m.payloadText))
    assert.equal(singlesReceived.length, 2, "two single alerts reached the admin's device")
    assert.equal(summaryReceived().length, 1, "and one summary")
    assert.doesNotMatch(summaryReceived()[0].payloadText, /Flood message|Visitor/, "the summary carries no visitor's words")
  })

  it("nothing secret reached the logs", () => {
    assert.ok(logs.length > 0, "the logger was captured")
    const all = logs.join("\n")
    assert.ok(!all.includes(MARK), `a submitted value was logged: ${logs.find((l) => l.includes(MARK))?.slice(0, 300)}`)
    for (const secret of secrets) {
      assert.ok(!all.includes(secret), `a secret was logged: ${logs.find((l) => l.includes(secret))?.slice(0, 300)}`)
    }
    assert.doesNotMatch(all, /\n\s+at .*:\d+:\d+\)/, "no stack traces in logs")
  })
})
