/** The browser's push subscription for one service worker scope and one VAPID key. */

/** This browser's subscription under `scope`, if a worker is registered there and subscribed; no prompt. */
export async function existingSubscription(scope: string): Promise<PushSubscription | null> {
  const registration = await navigator.serviceWorker.getRegistration(scope)
  return registration ? registration.pushManager.getSubscription() : null
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

/** The registration's subscription for `key`: the one it has when made with that key, else a new one. */
export async function subscribeWithKey(
  registration: ServiceWorkerRegistration,
  key: Uint8Array<ArrayBuffer>,
  options: SubscribeWithKeyOptions
): Promise<PushSubscription> {
  const existing = await registration.pushManager.getSubscription()
  if (existing && sameBytes(existing.options.applicationServerKey, key)) return existing
  if (existing) await options.retire(existing)
  try {
    return await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key })
  } catch (cause) {
    throw options.refused ? options.refused(cause) : cause
  }
}

function sameBytes(a: ArrayBuffer | null | undefined, b: Uint8Array): boolean {
  if (!a) return false
  const x = new Uint8Array(a)
  return x.length === b.length && x.every((v, i) => v === b[i])
}
