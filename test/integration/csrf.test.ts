import assert from "node:assert/strict"
import fs from "node:fs"
import path from "node:path"
import { after, before, describe, it } from "node:test"
import type { EntityManager } from "typeorm"
import { startTestStore, TestStore } from "../support/environment"
import { eventually } from "../support/eventually"
import type { JsonResponse } from "../support/http"
import { registerCustomer } from "../support/order-flow"
import { REPO_ROOT } from "../support/paths"
import type { Device } from "../support/push-service"

/** The plugin's tables: a refused request changes none of them. */
const TABLES = ["push_subscription", "push_message", "push_delivery", "push_template", "contact_message", "push_admin_preference"]
const EVIL = "https://evil.example"
/** The test store's CORS lists (test/support/store.ts). */
const STORE_ORIGIN = "http://localhost:8000"
const ADMIN_ORIGIN = "http://localhost:7001"

interface Operation {
  method: string
  path: string
}

/** Every state-changing operation openapi.json documents: a new route is in this table the day it is documented. */
function stateChanges(): Operation[] {
  const doc = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "openapi.json"), "utf8")) as {
    paths: Record<string, Record<string, unknown>>
  }
  return Object.entries(doc.paths).flatMap(([p, item]) =>
    Object.keys(item)
      .filter((m) => ["post", "put", "patch", "delete"].includes(m))
      .map((m) => ({ method: m.toUpperCase(), path: p }))
  )
}

/** A concrete URL for a documented path: the refusal comes before the route, so any plausible id will do. */
const PATH_VALUES: Record<string, string> = { id: "pushmsg_01CSRFTEST", event: "order.placed", audience: "customer" }
const concrete = (p: string): string => p.replace(/\{([^}]+)\}/g, (_, name: string) => PATH_VALUES[name] ?? "x")

/** `a[b][c]=v`: how a form carries a nested body (Medusa's urlencoded parser is `extended`, so it read these as objects). */
function formFields(value: unknown, prefix = ""): Array<[string, string]> {
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => formFields(v, prefix ? `${prefix}[${k}]` : k))
  }
  return [[prefix, String(value)]]
}

/** The three bodies a page on another site can send without a CORS preflight, each carrying `body`. */
function simpleBodies(body: Record<string, unknown>): Array<{ kind: string; contentType: string; raw: string }> {
  const fields = formFields(body)
  const boundary = "----csrfBoundary7MA4YWxkTrZu0gW"
  const multipart =
    fields.map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join("") + `--${boundary}--\r\n`
  return [
    { kind: "form-encoded", contentType: "application/x-www-form-urlencoded", raw: new URLSearchParams(fields).toString() },
    // <form enctype="text/plain"> or fetch(no-cors) with a JSON text: the classic JSON CSRF
    { kind: "text/plain", contentType: "text/plain;charset=UTF-8", raw: JSON.stringify(body) },
    { kind: "multipart", contentType: `multipart/form-data; boundary=${boundary}`, raw: multipart },
  ]
}

describe("CSRF: state changes take JSON only, and cookies only from the store's own origins", () => {
  let store: TestStore
  let db: EntityManager
  let adminCookie: string
  let customerCookie: string
  let customerDevice: Device
  let attackerDevice: Device

  const counts = async (): Promise<Record<string, number>> =>
    Object.fromEntries(
      await Promise.all(TABLES.map(async (t) => [t, (await db.query(`SELECT count(*)::int AS n FROM "${t}"`))[0].n as number]))
    )

  /** Signs in through Medusa's own session route and returns the session cookie (`name=value`). */
  const sessionCookie = async (authPath: string, email: string, password: string): Promise<string> => {
    const res = await fetch(`${store.app.baseUrl}${authPath}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password }),
    })
    assert.equal(res.status, 200, `${authPath}: ${await res.text()}`)
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("connect.sid="))
    assert.ok(cookie, `${authPath} set the session cookie`)
    return cookie.split(";")[0]
  }

  /** What a page on another site would make the admin's (or customer's) browser send to each operation. */
  const attackBody = (op: Operation): Record<string, unknown> => {
    const key = `${op.method} ${op.path}`
    const bodies: Record<string, Record<string, unknown>> = {
      "POST /admin/push/broadcasts": { title: "Flash sale", body: "90% off, today only", category: "order_updates", url: `${EVIL}/login` },
      "POST /admin/push/templates/{event}/{audience}": { title: "Your order", url: `${EVIL}/track` },
      "POST /admin/push/subscriptions": { subscription: attackerDevice.subscription },
      "POST /store/push/subscriptions": { subscription: attackerDevice.subscription },
      "POST /store/contact-messages": { name: "Mallory", email: "mallory@evil.example", message: "hi" },
      "POST /admin/push/preferences": { events: ["order.placed"] },
    }
    return bodies[key] ?? { endpoint: customerDevice.endpoint, auth: customerDevice.keys.auth }
  }

  before(async () => {
    // It is night UTC while this suite is written: the broadcast below must not be held.
    store = await startTestStore("csrf", { pluginOptions: { held_categories: [] } })
    db = store.app.container.resolve<EntityManager>("manager")
    const customer = await registerCustomer(store.http, `csrf-${process.pid}@teststore.dev`)
    adminCookie = await sessionCookie("/admin/auth", store.admin.email, "supersecret")
    customerCookie = await sessionCookie("/store/auth", customer.email, "customer-secret")
    customerDevice = store.push.createDevice("customer-laptop")
    attackerDevice = store.push.createDevice("attacker")
  })

  after(async () => {
    await store?.stop()
  })

  it("every documented state change refuses non-JSON bodies (415) and a foreign origin with the session cookie (403); nothing stored, nothing sent", async () => {
    const operations = stateChanges()
    assert.ok(operations.length >= 15, `openapi.json lists ${operations.length} state changes`)
    assert.ok(
      operations.some((o) => o.method === "POST" && o.path === "/admin/push/broadcasts"),
      "the broadcast route is among them"
    )
    const before = await counts()
    const attemptsBefore = store.push.attempts.length
    let sent = 0
    const expectAnswer = (what: string, res: JsonResponse<{ type?: string; message?: string; field?: string }>, status: number): void => {
      sent++
      assert.equal(res.status, status, `${what}: ${JSON.stringify(res.body)}`)
      assert.equal(typeof res.body.message, "string", `${what}: a JSON error`)
    }

    for (const op of operations) {
      const url = concrete(op.path)
      const cookie = op.path.startsWith("/admin") ? adminCookie : customerCookie
      const body = attackBody(op)
      for (const { kind, contentType, raw } of simpleBodies(body)) {
        const what = `${op.method} ${op.path} as ${kind}`
        const res = await store.http.request<{ type?: string; message?: string; field?: string }>(op.method, url, {
          rawBody: raw,
          headers: { "content-type": contentType, cookie, origin: EVIL, referer: `${EVIL}/sale.html`, "sec-fetch-site": "cross-site" },
        })
        expectAnswer(what, res, 415)
        assert.equal(res.body.type, "unsupported_media_type", what)
        assert.equal(res.body.field, "content-type", what)
        assert.ok(
          res.body.message?.includes(contentType.split(/[;]/)[0].toLowerCase()),
          `${what}: the message names the content type (${res.body.message})`
        )
      }
      // A body without any Content-Type is no better.
      const untyped = await fetch(`${store.app.baseUrl}${url}`, {
        method: op.method,
        headers: { cookie },
        body: new Blob([JSON.stringify(body)]),
      })
      sent++
      assert.equal(untyped.status, 415, `${op.method} ${op.path} without Content-Type`)

      if (op.path.startsWith("/hooks/")) {
        // A webhook takes no cookie: its proof is a signature (or a token) over the body, and JSON
        // with a signed-in admin's cookie and no signature is no alert.
        const res = await store.http.request<{ type?: string; message?: string }>(op.method, url, {
          body,
          headers: { origin: EVIL, cookie: adminCookie },
        })
        expectAnswer(`${op.method} ${op.path} as JSON with the admin's cookie`, res, 404)
        continue
      }
      // JSON with the cookie from another site: by its Origin, by its Referer, or by the browser's own Sec-Fetch-Site.
      const foreign: Array<[string, Record<string, string>]> = [
        ["Origin", { origin: EVIL, "sec-fetch-site": "cross-site" }],
        ["Origin null (sandboxed frame)", { origin: "null" }],
        ["Referer only", { referer: `${EVIL}/page` }],
        ["Sec-Fetch-Site only", { "sec-fetch-site": "cross-site" }],
        // the other side's origin: the storefront may not change admin state, nor the admin's origin store state
        ["the other side's origin", { origin: op.path.startsWith("/admin") ? STORE_ORIGIN : ADMIN_ORIGIN }],
      ]
      for (const [how, headers] of foreign) {
        const what = `${op.method} ${op.path} as JSON, foreign by ${how}`
        const res = await store.http.request<{ type?: string; message?: string; field?: string }>(op.method, url, {
          body,
          headers: { ...headers, cookie },
        })
        expectAnswer(what, res, 403)
        assert.equal(res.body.type, "forbidden", what)
        assert.equal(res.body.field, "origin", what)
      }
      // Express matches paths case-insensitively: /ADMIN/... is still an admin route, so the storefront's origin is still foreign.
      if (op.path.startsWith("/admin")) {
        const shouted = url.replace(/^\/admin/, "/ADMIN")
        const res = await store.http.request<{ type?: string }>(op.method, shouted, { body, headers: { origin: STORE_ORIGIN, cookie } })
        expectAnswer(`${op.method} ${shouted} from the storefront's origin`, res, 403)
      }
    }

    assert.ok(sent >= operations.length * 9, `${sent} requests`)
    assert.deepEqual(await counts(), before, "refused requests stored nothing")
    assert.equal(store.push.attempts.length, attemptsBefore, "the push service received nothing")
    assert.equal(store.push.messages.length, 0, "no device was shown anything")
  })

  it("JSON from an allowed origin with the cookie still works: a customer subscribes from the storefront, the admin broadcasts from admin_cors", async () => {
    const subscribed = await store.http.request<{ subscription: { id: string } }>("POST", "/store/push/subscriptions", {
      body: { subscription: customerDevice.subscription },
      headers: { cookie: customerCookie, origin: STORE_ORIGIN, "sec-fetch-site": "cross-site" },
    })
    assert.equal(subscribed.status, 201, JSON.stringify(subscribed.body))
    const [row] = await db.query(`SELECT "customer_id" FROM "push_subscription" WHERE "endpoint" = $1`, [customerDevice.endpoint])
    assert.ok(row?.customer_id, "the device belongs to the customer signed in by the cookie")

    const broadcast = await store.http.request<{ recipient_count: number }>("POST", "/admin/push/broadcasts", {
      body: { title: "Back in stock", body: "The hoodie is back", category: "order_updates", url: "/products/hoodie" },
      headers: { cookie: adminCookie, origin: ADMIN_ORIGIN, "sec-fetch-site": "cross-site" },
    })
    assert.equal(broadcast.status, 202, JSON.stringify(broadcast.body))
    assert.equal(broadcast.body.recipient_count, 1)
    const shown = await eventually("the push at the customer's device", () =>
      store.push.messages.find((m) => m.deviceId === customerDevice.id)
    )
    assert.equal((shown.payload as { title: string }).title, "Back in stock")
  })

  it("the admin served by the backend itself (same origin) passes with the cookie, by Origin, by Referer or by Sec-Fetch-Site", async () => {
    const own = store.app.baseUrl
    const adminDevice = store.push.createDevice("admin-browser")
    const ways: Array<[string, Record<string, string>]> = [
      ["Origin", { origin: own, "sec-fetch-site": "same-origin" }],
      ["Origin, no Sec-Fetch-Site", { origin: own }],
      ["Referer of the admin page", { referer: `${own}/app/a/web-push` }],
      ["Sec-Fetch-Site alone", { "sec-fetch-site": "same-origin" }],
    ]
    for (const [how, headers] of ways) {
      const res = await store.http.request("POST", "/admin/push/subscriptions", {
        body: { subscription: adminDevice.subscription },
        headers: { ...headers, cookie: adminCookie },
      })
      assert.equal(res.status, 201, `${how}: ${JSON.stringify(res.body)}`)
      const prefs = await store.http.request("POST", "/admin/push/preferences", {
        body: { events: ["order.placed"] },
        headers: { ...headers, cookie: adminCookie },
      })
      assert.equal(prefs.status, 200, `${how}: ${JSON.stringify(prefs.body)}`)
    }
    // A POST with no body needs no Content-Type: the admin's "send a test push".
    const test = await store.http.request<{ message: { delivered_count: number } }>("POST", "/admin/push/test", {
      headers: { origin: own, cookie: adminCookie },
    })
    assert.equal(test.status, 200, JSON.stringify(test.body))
    await eventually("the push at the admin's device", () => store.push.messages.find((m) => m.deviceId === adminDevice.id))
  })

  it("bearer and API-token requests are not held to the Origin rule (a browser never sends them on its own)", async () => {
    const dryRun = { title: "Sale", body: "Soon", category: "order_updates", dry_run: true }
    const viaToken = await store.http.request<{ recipient_count: number }>("POST", "/admin/push/broadcasts", {
      apiToken: store.admin.apiToken,
      body: dryRun,
      headers: { origin: EVIL },
    })
    assert.equal(viaToken.status, 200, JSON.stringify(viaToken.body))
    assert.equal(viaToken.body.recipient_count, 1)
    // ...but the JSON-only rule holds for them too.
    const form = await store.http.request("POST", "/admin/push/broadcasts", {
      apiToken: store.admin.apiToken,
      rawBody: "title=Sale&body=Soon&category=order_updates",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    })
    assert.equal(form.status, 415)
  })
})
