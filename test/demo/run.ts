/**
 * `npm run demo`: a real Medusa store with this plugin, on an embedded Postgres (or DATABASE_URL),
 * with a local push inbox playing a customer's phone and an admin's laptop. It subscribes both,
 * places and ships an order and posts a contact message through Medusa's own API, then has a chat
 * tool (Chatwoot, inbound source `chat`) post a signed visitor message to the plugin's hook, and
 * prints every notification as the device received and decrypted it. Then it keeps the store
 * running until Ctrl-C. `npm run demo -- --check` exits instead: 0 when every notification arrived.
 */
import { spawn } from "node:child_process"
import { randomBytes, randomUUID } from "node:crypto"
import fs from "node:fs"
import path from "node:path"
import { signChatwoot } from "../../src/core/inbound/chatwoot"
import { generateVapidKeys } from "../../src/core/keys/keys"
import type { WebPushPluginOptions } from "../../src/core/options/plugin-options"
import { adminBuildDir, buildAdmin } from "../support/admin-build"
import { DemoRoutes } from "./demo-routes"
import { createDatabase, freePort, startDatabaseServer } from "../support/database"
import { EmbeddedPostgresAccessError } from "../support/folder-access"
import { CERT_DIR, testCaTrusted, trustBundle } from "../support/environment"
import { HttpClient } from "../support/http"
import { runMigrations, startMedusa } from "../support/medusa-app"
import { placeOrder, registerCustomer, shipOrder } from "../support/order-flow"
import { TMP_DIR } from "../support/paths"
import { ReceivedMessage, startPushService } from "../support/push-service"
import { createAdmin, seedCatalog } from "../support/seed"
import { writeStore } from "../support/store"
import { ensureTestCertificates } from "../support/tls"

const CHECK = process.argv.includes("--check")
const PORT = Number(process.env.PORT ?? 9000)
const ADMIN = { email: "admin@medusa-web-push.dev", password: "supersecret" }
/** The Chatwoot webhook's secret, as the store's options hold it (a real store reads it from the environment). */
const CHAT_SECRET = randomBytes(24).toString("base64url")

const started = Date.now()
const say = (line: string): void => {
  process.stdout.write(`[demo ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${line}\n`)
}

/** Node trusts an extra CA only from start-up: re-run this script with the demo's CA trusted. */
function relaunchWithTrustedCa(): void {
  const caPath = trustBundle()
  const child = spawn(process.execPath, ["--no-deprecation", "--import", "tsx", __filename, ...process.argv.slice(2)], {
    stdio: ["inherit", "pipe", "inherit"],
    env: {
      ...process.env,
      NODE_EXTRA_CA_CERTS: caPath,
      NODE_ENV: process.env.NODE_ENV ?? "development",
      MEDUSA_DISABLE_TELEMETRY: "true",
      MEDUSA_FF_ANALYTICS: "false",
      XDG_CONFIG_HOME: path.join(TMP_DIR, "xdg"),
      LOG_LEVEL: process.env.LOG_LEVEL ?? "error",
    },
  })
  // Medusa logs every request in development, and the manual payment plugin warns on each
  // transaction: noise next to what the demo shows.
  const noise = /^(\d{1,3}\.){3}\d{1,3} - - \[|^WARN: withTransaction called without custom implementation/
  let rest = ""
  child.stdout?.on("data", (chunk: Buffer) => {
    const lines = (rest + chunk.toString("utf8")).split("\n")
    rest = lines.pop() ?? ""
    for (const line of lines) if (!noise.test(line)) process.stdout.write(`${line}\n`)
  })
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal))
  child.on("exit", (code) => process.exit(code ?? 1))
}

/**
 * What Chatwoot posts when a visitor writes in the chat widget (`message_created`, incoming, from
 * a contact), signed as Chatwoot 4.11.2 and later sign: `sha256=` HMAC of `{timestamp}.{body}`.
 */
function chatwootMessage(secret: string): { rawBody: string; headers: Record<string, string> } {
  const rawBody = JSON.stringify({
    event: "message_created",
    id: 4711,
    content: "Hi, is the blue mug back in stock?",
    message_type: "incoming",
    content_type: "text",
    private: false,
    created_at: new Date().toISOString(),
    sender: { id: 42, name: "Ada", type: "contact" },
    inbox: { id: 1, name: "Store chat" },
    conversation: { id: 7, display_id: 7, status: "open" },
    account: { id: 1, name: "Demo store" },
  })
  const timestamp = Math.floor(Date.now() / 1000)
  return {
    rawBody,
    headers: {
      "x-chatwoot-signature": signChatwoot(secret, timestamp, rawBody),
      "x-chatwoot-timestamp": String(timestamp),
      "x-chatwoot-delivery": randomUUID(),
    },
  }
}

/** What a device decrypted: a Declarative Web Push message, with the flat fields older workers read beside it. */
interface DemoPayload {
  web_push?: number
  notification?: { title: string; body: string; navigate: string; lang?: string; dir?: string; mutable?: boolean }
  url?: string
}

let shownWhole = false

/** Prints a decrypted notification (the first one whole); fails when it is not a declarative push message. */
function show(message: ReceivedMessage): void {
  const p = message.payload as DemoPayload
  const n = p.notification
  if (p.web_push !== 8030 || !n || typeof n.title !== "string" || typeof n.navigate !== "string") {
    throw new Error(`${message.label} received a payload that is not a declarative push message: ${JSON.stringify(p).slice(0, 300)}`)
  }
  say(`📱 ${message.label} received (decrypted, VAPID ${message.vapid.sub}): web_push 8030, lang ${n.lang ?? "-"}, dir ${n.dir ?? "-"}`)
  process.stdout.write(
    `      ${n.title}\n      ${n.body}\n      → ${p.url ?? "(home)"}\n      Safari opens ${n.navigate.replace(/t=[^&]+/, "t=…")}\n`
  )
  if (!shownWhole) {
    shownWhole = true
    process.stdout.write(`      the whole payload:\n${JSON.stringify(p, null, 2).replace(/^/gm, "        ")}\n`)
  }
}

async function main(): Promise<void> {
  const stops: Array<() => Promise<unknown>> = []
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined)
  }
  try {
    say(
      process.env.TEST_DATABASE_URL || process.env.DATABASE_URL
        ? `using ${process.env.TEST_DATABASE_URL ? "TEST_DATABASE_URL" : "DATABASE_URL"}`
        : "starting an embedded Postgres…"
    )
    const server = await startDatabaseServer(say)
    stops.push(() => server.stop())
    const databaseUrl = await createDatabase(server.url, "medusa_web_push_demo")

    const certs = ensureTestCertificates(CERT_DIR)
    const vapid = generateVapidKeys()
    const push = await startPushService({ key: certs.keyPem, cert: certs.certPem, expectedVapidPublicKey: vapid.publicKey })
    stops.push(() => push.close())
    say(`VAPID keys generated for this session; local push inbox at ${push.origin}`)

    // --check runs beside anything (CI, a demo already running): on a free port, which backend_url names.
    const port = CHECK ? await freePort() : PORT
    const origin = `http://localhost:${port}`
    const adminOutDir = CHECK ? undefined : adminBuildDir()
    const storeDir = writeStore({
      name: "demo",
      databaseUrl,
      storeCors: origin,
      admin: adminOutDir ? { path: "/app", outDir: adminOutDir } : undefined,
      pluginOptions: {
        vapid_public_key: vapid.publicKey,
        vapid_private_key: vapid.privateKey,
        vapid_subject: "mailto:demo@medusa-web-push.dev",
        storefront_url: CHECK ? "http://localhost:8000" : `${origin}/demo`,
        admin_url: CHECK ? "http://localhost:7001" : `${origin}/app`,
        // Where Safari's own taps on a notification are counted (declarative push).
        backend_url: origin,
        allow_loopback_endpoints: true,
        inbound_sources: { chat: { provider: "chatwoot", secret: CHAT_SECRET } },
        ...(CHECK ? {} : { enableUI: true }),
      } as WebPushPluginOptions,
    })
    stops.push(async () => fs.rmSync(storeDir, { recursive: true, force: true }))
    say("running `medusa migrations run`…")
    await runMigrations(storeDir)
    if (adminOutDir) {
      say("building the Medusa admin with the plugin's pages (cached after the first run, ~40 s the first time)…")
      const build = await buildAdmin(storeDir, adminOutDir)
      say(build.cached ? "admin build: cached" : `admin built in ${build.seconds.toFixed(0)} s`)
    }
    say("starting the Medusa store with the plugin…")
    const demo = new DemoRoutes()
    // @medusajs/admin reads medusa-config.js from the working directory, as `medusa start` does.
    const cwd = process.cwd()
    process.chdir(storeDir)
    const app = await startMedusa(storeDir, port, CHECK ? undefined : (express) => demo.mount(express)).finally(() => process.chdir(cwd))
    stops.push(() => app.stop())
    const http = new HttpClient(app.baseUrl)
    const admin = await createAdmin(app.container, ADMIN.email, ADMIN.password)
    const catalog = await seedCatalog(http, admin)
    say(`store up at ${app.baseUrl}: region, shipping option and a product seeded`)

    const phone = push.createDevice("Ada's phone")
    const laptop = push.createDevice("Admin's laptop")
    const customer = await registerCustomer(http, "ada@medusa-web-push.dev")
    demo.use(http, catalog, admin, customer)
    await http.expect(201, "POST", "/store/push/subscriptions", { token: customer.token, body: { subscription: phone.subscription } })
    await http.expect(201, "POST", "/admin/push/subscriptions", { apiToken: admin.apiToken, body: { subscription: laptop.subscription } })
    say("subscribed: a customer device (store API) and an admin device (admin API)")

    const order = await placeOrder(http, catalog, customer)
    say(`customer placed order #${order.displayId}`)
    await shipOrder(http, admin, order.id, { trackingNumber: "DHL-00340434161094042557" })
    say(`admin shipped order #${order.displayId} with a tracking number`)
    await http.expect(201, "POST", "/store/contact-messages", {
      body: {
        name: "Grace Hopper",
        email: "grace@example.org",
        subject: "Bulk order",
        message: "Could you ship 40 hoodies to our office in Toronto?",
      },
    })
    say("a visitor sent a contact message")

    const storeEvents = 4 // customer: confirmed + shipped; admin: new order + contact message
    const received = await push.waitForMessages(() => true, storeEvents, 30_000)
    for (const message of received.sort((a, b) => a.at - b.at)) show(message)

    const chat = chatwootMessage(CHAT_SECRET)
    const answer = await http.expect<{ accepted: boolean; id?: string }>(202, "POST", "/hooks/web-push/alerts/chat", chat)
    say(`Chatwoot posted a visitor's chat message to /hooks/web-push/alerts/chat, signed: stored as ${answer.id}`)
    const afterChat = await push.waitForMessages(() => true, storeEvents + 1, 30_000)
    for (const message of afterChat.filter((m) => !received.includes(m))) show(message)

    // A visitor (never signed in) taps "Notify me" on a sold-out product; the admin restocks it.
    const variantPath = `/admin/products/${catalog.productId}/variants/${catalog.variantId}`
    await http.expect(200, "POST", variantPath, { apiToken: admin.apiToken, body: { manage_inventory: true, inventory_quantity: 0 } })
    const tablet = push.createDevice("A visitor's tablet")
    await http.expect(201, "POST", "/store/push/alerts", {
      body: { subscription: tablet.subscription, variant_id: catalog.variantId, kind: "back_in_stock" },
    })
    say("a visitor asked to be told when the sold-out hoodie is back in stock (POST /store/push/alerts)")
    await http.expect(200, "POST", variantPath, { apiToken: admin.apiToken, body: { inventory_quantity: 25 } })
    say("admin restocked the hoodie")
    const expected = storeEvents + 2 // admin: the chat message; the visitor: back in stock
    const all = await push.waitForMessages(() => true, expected, 30_000)
    for (const message of all.filter((m) => !afterChat.includes(m))) show(message)
    say(`all ${expected} notifications arrived`)

    // A tap on the shipment notification in Safari 18.4+ opens its navigate link: the store counts the click and redirects.
    const shipped = all.map((m) => m.payload as DemoPayload).find((p) => p.url?.includes(order.id) && p.notification?.navigate)
    if (shipped?.notification) {
      const link = new URL(shipped.notification.navigate)
      const res = await fetch(`${app.baseUrl}${link.pathname}${link.search}`, { redirect: "manual" })
      if (res.status !== 303) throw new Error(`the click link answered ${res.status}, not 303`)
      say(`a tap in Safari opens ${link.pathname}?t=…: the store counts the click and answers 303 → ${res.headers.get("location")}`)
    }

    if (CHECK) {
      await stopAll()
      return
    }
    process.stdout.write(
      `\nThe store keeps running. In a browser on this machine (with internet, so that the browser's own push service is reachable):\n` +
        `  Demo store page   ${origin}/demo/   sign in as Ada, enable notifications, place and ship an order\n` +
        `  Medusa admin      ${origin}/app     ${ADMIN.email} / ${ADMIN.password}; Settings > Web Push > Enable push on this device;\n` +
        `                    Inbound alerts there shows the chat source, its hook URL and a test button\n` +
        `  Store API         ${origin}/store/push/vapid-public-key\n` +
        `Press Ctrl-C to stop; everything the demo started stops with it.\n`
    )
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve)
      process.once("SIGTERM", resolve)
    })
    say("stopping…")
    await stopAll()
  } catch (err) {
    await stopAll()
    throw err
  }
}

if (!testCaTrusted()) {
  relaunchWithTrustedCa()
} else {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      // A known set-up problem is one line with its fix; anything else, the whole stack.
      const known = err instanceof EmbeddedPostgresAccessError
      process.stderr.write(`demo failed: ${known ? err.message : ((err as Error).stack ?? String(err))}\n`)
      process.exit(1)
    }
  )
}
