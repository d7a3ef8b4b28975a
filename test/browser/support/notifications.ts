/** Reads the notifications a page's service worker registration is showing. */
import type { Page } from "puppeteer-core"
import { eventually } from "../../support/eventually"

export interface ShownNotification {
  title: string
  body: string
  tag: string
  icon: string
  data: Record<string, unknown> | null
}

export function readNotifications(page: Page, scope = "/"): Promise<ShownNotification[]> {
  return page.evaluate(async (s: string) => {
    const registration = await navigator.serviceWorker.getRegistration(s)
    const shown = registration ? await registration.getNotifications() : []
    return shown.map((n) => ({ title: n.title, body: n.body, tag: n.tag, icon: n.icon, data: n.data as Record<string, unknown> | null }))
  }, scope)
}

/** Waits until `count` notifications are shown (showing can finish after the push is acked). */
export async function waitForNotifications(page: Page, count: number, timeoutMs = 10_000): Promise<ShownNotification[]> {
  let shown: ShownNotification[] = []
  return eventually(
    () => `${count} notification(s), saw ${JSON.stringify(shown)}`,
    async () => {
      shown = await readNotifications(page)
      return shown.length >= count ? shown : undefined
    },
    { timeoutMs, intervalMs: 200 }
  )
}

export function closeNotifications(page: Page, scope = "/"): Promise<void> {
  return page.evaluate(async (s: string) => {
    const registration = await navigator.serviceWorker.getRegistration(s)
    for (const n of registration ? await registration.getNotifications() : []) n.close()
  }, scope)
}
