/** What the Next.js proof's browser steps share: checks, the example's buttons, a shown notification. */
import type { Page } from "puppeteer-core"
import type { EntityManager } from "typeorm"
import type { AutopushServer } from "../browser/support/autopush-server"
import { readNotifications, type ShownNotification } from "../browser/support/notifications"
import { eventually } from "../support/eventually"

/** The example's buttons, as the proof finds them. */
export const GUEST_LABEL = "Send me shipping updates for this order"
export const CUSTOMER_LABEL = "Notify me about my orders and my cart"
export const STOP_LABEL = "Stop notifications"
export const BACK_IN_STOCK_LABEL = "Notify me when it's back in stock"
export const PRICE_DROP_LABEL = "Tell me if the price drops"

export function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message)
}

const buttonWithText = (label: string): string => `::-p-xpath(//button[normalize-space(.)=${JSON.stringify(label)}])`

/** Clicks the button with exactly this text, as a user does (a real click, so it may open the permission prompt). */
export async function clickButton(page: Page, label: string): Promise<void> {
  const button = await page.waitForSelector(buttonWithText(label), { timeout: 30_000 })
  if (!button) throw new Error(`no button "${label}"`)
  await button.click()
}

/** Waits for a button showing `label`; when none does, says what the example's buttons show instead (their message lines). */
export async function waitForButton(page: Page, label: string): Promise<void> {
  try {
    await page.waitForSelector(buttonWithText(label), { timeout: 30_000 })
  } catch (err) {
    const shown = await page
      .evaluate(() =>
        Array.from(document.querySelectorAll("button.contrast-btn"))
          .map((b) => b.parentElement?.innerText.replace(/\s+/g, " "))
          .join(" | ")
      )
      .catch(() => "(page unreadable)")
    throw new Error(`the button "${label}" did not appear; the example shows: ${shown || "nothing"} (${(err as Error).message})`, {
      cause: err,
    })
  }
}

/** The notification whose title contains `text`, as the page's service worker shows it; on a timeout, what was shown and sent. */
export async function shownNotification(page: Page, db: EntityManager, push: AutopushServer, text: string): Promise<ShownNotification> {
  let titles: string[] = []
  try {
    return await eventually(`a notification titled "…${text}…"`, async () => {
      const all = await readNotifications(page)
      titles = all.map((n) => n.title)
      return all.find((n) => n.title.includes(text))
    })
  } catch (err) {
    const deliveries: Array<{ event_name: string; status: string }> = await db.query(
      `SELECT m."event_name", d."status" FROM "push_delivery" d JOIN "push_message" m ON m."id" = d."message_id" ORDER BY d."created_at"`
    )
    throw new Error(
      `${(err as Error).message}; shown: ${JSON.stringify(titles)}; the store's deliveries: ${deliveries.map((d) => `${d.event_name} ${d.status}`).join(", ")}; ` +
        `pushes at the push service: ${push.received.length}`,
      { cause: err }
    )
  }
}
