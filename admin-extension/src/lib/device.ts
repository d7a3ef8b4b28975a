/**
 * "Enable push on this device": the admin's browser subscribes with the store's VAPID key and
 * hands the subscription to `POST /admin/push/subscriptions`, which saves it for the signed-in
 * admin. Where the browser shows declarative push messages by itself (Safari 18.4+,
 * `window.pushManager`) and the admin is served at its origin's root, it subscribes with no
 * worker; elsewhere (the admin under `/app/` on the backend, which may share its origin with a
 * storefront) it first registers the service worker the plugin serves on the backend's origin.
 */
import { base64UrlToBytes } from "../../../storefront-snippet/src/browser/base64url"
import { languageTag } from "../../../storefront-snippet/src/browser/language-tag"
import { requestPermission } from "../../../storefront-snippet/src/browser/permission"
import { existingSubscription, pushManagerWithoutWorker, subscribeWithKey } from "../../../storefront-snippet/src/browser/push-subscription"
import { waitUntilActive } from "../../../storefront-snippet/src/browser/service-worker"
import { missingPushFeature, type MissingPushFeature } from "../../../storefront-snippet/src/browser/support"
import type { Device, PushConfig } from "./types"

/** This browser's device id at the store, kept so the page can tell which listed device it is. */
const STORAGE_KEY = "medusa-web-push:admin-device"

export type DeviceState =
  { kind: "unsupported"; reason: string } | { kind: "blocked" } | { kind: "off" } | { kind: "on"; deviceId: string | null }

export interface SubscribeBody {
  subscription: { endpoint: string; expirationTime: number | null; keys: { p256dh: string; auth: string } }
  locale?: string
}

/** The admin's own path (`/app/` when served by the backend), the worker's scope. */
export function adminScope(): string {
  const at = window.location.pathname.indexOf("/a/")
  return at >= 0 ? window.location.pathname.slice(0, at + 1) : "/"
}

/** What the settings page says when this browser cannot take push. */
const UNSUPPORTED: Record<MissingPushFeature, string> = {
  window: "This browser has no window",
  secure_context: "Push needs the admin to be served over https",
  service_worker: "This browser has no service workers",
  push_manager: "This browser cannot receive push notifications",
  notification: "This browser cannot show notifications",
}

function unsupported(): string | null {
  const missing = missingPushFeature()
  return missing ? UNSUPPORTED[missing] : null
}

export function storedDeviceId(): string | null {
  try {
    const saved = JSON.parse(window.localStorage.getItem(STORAGE_KEY) ?? "null") as { id?: unknown } | null
    return typeof saved?.id === "string" ? saved.id : null
  } catch {
    return null
  }
}

export async function deviceState(): Promise<DeviceState> {
  const reason = unsupported()
  if (reason) return { kind: "unsupported", reason }
  if (Notification.permission === "denied") return { kind: "blocked" }
  const subscription = await existingSubscription(adminScope())
  return subscription ? { kind: "on", deviceId: storedDeviceId() } : { kind: "off" }
}

/**
 * The admin worker's push manager, registered here; or, with no worker needed, the one already
 * subscribed under the admin's path, or the page's own (declarative push) where the admin is
 * served at its origin's root.
 */
async function pushManager(config: PushConfig): Promise<PushManager> {
  const scope = adminScope()
  const without = await pushManagerWithoutWorker(scope)
  if (without) return without
  const origin = window.location.origin
  const worker = `${config.service_worker_url}?backend=${encodeURIComponent(origin)}&url=${encodeURIComponent(origin + scope)}`
  return (await waitUntilActive(await navigator.serviceWorker.register(worker, { scope }))).pushManager
}

/**
 * Asks for permission, subscribes (registering the worker where one is needed), then lets `save`
 * store the subscription at the backend; returns the saved device.
 */
export async function enablePush(config: PushConfig, save: (body: SubscribeBody) => Promise<Device>): Promise<Device> {
  const reason = unsupported()
  if (reason) throw new Error(reason)
  if (!config.configured || !config.vapid_public_key) throw new Error(config.error ?? "Web push is not configured on the server")
  const permission = await requestPermission()
  if (permission !== "granted") throw new Error("Notifications are blocked for the admin; allow them in the browser's site settings")
  // Subscribed with another key (the store's keys changed): that subscription can never work.
  const subscription = await subscribeWithKey(await pushManager(config), base64UrlToBytes(config.vapid_public_key), {
    retire: (stale) => stale.unsubscribe(),
  })
  const json = subscription.toJSON()
  const device = await save({
    subscription: {
      endpoint: subscription.endpoint,
      expirationTime: subscription.expirationTime ?? null,
      keys: { p256dh: json.keys?.p256dh ?? "", auth: json.keys?.auth ?? "" },
    },
    locale: languageTag(),
  })
  window.localStorage.setItem(STORAGE_KEY, JSON.stringify({ id: device.id }))
  return device
}

/** Unsubscribes this browser; `remove` deletes its device at the backend. */
export async function disablePush(remove: (deviceId: string) => Promise<unknown>): Promise<void> {
  const subscription = await existingSubscription(adminScope())
  await subscription?.unsubscribe()
  const id = storedDeviceId()
  window.localStorage.removeItem(STORAGE_KEY)
  if (id) await remove(id).catch(() => undefined)
}
