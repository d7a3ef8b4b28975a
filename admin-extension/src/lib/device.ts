/**
 * "Enable push on this device": the admin's browser registers the service worker the plugin
 * serves on the backend's origin, subscribes with the store's VAPID key, and hands the
 * subscription to `POST /admin/push/subscriptions`, which saves it for the signed-in admin.
 */
import type { Device, PushConfig } from "./types"

/** This browser's device id at the store, kept so the page can tell which listed device it is. */
const STORAGE_KEY = "medusa-web-push:admin-device"

export type DeviceState =
  | { kind: "unsupported"; reason: string }
  | { kind: "blocked" }
  | { kind: "off" }
  | { kind: "on"; deviceId: string | null }

export interface SubscribeBody {
  subscription: { endpoint: string; expirationTime: number | null; keys: { p256dh: string; auth: string } }
  locale?: string
}

/** The admin's own path (`/app/` when served by the backend), the worker's scope. */
export function adminScope(): string {
  const at = window.location.pathname.indexOf("/a/")
  return at >= 0 ? window.location.pathname.slice(0, at + 1) : "/"
}

function unsupported(): string | null {
  if (!window.isSecureContext) return "Push needs the admin to be served over https"
  if (!("serviceWorker" in navigator)) return "This browser has no service workers"
  if (!("PushManager" in window)) return "This browser cannot receive push notifications"
  if (!("Notification" in window)) return "This browser cannot show notifications"
  return null
}

export function storedDeviceId(): string | null {
  try {
    const saved = JSON.parse(window.localStorage.getItem(STORAGE_KEY) ?? "null") as { id?: unknown } | null
    return typeof saved?.id === "string" ? saved.id : null
  } catch {
    return null
  }
}

function fromBase64Url(value: string): Uint8Array<ArrayBuffer> {
  const b64 = value.replace(/-/g, "+").replace(/_/g, "/")
  const binary = atob(b64 + "====".slice(0, (4 - (b64.length % 4)) % 4))
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

function sameKey(a: ArrayBuffer | null | undefined, b: Uint8Array): boolean {
  if (!a) return false
  const x = new Uint8Array(a)
  return x.length === b.length && x.every((v, i) => v === b[i])
}

async function registration(): Promise<ServiceWorkerRegistration | undefined> {
  return navigator.serviceWorker.getRegistration(adminScope())
}

export async function deviceState(): Promise<DeviceState> {
  const reason = unsupported()
  if (reason) return { kind: "unsupported", reason }
  if (Notification.permission === "denied") return { kind: "blocked" }
  const reg = await registration()
  const subscription = reg ? await reg.pushManager.getSubscription() : null
  return subscription ? { kind: "on", deviceId: storedDeviceId() } : { kind: "off" }
}

function activated(reg: ServiceWorkerRegistration): Promise<void> {
  const worker = reg.installing ?? reg.waiting ?? reg.active
  if (!worker || worker.state === "activated") return Promise.resolve()
  return new Promise((resolve) => {
    worker.addEventListener("statechange", () => {
      if (worker.state === "activated") resolve()
    })
  })
}

/**
 * Asks for permission, registers the worker and subscribes, then lets `save` store the
 * subscription at the backend; returns the saved device.
 */
export async function enablePush(config: PushConfig, save: (body: SubscribeBody) => Promise<Device>): Promise<Device> {
  const reason = unsupported()
  if (reason) throw new Error(reason)
  if (!config.configured || !config.vapid_public_key) throw new Error(config.error ?? "Web push is not configured on the server")
  const permission = await Notification.requestPermission()
  if (permission !== "granted") throw new Error("Notifications are blocked for the admin; allow them in the browser's site settings")
  const scope = adminScope()
  const origin = window.location.origin
  const worker = `${config.service_worker_url}?backend=${encodeURIComponent(origin)}&url=${encodeURIComponent(origin + scope)}`
  const reg = await navigator.serviceWorker.register(worker, { scope })
  await activated(reg)
  const key = fromBase64Url(config.vapid_public_key)
  let subscription = await reg.pushManager.getSubscription()
  if (subscription && !sameKey(subscription.options.applicationServerKey, key)) {
    // Subscribed with another key (the store's keys changed): that subscription can never work.
    await subscription.unsubscribe()
    subscription = null
  }
  subscription ??= await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key })
  const json = subscription.toJSON()
  const device = await save({
    subscription: {
      endpoint: subscription.endpoint,
      expirationTime: subscription.expirationTime ?? null,
      keys: { p256dh: json.keys?.p256dh ?? "", auth: json.keys?.auth ?? "" },
    },
    locale: /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/.test(navigator.language) ? navigator.language : undefined,
  })
  window.localStorage.setItem(STORAGE_KEY, JSON.stringify({ id: device.id }))
  return device
}

/** Unsubscribes this browser; `remove` deletes its device at the backend. */
export async function disablePush(remove: (deviceId: string) => Promise<unknown>): Promise<void> {
  const reg = await registration()
  const subscription = reg ? await reg.pushManager.getSubscription() : null
  await subscription?.unsubscribe()
  const id = storedDeviceId()
  window.localStorage.removeItem(STORAGE_KEY)
  if (id) await remove(id).catch(() => undefined)
}
