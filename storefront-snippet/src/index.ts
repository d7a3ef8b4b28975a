/**
 * Subscribe helper for medusa-plugin-web-push. No runtime dependencies. The browser code it shares
 * with the plugin's admin lives in `browser/`; the build (scripts/build.mjs) inlines it, so that
 * the helper ships as one ES module and one plain script (global `MedusaWebPush`), built by tsc.
 */
import { base64UrlToBytes } from "./browser/base64url"
import { languageTag } from "./browser/language-tag"
import { timeZone } from "./browser/time-zone"
import { requestPermission } from "./browser/permission"
import { existingSubscription, pushManagerWithoutWorker, subscribeWithKey } from "./browser/push-subscription"
import { waitUntilActive } from "./browser/service-worker"
import { isBrave, missingPushFeature, needsHomeScreen } from "./browser/support"
import { productAlertCalls } from "./product-alerts"

export { needsHomeScreen }

/** Why a call failed, stable for a UI to switch on. */
export type WebPushErrorCode =
  /** The browser has no service worker, Push API or Notification API (or is not a secure context). */
  | "unsupported"
  /** The user (or the browser's policy) blocked notifications for this site. */
  | "denied"
  /** The user closed the permission prompt without answering. */
  | "dismissed"
  /** The store answered with an error status; `status` and `message` say which. */
  | "backend_refused"
  /** The store or the browser's push service could not be reached. */
  | "network"
  /** iPhone or iPad: push works only in the site's web app, opened from the Home Screen (iOS 16.4+). */
  | "needs_home_screen"
  /** The browser has push switched off (Brave: "Use Google services for push messaging"). */
  | "blocked_by_browser"

export class WebPushClientError extends Error {
  readonly code: WebPushErrorCode
  /** HTTP status when `code` is `backend_refused`. */
  readonly status?: number
  override readonly cause?: unknown

  constructor(code: WebPushErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message)
    this.name = "WebPushClientError"
    this.code = code
    this.status = options.status
    this.cause = options.cause
  }
}

/** `Notification.permission`, or `unsupported` where push cannot work. */
export type PushPermission = "default" | "granted" | "denied" | "unsupported"

export interface WebPushClientOptions {
  /** Medusa backend URL, e.g. `https://api.store.com`. */
  backendUrl: string
  /** Sent as `x-publishable-api-key` when the store uses one. */
  publishableApiKey?: string
  /**
   * URL of the service worker to register; the backend URL and publishable key are added to
   * its query string. @default '/push-sw.js'
   */
  serviceWorkerUrl?: string
  /** Service worker scope. @default '/' */
  scope?: string
  /**
   * Use the service worker registration the storefront already has (its worker pulls
   * push-sw.js in with `importScripts`) instead of registering `serviceWorkerUrl`. @default false
   */
  useExistingServiceWorker?: boolean
  /** Fetch credentials for store calls; `include` sends the customer's session cookie. @default 'include' */
  credentials?: RequestCredentials
  /** Extra headers for store calls, e.g. `{ authorization: 'Bearer …' }`; a function is called per request. */
  headers?: Record<string, string> | (() => Record<string, string>)
}

export interface SubscribeOptions {
  /**
   * Notification categories this device receives: the plugin's built-in customer category is
   * `order_updates` (order placed, shipped, canceled, refunded…). Given, it replaces the device's
   * list; omitted, a new device gets the store's defaults and a known one keeps its choice.
   */
  categories?: string[]
  /** Locale for the notifications' text, e.g. `de-DE`. @default navigator.language, when it is a language tag */
  locale?: string
  /** Guest opt-in for one order: the order's `cart_id`, proof the visitor placed it. */
  cartId?: string
}

export interface SubscribeResult {
  /** Id of the subscription row at the store. */
  id: string
  endpoint: string
}

export interface UnsubscribeResult {
  /** A browser subscription existed and was removed. */
  removed: boolean
  /** The store confirmed it deleted its row (false when unreachable; the push service's 410 cleans it later). */
  backendConfirmed: boolean
}

export interface PushStatus {
  supported: boolean
  permission: PushPermission
  subscribed: boolean
  endpoint?: string
  /** iPhone or iPad outside a Home Screen web app: push becomes possible once the site is added and opened from there. */
  needsHomeScreen?: boolean
}

export interface WebPushClient {
  isSupported(): boolean
  permission(): PushPermission
  /** Asks for permission (call it from a click handler), subscribes and registers at the store. */
  subscribe(options?: SubscribeOptions): Promise<SubscribeResult>
  unsubscribe(): Promise<UnsubscribeResult>
  status(): Promise<PushStatus>
  /** Changes what this device receives, its language or its time zone (no prompt; it must be subscribed). */
  setPreferences(preferences: DevicePreferences): Promise<void>
  /**
   * "Notify me when it's back": asks for permission if need be (call it from a click handler) and
   * for one push when the variant can be bought again. The store answers 409 for a variant in stock.
   */
  notifyWhenInStock(variantId: string): Promise<ProductAlert>
  /** One push when the variant's price in the region (the storefront's) falls below today's. */
  notifyOnPriceDrop(variantId: string, regionId: string): Promise<ProductAlert>
  /** The alerts this device waits for (none when it is not subscribed; no prompt). */
  productAlerts(): Promise<ProductAlert[]>
  /** Cancels one; false when this device is not subscribed. */
  cancelProductAlert(id: string): Promise<boolean>
  /**
   * This device gets the abandoned-cart reminders of `cartId` (the visitor's own cart, as the
   * storefront keeps it), guest or signed in; no prompt, it must be subscribed. Call it when the
   * cart gets its first item; calling it again is harmless. The store answers the same whatever
   * the cart (a completed cart is not watched).
   */
  watchCart(cartId: string): Promise<void>
  /** This device no longer gets `cartId`'s reminders (the signed-in customer's other devices still may). */
  unwatchCart(cartId: string): Promise<void>
}

/** A product alert this device waits for (`notifyWhenInStock`, `notifyOnPriceDrop`). */
export interface ProductAlert {
  id: string
  kind: "back_in_stock" | "price_drop"
  variant_id: string
  product_id: string
  region_id: string | null
  currency_code: string | null
  /** The price when the device asked (price drops), in the currency's smallest unit. */
  requested_amount: number | null
  created_at: string
}

export interface DevicePreferences {
  categories?: string[]
  locale?: string
  timeZone?: string
}

const SUBSCRIPTION_CACHE = "medusa-web-push"
const SUBSCRIPTION_CACHE_PATH = "/__medusa-web-push/subscription"

export function isSupported(): boolean {
  return missingPushFeature() === null
}

export function permission(): PushPermission {
  return isSupported() ? Notification.permission : "unsupported"
}

export function createWebPush(options: WebPushClientOptions): WebPushClient {
  const backend = options.backendUrl.replace(/\/+$/, "")
  const scope = options.scope ?? "/"

  function headers(json: boolean): Record<string, string> {
    const extra = typeof options.headers === "function" ? options.headers() : options.headers
    const out: Record<string, string> = { ...extra }
    if (json) out["content-type"] = "application/json"
    if (options.publishableApiKey) out["x-publishable-api-key"] = options.publishableApiKey
    return out
  }

  async function call(method: string, path: string, body?: unknown): Promise<unknown> {
    let res: Response
    try {
      res = await fetch(backend + path, {
        method,
        headers: headers(body !== undefined),
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: options.credentials ?? "include",
      })
    } catch (cause) {
      throw new WebPushClientError("network", `Could not reach the store at ${backend}`, { cause })
    }
    const parsed: unknown = await res.json().catch(() => null)
    if (!res.ok) {
      const message = (parsed as { message?: unknown } | null)?.message
      throw new WebPushClientError(
        "backend_refused",
        typeof message === "string" ? message : `The store answered ${res.status} to ${method} ${path}`,
        { status: res.status }
      )
    }
    return parsed
  }

  async function vapidKey(): Promise<Uint8Array<ArrayBuffer>> {
    const body = (await call("GET", "/store/push/vapid-public-key")) as { public_key?: unknown } | null
    if (typeof body?.public_key !== "string") {
      throw new WebPushClientError("backend_refused", "The store sent no VAPID public key")
    }
    return base64UrlToBytes(body.public_key)
  }

  function workerUrl(): string {
    const url = new URL(options.serviceWorkerUrl ?? "/push-sw.js", location.href)
    url.searchParams.set("backend", backend)
    if (options.publishableApiKey) url.searchParams.set("pk", options.publishableApiKey)
    return url.href
  }

  /**
   * Where the subscription is made: the worker's that already holds one under `scope`, else the
   * page's own push manager where the browser shows declarative push messages by itself (Safari
   * 18.4+, for the site's root scope: no worker is registered), else the service worker's
   * (registered here, or the storefront's own with `useExistingServiceWorker`).
   */
  async function pushManager(): Promise<PushManager> {
    const without = await pushManagerWithoutWorker(scope)
    if (without) return without
    if (options.useExistingServiceWorker) return (await navigator.serviceWorker.ready).pushManager
    return (await waitUntilActive(await navigator.serviceWorker.register(workerUrl(), { scope }))).pushManager
  }

  /** What the service worker needs to prove the old subscription on `pushsubscriptionchange`. */
  async function rememberProof(subscription: PushSubscriptionJSON | null): Promise<void> {
    if (typeof caches === "undefined") return
    const cache = await caches.open(SUBSCRIPTION_CACHE)
    if (!subscription) {
      await cache.delete(SUBSCRIPTION_CACHE_PATH)
      return
    }
    const proof = { endpoint: subscription.endpoint, auth: subscription.keys?.auth }
    await cache.put(SUBSCRIPTION_CACHE_PATH, new Response(JSON.stringify(proof)))
  }

  /** A subscription made with the store's old VAPID key can no longer be sent to: gone here and at the store. */
  async function retire(stale: PushSubscription): Promise<void> {
    const old = stale.toJSON()
    await stale.unsubscribe().catch(() => false)
    await call("DELETE", "/store/push/subscriptions", { endpoint: old.endpoint, auth: old.keys?.auth }).catch(() => undefined)
  }

  function refused(cause: unknown): WebPushClientError {
    const name = (cause as { name?: string } | null)?.name
    if (name === "NotAllowedError") return new WebPushClientError("denied", "The browser refused the push subscription", { cause })
    if (name === "AbortError" && isBrave()) {
      return new WebPushClientError("blocked_by_browser", "Push is switched off in this browser", { cause })
    }
    return new WebPushClientError("network", "The browser could not reach its push service", { cause })
  }

  /** Permission (prompting if need be), the push manager (and its worker) and the browser's subscription with the store's key. */
  async function browserSubscription(): Promise<PushSubscription> {
    if (needsHomeScreen()) {
      throw new WebPushClientError("needs_home_screen", "Add this site to the Home Screen and open it from there to get notifications")
    }
    if (!isSupported()) throw new WebPushClientError("unsupported", "This browser cannot receive push notifications")
    if (Notification.permission === "denied") {
      throw new WebPushClientError("denied", "Notifications are blocked for this site")
    }
    // Start everything at once: the prompt must open while the click's user activation lasts.
    const answer = requestPermission()
    const key = vapidKey()
    const manager = pushManager()
    key.catch(() => undefined)
    manager.catch(() => undefined)
    const granted = await answer
    if (granted === "denied") throw new WebPushClientError("denied", "Notifications are blocked for this site")
    if (granted !== "granted") throw new WebPushClientError("dismissed", "The permission prompt was closed")
    try {
      return await subscribeWithKey(await manager, await key, { retire, refused })
    } catch (cause) {
      if (cause instanceof WebPushClientError) throw cause
      throw new WebPushClientError("unsupported", "The service worker could not be registered", { cause })
    }
  }

  async function subscribe(opts: SubscribeOptions = {}): Promise<SubscribeResult> {
    const subscription = await browserSubscription()
    const json = subscription.toJSON()
    const body = {
      subscription: json,
      categories: opts.categories,
      locale: opts.locale ?? languageTag(),
      time_zone: timeZone(),
      cart_id: opts.cartId,
    }
    const saved = (await call("POST", "/store/push/subscriptions", body)) as { subscription?: { id?: unknown } } | null
    await rememberProof(json).catch(() => undefined)
    const id = saved?.subscription?.id
    return { id: typeof id === "string" ? id : "", endpoint: subscription.endpoint }
  }

  async function unsubscribe(): Promise<UnsubscribeResult> {
    if (!isSupported()) return { removed: false, backendConfirmed: false }
    const subscription = await existingSubscription(scope)
    if (!subscription) return { removed: false, backendConfirmed: false }
    const json = subscription.toJSON()
    const backendConfirmed = await call("DELETE", "/store/push/subscriptions", {
      endpoint: json.endpoint,
      auth: json.keys?.auth,
    }).then(
      () => true,
      () => false
    )
    const removed = await subscription.unsubscribe().catch(() => false)
    await rememberProof(null).catch(() => undefined)
    return { removed, backendConfirmed }
  }

  async function status(): Promise<PushStatus> {
    if (!isSupported())
      return { supported: false, permission: "unsupported", subscribed: false, ...(needsHomeScreen() ? { needsHomeScreen: true } : {}) }
    const subscription = await existingSubscription(scope)
    return {
      supported: true,
      permission: Notification.permission,
      subscribed: subscription !== null,
      endpoint: subscription?.endpoint,
    }
  }

  /** This device's endpoint and auth secret, the proof the store asks for; fails when it is not subscribed. */
  async function deviceProof(): Promise<{ endpoint: string | undefined; auth: string | undefined }> {
    const subscription = isSupported() ? await existingSubscription(scope) : null
    if (!subscription) throw new WebPushClientError("backend_refused", "This device is not subscribed")
    const json = subscription.toJSON()
    return { endpoint: json.endpoint, auth: json.keys?.auth }
  }

  async function setPreferences(preferences: DevicePreferences): Promise<void> {
    await call("POST", "/store/push/preferences", {
      ...(await deviceProof()),
      categories: preferences.categories,
      locale: preferences.locale,
      time_zone: preferences.timeZone,
    })
  }

  async function watchCart(cartId: string): Promise<void> {
    await call("POST", "/store/push/carts", { ...(await deviceProof()), cart_id: cartId })
  }

  async function unwatchCart(cartId: string): Promise<void> {
    await call("DELETE", "/store/push/carts", { ...(await deviceProof()), cart_id: cartId })
  }

  const alerts = productAlertCalls({
    call,
    async browserSubscription() {
      const json = (await browserSubscription()).toJSON()
      await rememberProof(json).catch(() => undefined)
      return { subscription: json, locale: languageTag(), timeZone: timeZone() }
    },
    async existing() {
      const subscription = isSupported() ? await existingSubscription(scope) : null
      return subscription ? subscription.toJSON() : null
    },
  })

  return {
    isSupported,
    permission,
    subscribe,
    unsubscribe,
    status,
    setPreferences,
    watchCart,
    unwatchCart,
    notifyWhenInStock: async (variantId) => (await alerts.notifyWhenInStock(variantId)) as ProductAlert,
    notifyOnPriceDrop: async (variantId, regionId) => (await alerts.notifyOnPriceDrop(variantId, regionId)) as ProductAlert,
    productAlerts: async () => (await alerts.productAlerts()) as ProductAlert[],
    cancelProductAlert: (id) => alerts.cancelProductAlert(id),
  }
}
