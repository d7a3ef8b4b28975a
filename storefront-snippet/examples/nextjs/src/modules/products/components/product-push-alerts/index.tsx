"use client"
// Product page: "Notify me when it's back in stock" for the selected variant while it is out of
// stock, and "Tell me if the price drops" in the page's region. No account needed: the store keeps
// a visitor's browser as a device that gets only the alerts it asked for.
import { Region } from "@medusajs/medusa"
import { PricedVariant } from "@medusajs/medusa/dist/types/pricing"
import { useCallback, useEffect, useMemo, useState } from "react"
import { WebPushClientError, type ProductAlert, type PushStatus } from "@lib/medusa-web-push.mjs"
import { storeWebPush } from "@lib/web-push"

const MESSAGES: Record<WebPushClientError["code"], string> = {
  unsupported: "This browser can't show notifications.",
  denied: "Notifications are blocked. Allow them in your browser's site settings.",
  dismissed: "No problem. You can ask any time.",
  backend_refused: "We couldn't save your request. Please try again.",
  network: "We couldn't reach the store. Check your connection.",
  needs_home_screen: 'On iPhone and iPad: tap Share, then "Add to Home Screen", and open the store from there to get notified.',
  blocked_by_browser: 'Your browser has push switched off (Brave: Settings > Privacy > "Use Google services for push messaging").',
}

const WAITING: Record<ProductAlert["kind"], string> = {
  back_in_stock: "We'll tell you when it's back.",
  price_drop: "We'll tell you if the price drops.",
}

function explain(error: unknown): string {
  if (!(error instanceof WebPushClientError)) return String(error)
  // 409 says why in words: in stock after all (the page was rendered before a restock), no price in
  // this region, or the device's limit of open alerts
  if (error.code === "backend_refused" && error.status === 409) return error.message
  return MESSAGES[error.code]
}

type Props = {
  /** The selected variant and whether it can be bought, as ProductActions works them out. */
  variant?: PricedVariant
  inStock: boolean
  region: Region
  /** A signed-in customer's `_medusa_jwt`, when a server component hands it down: a new browser becomes theirs. */
  authToken?: string
}

export default function ProductPushAlerts({ variant, inStock, region, authToken }: Props) {
  const webPush = useMemo(() => storeWebPush(authToken), [authToken])
  const [status, setStatus] = useState<PushStatus | null>(null)
  const [alerts, setAlerts] = useState<ProductAlert[]>([])
  const [message, setMessage] = useState<string>()
  const [busy, setBusy] = useState(false)

  // What this browser already waits for: no prompt, nothing when it is not subscribed.
  const refresh = useCallback(async () => {
    setStatus(await webPush.status())
    setAlerts(await webPush.productAlerts().catch(() => []))
  }, [webPush])
  useEffect(() => {
    refresh()
  }, [refresh])

  if (status?.needsHomeScreen) return <p className="text-small-regular text-ui-fg-subtle">{MESSAGES.needs_home_screen}</p>
  if (!variant?.id || !status?.supported || status.permission === "denied") return null
  const variantId = variant.id
  const waiting = alerts.filter((a) => a.variant_id === variantId && (a.kind === "price_drop" ? a.region_id === region.id : true))

  // Permission is asked from the click, never on page load.
  async function run(work: () => Promise<unknown>) {
    setBusy(true)
    setMessage(undefined)
    try {
      await work()
      await refresh()
    } catch (error) {
      setMessage(explain(error))
    } finally {
      setBusy(false)
    }
  }

  const asked = (kind: ProductAlert["kind"]) => waiting.find((a) => a.kind === kind)
  const stock = asked("back_in_stock")
  const price = asked("price_drop")
  return (
    <div className="flex flex-col gap-y-2" data-testid="product-push-alerts">
      {!inStock && !stock && (
        <button className="contrast-btn" disabled={busy} onClick={() => run(() => webPush.notifyWhenInStock(variantId))}>
          Notify me when it&apos;s back in stock
        </button>
      )}
      {!price && (
        <button className="contrast-btn" disabled={busy} onClick={() => run(() => webPush.notifyOnPriceDrop(variantId, region.id))}>
          Tell me if the price drops
        </button>
      )}
      {[stock, price].map(
        (alert) =>
          alert && (
            <p key={alert.id} className="text-small-regular text-ui-fg-subtle">
              {WAITING[alert.kind]}{" "}
              <button className="underline" disabled={busy} onClick={() => run(() => webPush.cancelProductAlert(alert.id))}>
                Cancel
              </button>
            </p>
          )
      )}
      {message && <p className="text-small-regular text-ui-fg-subtle">{message}</p>}
    </div>
  )
}
