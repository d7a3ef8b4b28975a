/**
 * The helper's subscribe flow against a stand-in browser (pure code: the real browsers are in
 * test/browser/): what it sends the store for the device's language.
 */
import assert from "node:assert/strict"
import { afterEach, test } from "node:test"
import { createWebPush } from "../../storefront-snippet/src/index"

const GLOBALS = ["window", "navigator", "Notification", "location", "fetch"] as const
const saved = new Map(GLOBALS.map((k) => [k, Object.getOwnPropertyDescriptor(globalThis, k)]))

afterEach(() => {
  for (const [key, descriptor] of saved) {
    if (descriptor) Object.defineProperty(globalThis, key, descriptor)
    else delete (globalThis as Record<string, unknown>)[key]
  }
})

function set(key: (typeof GLOBALS)[number], value: unknown): void {
  Object.defineProperty(globalThis, key, { value, configurable: true, writable: true })
}

/** A browser that grants permission and subscribes; returns the bodies the store received. */
function browser(language: string): Array<{ method: string; path: string; body: Record<string, unknown> | undefined }> {
  const subscription = {
    options: { applicationServerKey: null },
    toJSON: () => ({ endpoint: "https://push.example.net/send/abc", keys: { p256dh: "p", auth: "a" } }),
  }
  const registration = { active: {}, pushManager: { getSubscription: async () => null, subscribe: async () => subscription } }
  set("window", { isSecureContext: true, PushManager: {}, Notification: {}, matchMedia: () => ({ matches: false }) })
  set("navigator", {
    language,
    userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    platform: "Linux x86_64",
    maxTouchPoints: 0,
    serviceWorker: { register: async () => registration, ready: Promise.resolve(registration), getRegistration: async () => registration },
  })
  set("Notification", { permission: "default", requestPermission: async () => "granted" })
  set("location", { href: "https://shop.example/account" })
  const requests: Array<{ method: string; path: string; body: Record<string, unknown> | undefined }> = []
  set("fetch", async (url: string, init: { method: string; body?: string }) => {
    const path = new URL(url).pathname
    requests.push({ method: init.method, path, body: init.body ? JSON.parse(init.body) : undefined })
    const answer = path.endsWith("/vapid-public-key") ? { public_key: "AAAA" } : { subscription: { id: "pushsub_1" } }
    return new Response(JSON.stringify(answer), { status: path.endsWith("/vapid-public-key") ? 200 : 201 })
  })
  return requests
}

const saveBody = (requests: ReturnType<typeof browser>) =>
  requests.find((r) => r.method === "POST" && r.path === "/store/push/subscriptions")?.body

test("subscribe() sends the browser's language when it is a language tag", async () => {
  const requests = browser("fr-CA")
  await createWebPush({ backendUrl: "https://api.shop.example" }).subscribe()
  assert.equal(saveBody(requests)?.locale, "fr-CA")
})

test("subscribe() leaves out a browser language the store would refuse, so the device is still saved", async () => {
  for (const odd of ["", "x-klingon-private-use-tag-too-long", "en_US@calendar=x"]) {
    const requests = browser(odd)
    await createWebPush({ backendUrl: "https://api.shop.example" }).subscribe()
    const body = saveBody(requests)
    assert.ok(body, `saved with navigator.language ${JSON.stringify(odd)}`)
    assert.equal(body.locale, undefined, `no locale for ${JSON.stringify(odd)}`)
  }
})

test("an explicit locale is sent as given (the store names the field if it is wrong)", async () => {
  const requests = browser("fr-CA")
  await createWebPush({ backendUrl: "https://api.shop.example" }).subscribe({ locale: "de-DE" })
  assert.equal(saveBody(requests)?.locale, "de-DE")
})

test("watchCart() and unwatchCart() send this device's proof and the cart, no prompt", async () => {
  const requests = browser("en")
  const client = createWebPush({ backendUrl: "https://api.shop.example" })
  await client.subscribe() // now the browser has its subscription
  const registration = await (globalThis.navigator as unknown as { serviceWorker: { ready: Promise<{ pushManager: object }> } })
    .serviceWorker.ready
  const pushManager = registration.pushManager as { subscribe(): Promise<unknown>; getSubscription(): Promise<unknown> }
  const current = await pushManager.subscribe()
  pushManager.getSubscription = async () => current
  await client.watchCart("cart_01ABC")
  await client.unwatchCart("cart_01ABC")
  const carts = requests.filter((r) => r.path === "/store/push/carts")
  assert.deepEqual(carts, [
    {
      method: "POST",
      path: "/store/push/carts",
      body: { endpoint: "https://push.example.net/send/abc", auth: "a", cart_id: "cart_01ABC" },
    },
    {
      method: "DELETE",
      path: "/store/push/carts",
      body: { endpoint: "https://push.example.net/send/abc", auth: "a", cart_id: "cart_01ABC" },
    },
  ])
})

test("watchCart() on a device that is not subscribed fails with backend_refused, asking the store nothing", async () => {
  const requests = browser("en")
  await assert.rejects(createWebPush({ backendUrl: "https://api.shop.example" }).watchCart("cart_01ABC"), { code: "backend_refused" })
  assert.equal(requests.length, 0)
})

/**
 * Safari 18.4+: the page has its own push manager (declarative push). `workerSubscribed`: a device
 * subscribed through push-sw.js before, whose registration still holds the subscription.
 */
function declarativeBrowser(workerSubscribed = false) {
  const subscription = {
    endpoint: "https://web.push.apple.com/QAbc",
    options: { applicationServerKey: new Uint8Array([0, 0, 0]).buffer },
    toJSON: () => ({ endpoint: "https://web.push.apple.com/QAbc", keys: { p256dh: "p", auth: "a" } }),
    unsubscribe: async () => true,
  }
  let current: typeof subscription | null = null
  const pushManager = {
    getSubscription: async () => current,
    subscribe: async () => (current = subscription),
  }
  const registered: string[] = []
  let throughWorker = workerSubscribed
  const registration = {
    active: {},
    pushManager: {
      getSubscription: async () => (throughWorker ? subscription : null),
      subscribe: async () => {
        throughWorker = true
        return subscription
      },
    },
  }
  set("window", { isSecureContext: true, pushManager, Notification: {}, matchMedia: () => ({ matches: true }) })
  set("navigator", {
    language: "fr-FR",
    userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.4 Safari/605.1.15",
    platform: "MacIntel",
    maxTouchPoints: 0,
    serviceWorker: {
      register: async (url: string) => {
        registered.push(url)
        return registration
      },
      getRegistration: async () => (throughWorker || registered.length ? registration : undefined),
    },
  })
  set("Notification", { permission: "default", requestPermission: async () => "granted" })
  set("location", { href: "https://shop.example/account" })
  const requests: Array<{ method: string; path: string }> = []
  set("fetch", async (url: string, init: { method: string }) => {
    const path = new URL(url).pathname
    requests.push({ method: init.method, path })
    const answer = path.endsWith("/vapid-public-key") ? { public_key: "AAAA" } : { subscription: { id: "pushsub_1" } }
    return new Response(JSON.stringify(answer), { status: path.endsWith("/vapid-public-key") ? 200 : 201 })
  })
  return { registered, requests }
}

test("Safari 18.4+ (declarative push): subscribes through window.pushManager and registers no service worker", async () => {
  const { registered, requests } = declarativeBrowser()
  const client = createWebPush({ backendUrl: "https://api.shop.example" })
  assert.equal(client.isSupported(), true)
  assert.deepEqual((await client.status()).subscribed, false)
  const result = await client.subscribe()
  assert.deepEqual(result, { id: "pushsub_1", endpoint: "https://web.push.apple.com/QAbc" })
  assert.deepEqual(registered, [], "no worker needed")
  assert.ok(requests.some((r) => r.method === "POST" && r.path === "/store/push/subscriptions"))
  assert.equal((await client.status()).subscribed, true)
  assert.deepEqual(await client.unsubscribe(), { removed: true, backendConfirmed: true })
})

test("Safari 18.4+ with a device subscribed through the worker before: that subscription is the one found", async () => {
  declarativeBrowser(true)
  const status = await createWebPush({ backendUrl: "https://api.shop.example" }).status()
  assert.deepEqual([status.subscribed, status.endpoint], [true, "https://web.push.apple.com/QAbc"])
})

test("Safari 18.4+ with a scope under a path: the page's own subscription is not used, the worker is registered there", async () => {
  const { registered } = declarativeBrowser()
  await createWebPush({ backendUrl: "https://api.shop.example", scope: "/shop/" }).subscribe()
  assert.equal(registered.length, 1)
})
