/**
 * A service worker script run in a vm with a stand-in registration: what it shows for a push, and
 * what a click reports. Pure logic only; the browsers' own behaviour is proven in test/browser/.
 */
import fs from "node:fs"
import path from "node:path"
import vm from "node:vm"
import { REPO_ROOT } from "./paths"

export interface Shown {
  title: string
  options: { tag?: string; renotify?: boolean; data?: Record<string, unknown> } & Record<string, unknown>
}

/** The plugin's worker as shipped, and the one from before Declarative Web Push (a fixture). */
export const WORKERS = {
  current: path.join(REPO_ROOT, "storefront-snippet", "push-sw.js"),
  beforeDeclarative: path.join(REPO_ROOT, "test", "browser", "fixtures", "push-sw-before-declarative.js"),
} as const

/**
 * Loads a worker; `getNotifications` answers the worker's question for notifications already shown
 * under a tag. `push` dispatches a push event with a JSON payload and waits for its work.
 */
export function loadWorker(
  getNotifications: (filter: { tag?: string }) => Promise<Shown["options"][]>,
  file: string = WORKERS.current
): { push(payload: unknown): Promise<void>; shown: Shown[] } {
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
  vm.runInNewContext(fs.readFileSync(file, "utf8"), { self: sw, URL, setTimeout, Promise, console: undefined })
  const push = async (payload: unknown): Promise<void> => {
    let done: Promise<unknown> = Promise.resolve()
    listeners.push({ data: { json: () => payload, text: () => JSON.stringify(payload) }, waitUntil: (p: Promise<unknown>) => (done = p) })
    await done
  }
  return { push, shown }
}

/** The worker with a backend configured, a stand-in fetch and no open tabs: what a click reports. */
export function loadClickWorker(): {
  click(data: Record<string, unknown>): Promise<void>
  posted: Array<{ url: string; body: Record<string, unknown> }>
  opened: string[]
} {
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
  vm.runInNewContext(fs.readFileSync(WORKERS.current, "utf8"), { self: sw, URL, setTimeout, Promise, fetch, console: undefined })
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

/** Objects made in the worker's context, as plain data of this one (deepEqual compares prototypes). */
export const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown
