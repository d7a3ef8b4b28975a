/**
 * The admin's "Enable push on this device" against stand-in browsers (pure code; the real admin
 * is test/admin/admin.test.ts): with declarative push (Safari 18.4+) and the admin at its origin's
 * root it subscribes through the page's own push manager and registers no worker; under a path
 * (`/app/`), or without declarative push, through the plugin's worker registered there.
 */
import assert from "node:assert/strict"
import { afterEach, test } from "node:test"
import { deviceState, enablePush } from "../../admin-extension/src/lib/device"
import type { Device, PushConfig } from "../../admin-extension/src/lib/types"

const GLOBALS = ["window", "navigator", "Notification"] as const
const saved = new Map(GLOBALS.map((k) => [k, Object.getOwnPropertyDescriptor(globalThis, k)]))
afterEach(() => {
  for (const [key, descriptor] of saved) {
    if (descriptor) Object.defineProperty(globalThis, key, descriptor)
    else delete (globalThis as Record<string, unknown>)[key]
  }
})
const set = (key: (typeof GLOBALS)[number], value: unknown) =>
  Object.defineProperty(globalThis, key, { value, configurable: true, writable: true })

const config: PushConfig = {
  configured: true,
  error: null,
  vapid_public_key: "AAAA",
  service_worker_url: "/admin-push-sw",
  paused_push_services: [],
}

function browser(declarative: boolean, adminPath = "/app/a/settings/web-push") {
  const subscription = {
    endpoint: "https://web.push.apple.com/QAdmin",
    expirationTime: null,
    options: { applicationServerKey: null },
    toJSON: () => ({ endpoint: "https://web.push.apple.com/QAdmin", keys: { p256dh: "p", auth: "a" } }),
  }
  let current: typeof subscription | null = null
  const manager = { getSubscription: async () => current, subscribe: async () => (current = subscription) }
  const registered: Array<{ url: string; scope: string }> = []
  const registration = { active: {}, pushManager: manager }
  const storage = new Map<string, string>()
  set("window", {
    isSecureContext: true,
    location: { pathname: adminPath, origin: "https://api.shop.example" },
    localStorage: {
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => storage.set(k, v),
      removeItem: (k: string) => storage.delete(k),
    },
    Notification: {},
    ...(declarative ? { pushManager: manager } : { PushManager: {} }),
  })
  set("navigator", {
    language: "en-US",
    serviceWorker: {
      register: async (url: string, options: { scope: string }) => {
        registered.push({ url, scope: options.scope })
        return registration
      },
      getRegistration: async () => (registered.length ? registration : undefined),
    },
  })
  set("Notification", { permission: "default", requestPermission: async () => "granted" })
  return { registered }
}

const save = async (): Promise<Device> => ({ id: "pushsub_admin" }) as Device

test("declarative push, the admin at its origin's root: subscribes through window.pushManager, no worker registered", async () => {
  const { registered } = browser(true, "/a/settings/web-push")
  assert.deepEqual(await deviceState(), { kind: "off" })
  const device = await enablePush(config, save)
  assert.equal(device.id, "pushsub_admin")
  assert.deepEqual(registered, [])
  assert.deepEqual(await deviceState(), { kind: "on", deviceId: "pushsub_admin" })
})

test("declarative push, the admin under /app/ on the backend (which may share its origin with a storefront): the worker, not the origin's own subscription", async () => {
  const { registered } = browser(true)
  await enablePush(config, save)
  assert.deepEqual(
    registered.map((r) => r.scope),
    ["/app/"]
  )
})

test("elsewhere: the plugin's worker is registered under the admin's path first", async () => {
  const { registered } = browser(false)
  await enablePush(config, save)
  assert.equal(registered.length, 1)
  assert.equal(registered[0].scope, "/app/")
  assert.match(registered[0].url, /^\/admin-push-sw\?backend=https%3A%2F%2Fapi\.shop\.example&url=/)
})
