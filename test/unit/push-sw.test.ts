/**
 * The service worker's repeat handling, run in a vm with a stand-in registration (pure logic;
 * the browsers' own behaviour is proven in test/browser/).
 */
import assert from "node:assert/strict"
import fs from "node:fs"
import path from "node:path"
import { test } from "node:test"
import vm from "node:vm"

interface Shown {
  title: string
  options: { tag?: string; renotify?: boolean; data?: Record<string, unknown> }
}

function loadWorker(getNotifications: (filter: { tag?: string }) => Promise<Shown["options"][]>) {
  const listeners: Record<string, (event: unknown) => void> = {}
  const shown: Shown[] = []
  const registration = {
    scope: "https://shop.example.dev/",
    showNotification: async (title: string, options: Shown["options"]) => {
      shown.push({ title, options })
    },
    getNotifications: async (filter: { tag?: string }) => (await getNotifications(filter)).map((o) => ({ data: o.data })),
  }
  const sw = {
    location: { href: "https://shop.example.dev/push-sw.js" },
    registration,
    clients: { claim: async () => undefined },
    skipWaiting: () => undefined,
    addEventListener: (type: string, listener: (event: unknown) => void) => {
      listeners[type] = listener
    },
  }
  const source = fs.readFileSync(path.join(__dirname, "..", "..", "storefront-snippet", "push-sw.js"), "utf8")
  vm.runInNewContext(source, { self: sw, URL, setTimeout, Promise, console: undefined })
  const push = async (payload: object): Promise<void> => {
    let done: Promise<unknown> = Promise.resolve()
    listeners.push({ data: { json: () => payload, text: () => JSON.stringify(payload) }, waitUntil: (p: Promise<unknown>) => (done = p) })
    await done
  }
  return { push, shown }
}

const message = (id: string) => ({
  title: "Flash sale",
  body: "Now",
  tag: "broadcast-1",
  renotify: true,
  timestamp: 1,
  data: { message_id: id },
})

test("a repeat of a shown message replaces it without a new alert; a new message under the same tag alerts", async () => {
  const { push, shown } = loadWorker(async () => shown.map((s) => s.options))
  await push(message("pushmsg_1"))
  await push(message("pushmsg_1"))
  await push(message("pushmsg_2"))
  assert.deepEqual(
    shown.map((s) => [s.options.data?.message_id, s.options.tag, s.options.renotify]),
    [
      ["pushmsg_1", "broadcast-1", true],
      ["pushmsg_1", "broadcast-1", false],
      ["pushmsg_2", "broadcast-1", true],
    ]
  )
})

test("a browser that never answers getNotifications still shows the message, within half a second", async () => {
  const { push, shown } = loadWorker(() => new Promise(() => undefined))
  const started = Date.now()
  await push(message("pushmsg_3"))
  assert.equal(shown.length, 1)
  assert.equal(shown[0].options.renotify, true)
  assert.ok(Date.now() - started < 1500)
})

/** The worker with a backend configured, a stand-in fetch and no open tabs: what a click reports. */
function loadClickWorker() {
  const listeners: Record<string, (event: unknown) => void> = {}
  const posted: Array<{ url: string; body: Record<string, unknown> }> = []
  const opened: string[] = []
  const sw = {
    location: { href: "https://shop.example.dev/push-sw.js?backend=https%3A%2F%2Fapi.example.dev" },
    registration: { scope: "https://shop.example.dev/" },
    clients: { claim: async () => undefined, matchAll: async () => [], openWindow: async (url: string) => opened.push(url) },
    skipWaiting: () => undefined,
    addEventListener: (type: string, listener: (event: unknown) => void) => {
      listeners[type] = listener
    },
  }
  const fetch = async (url: string, init: { body: string }) => {
    posted.push({ url, body: JSON.parse(init.body) as Record<string, unknown> })
    return { ok: true }
  }
  const source = fs.readFileSync(path.join(__dirname, "..", "..", "storefront-snippet", "push-sw.js"), "utf8")
  vm.runInNewContext(source, { self: sw, URL, setTimeout, Promise, fetch, console: undefined })
  const click = async (data: Record<string, unknown>): Promise<void> => {
    let done: Promise<unknown> = Promise.resolve()
    listeners.notificationclick({
      notification: { data, close: () => undefined },
      action: "",
      waitUntil: (p: Promise<unknown>) => (done = p),
    })
    await done
  }
  return { click, posted, opened }
}

test("a click reports the delivery id with its click token; without a token it reports nothing and still opens the page", async () => {
  const { click, posted, opened } = loadClickWorker()
  const token = "A".repeat(43)
  await click({ url: "https://shop.example.dev/order/1", delivery_id: "pushdel_1", click_token: token })
  assert.deepEqual(posted, [{ url: "https://api.example.dev/store/push/clicks", body: { delivery_id: "pushdel_1", click_token: token } }])
  await click({ url: "https://shop.example.dev/order/2", delivery_id: "pushdel_2" })
  assert.equal(posted.length, 1)
  assert.deepEqual(opened, ["https://shop.example.dev/order/1", "https://shop.example.dev/order/2"])
})
