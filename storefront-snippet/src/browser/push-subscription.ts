/**
 * The browser's push subscription for one VAPID key: through the page's own push manager where
 * the browser offers Declarative Web Push without a service worker (Safari 18.4+:
 * `window.pushManager`), else through a service worker registration's.
 */

/** `window.pushManager` where the browser has it (declarative push, no worker needed), else null. */
export function windowPushManager(): PushManager | null {
  if (typeof window === "undefined") return null
  const manager = (window as Window & { pushManager?: PushManager }).pushManager
  return manager && typeof manager.subscribe === "function" && typeof manager.getSubscription === "function" ? manager : null
}

/**
 * The page's own push manager for `scope`: only the site's root scope has one (`window.pushManager`
 * is the origin's, shared with a worker registered at `/`); a worker under a path (the admin's
 * `/app/`) keeps a subscription of its own, which the page's would not be.
 */
function pageManagerFor(scope: string): PushManager | null {
  return new URL(scope, "https://x.invalid").pathname === "/" ? windowPushManager() : null
}

async function registrationAt(scope: string): Promise<ServiceWorkerRegistration | undefined> {
  return typeof navigator !== "undefined" && "serviceWorker" in navigator ? navigator.serviceWorker.getRegistration(scope) : undefined
}

/**
 * This browser's subscription for `scope`, if any; no prompt. The worker registered there first (a
 * device subscribed through it, before the browser offered declarative push), then the page's own
 * push manager where `scope` is the site's root.
 */
export async function existingSubscription(scope: string): Promise<PushSubscription | null> {
  const registration = await registrationAt(scope)
  const fromWorker = registration ? await registration.pushManager.getSubscription() : null
  return fromWorker ?? (await pageManagerFor(scope)?.getSubscription()) ?? null
}

/**
 * The push manager to subscribe through for `scope` without registering anything: the worker's
 * that already holds a subscription there (it stays the device's), else the page's own where the
 * browser offers declarative push and `scope` is the site's root; null when a worker is needed.
 */
export async function pushManagerWithoutWorker(scope: string): Promise<PushManager | null> {
  const registration = await registrationAt(scope)
  if (registration && (await registration.pushManager.getSubscription())) return registration.pushManager
  return pageManagerFor(scope)
}

export interface SubscribeWithKeyOptions {
  /**
   * Called with a subscription made with another key (the store's VAPID keys changed), which can
   * never be sent to again: it unsubscribes it (and tells the store) before a new one is made.
   */
  retire(stale: PushSubscription): Promise<unknown>
  /** The error to throw when the browser refuses to subscribe; the browser's own by default. */
  refused?(cause: unknown): unknown
}

/** The push manager's subscription for `key`: the one it has when made with that key, else a new one. */
export async function subscribeWithKey(
  manager: PushManager,
  key: Uint8Array<ArrayBuffer>,
  options: SubscribeWithKeyOptions
): Promise<PushSubscription> {
  const existing = await manager.getSubscription()
  if (existing && sameBytes(existing.options.applicationServerKey, key)) return existing
  if (existing) await options.retire(existing)
  try {
    return await manager.subscribe({ userVisibleOnly: true, applicationServerKey: key })
  } catch (cause) {
    throw options.refused ? options.refused(cause) : cause
  }
}

function sameBytes(a: ArrayBuffer | null | undefined, b: Uint8Array): boolean {
  if (!a) return false
  const x = new Uint8Array(a)
  return x.length === b.length && x.every((v, i) => v === b[i])
}
