/**
 * The CSRF attack of issue 11 as a browser makes it: an admin signed in to the admin (session
 * cookie) opens a page on another site, which auto-submits a form (form-encoded, text/plain or
 * multipart) or tries a credentialed JSON fetch at `POST /admin/push/broadcasts`. Firefox sends
 * them with the admin's cookie; the store must refuse every one and send nothing. A recording
 * proxy in front of the store shows what Firefox really sent and what the store answered, so the
 * test fails if the cookie did not ride along (then it would prove nothing) or if any got through.
 */
import assert from "node:assert/strict"
import http from "node:http"
import type { AddressInfo } from "node:net"
import { after, before, describe, it } from "node:test"
import type { Page } from "puppeteer-core"
import type { EntityManager } from "typeorm"
import { startAutopushServer, type AutopushServer } from "./support/autopush-server"
import { browserAvailability } from "./support/browser-availability"
import { FIREFOX_PATH, launchFirefox, type FirefoxSession } from "./support/firefox"
import { CERT_DIR, startTestStore, type TestStore } from "../support/environment"
import { eventually } from "../support/eventually"
import { registerCustomer } from "../support/order-flow"
import { ensureTestCertificates } from "../support/tls"

const availability = browserAvailability("Firefox ESR", FIREFOX_PATH, "firefox-esr")

interface Seen {
  method: string
  path: string
  headers: http.IncomingHttpHeaders
  status: number
}

/** A plain forwarding proxy on 127.0.0.1 that records each request's headers and the store's status. */
async function recordingProxy(target: string): Promise<{ origin: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = []
  const upstream = new URL(target)
  const server = http.createServer((req, res) => {
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        seen.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, status: answer.statusCode ?? 0 })
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      }
    )
    forward.on("error", () => res.writeHead(502).end())
    req.pipe(forward)
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/**
 * The attacker's page: another site (`localhost` is not `127.0.0.1`). `?form=<enctype>` submits a
 * form at the top level as soon as it loads (a top-level navigation carries the site's cookies in
 * every browser when they are `SameSite=None`, as Medusa's are in production); `?fetch` tries a
 * credentialed JSON fetch, which needs a CORS preflight.
 */
function evilPage(backend: string, query: URLSearchParams): string {
  const target = `${backend}/admin/push/broadcasts`
  const fields = { title: "Flash sale", body: "90% off, today only", category: "order_updates", url: "https://evil.example/login" }
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${k}" value="${v}">`)
    .join("")
  const enctype = query.get("form")
  const attack = enctype
    ? `<form id="f" method="POST" action="${target}" enctype="${enctype}">${inputs}</form><script>document.getElementById('f').submit()</script>`
    : `<script>fetch(${JSON.stringify(target)}, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: ${JSON.stringify(JSON.stringify(fields))} })
         .then(() => { document.title = 'sent' }, () => { document.title = 'blocked' })</script>`
  return `<!doctype html><html><head><title>Win a prize</title></head><body>${attack}</body></html>`
}

describe(
  "CSRF in Firefox: a page on another site cannot make the signed-in admin broadcast",
  { skip: availability.run ? false : availability.skip, timeout: 240_000 },
  () => {
    let push: AutopushServer
    let store: TestStore
    let db: EntityManager
    let proxy: Awaited<ReturnType<typeof recordingProxy>>
    let evil: http.Server
    let evilOrigin: string
    let firefox: FirefoxSession
    let page: Page

    before(async () => {
      push = await startAutopushServer(ensureTestCertificates(CERT_DIR))
      store = await startTestStore("csrf-firefox", { pluginOptions: { held_categories: [] } })
      db = store.app.container.resolve<EntityManager>("manager")
      proxy = await recordingProxy(store.app.baseUrl)
      evil = http.createServer((req, res) =>
        res.writeHead(200, { "content-type": "text/html" }).end(evilPage(proxy.origin, new URL(req.url ?? "/", "http://x").searchParams))
      )
      await new Promise<void>((resolve) => evil.listen(0, "127.0.0.1", resolve))
      evilOrigin = `http://localhost:${(evil.address() as AddressInfo).port}`
      // A customer whose device a forged broadcast would reach.
      const customer = await registerCustomer(store.http, `csrf-browser-${process.pid}@teststore.dev`)
      await store.http.expect(201, "POST", "/store/push/subscriptions", {
        token: customer.token,
        body: { subscription: store.push.createDevice("victim-phone").subscription },
      })
      firefox = await launchFirefox({ pushServerUrl: push.wsUrl })
      page = await firefox.browser.newPage()
    })

    after(async () => {
      await firefox?.close()
      await new Promise<void>((resolve) => (evil ? evil.close(() => resolve()) : resolve()))
      await proxy?.close()
      await push?.close()
      await store?.stop()
    })

    it("the admin signs in with the session cookie, and its own same-origin JSON request works", async () => {
      // a plain page of the backend (a JSON answer would open in Firefox's JSON viewer, which cannot fetch)
      await page.goto(`${proxy.origin}/health`)
      const status = await page.evaluate(async (email: string) => {
        const signIn = await fetch("/admin/auth", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email, password: "supersecret" }),
        })
        if (signIn.status !== 200) return signIn.status
        const dryRun = await fetch("/admin/push/broadcasts", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ title: "Sale", body: "Soon", category: "order_updates", dry_run: true }),
        })
        return dryRun.status
      }, store.admin.email)
      assert.equal(status, 200)
      const sameOrigin = proxy.seen.find((s) => s.method === "POST" && s.path === "/admin/push/broadcasts")
      assert.ok(sameOrigin?.headers.cookie?.includes("connect.sid="), "Firefox sent the session cookie")
      assert.equal(sameOrigin?.headers.origin, proxy.origin, "from the backend's own origin")
    })

    it("forms posted from another site carry the cookie and are all refused (415); a JSON fetch never gets past CORS; nothing is stored or sent", async () => {
      const messagesBefore = (await db.query(`SELECT count(*)::int AS n FROM "push_message"`))[0].n as number
      const posted = () =>
        proxy.seen.filter((s) => s.method === "POST" && s.path === "/admin/push/broadcasts" && s.headers.origin === evilOrigin)
      const enctypes = ["application/x-www-form-urlencoded", "text/plain", "multipart/form-data"]
      for (const [i, enctype] of enctypes.entries()) {
        await page.goto(`${evilOrigin}/?form=${encodeURIComponent(enctype)}`)
        await eventually(`the ${enctype} form post`, () => posted().length > i)
        const s = posted()[i]
        assert.equal(String(s.headers["content-type"]).split(";")[0], enctype)
        assert.ok(s.headers.cookie?.includes("connect.sid="), `${enctype}: Firefox sent the admin's cookie, so the attack is real`)
        assert.equal(s.status, 415, `${enctype} was refused`)
      }

      await page.goto(`${evilOrigin}/?fetch`)
      await page.waitForFunction(() => document.title === "sent" || document.title === "blocked", { timeout: 20_000 })
      assert.equal(await page.title(), "blocked", "the browser refused the credentialed JSON fetch")
      assert.ok(
        proxy.seen.some((s) => s.method === "OPTIONS" && s.path === "/admin/push/broadcasts" && s.headers.origin === evilOrigin),
        "after a preflight"
      )
      assert.equal(posted().length, enctypes.length, "the JSON POST never left the browser")

      assert.equal((await db.query(`SELECT count(*)::int AS n FROM "push_message"`))[0].n, messagesBefore, "no broadcast was recorded")
      assert.equal(store.push.messages.length, 0, "no device was shown anything")
    })
  }
)
