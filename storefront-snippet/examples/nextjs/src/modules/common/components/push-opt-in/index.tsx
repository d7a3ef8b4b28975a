"use client"
// A button that subscribes a signed-in customer (authToken: their orders and their cart's reminders)
// or, with cartId, a guest for one order.
import { useEffect, useMemo, useState } from "react"
import { WebPushClientError, type PushStatus } from "@lib/medusa-web-push.mjs"
import { storeWebPush } from "@lib/web-push"

const MESSAGES: Record<WebPushClientError["code"], string> = {
  unsupported: "This browser can't show notifications.",
  denied: "Notifications are blocked. Allow them in your browser's site settings.",
  dismissed: "No problem. You can turn them on any time.",
  backend_refused: "We couldn't save your choice. Please try again.",
  network: "We couldn't reach the store. Check your connection.",
  needs_home_screen: 'On iPhone and iPad: tap Share, then "Add to Home Screen", and open the store from there to turn on notifications.',
  blocked_by_browser: 'Your browser has push switched off (Brave: Settings > Privacy > "Use Google services for push messaging").',
}

type Props = {
  /** The signed-in customer's `_medusa_jwt`, read by the server component that renders this. */
  authToken?: string
  /** A guest's proof of one order: the order's cart_id. */
  cartId?: string
  label?: string
}

export default function PushOptIn({ authToken, cartId, label = "Notify me about my orders and my cart" }: Props) {
  const webPush = useMemo(() => storeWebPush(authToken), [authToken])
  const [status, setStatus] = useState<PushStatus | null>(null)
  const [message, setMessage] = useState<string>()
  const [busy, setBusy] = useState(false)

  // Reads state only; the permission prompt is opened by the click, never on load.
  useEffect(() => {
    webPush.status().then(setStatus)
  }, [webPush])

  if (status?.needsHomeScreen) return <p className="text-small-regular text-ui-fg-subtle">{MESSAGES.needs_home_screen}</p>
  if (!status?.supported || status.permission === "denied") return null

  async function toggle() {
    setBusy(true)
    setMessage(undefined)
    try {
      if (status?.subscribed) await webPush.unsubscribe()
      else await webPush.subscribe(cartId ? { cartId } : { categories: ["order_updates", "cart_reminders"] })
      setStatus(await webPush.status())
    } catch (error) {
      setMessage(error instanceof WebPushClientError ? MESSAGES[error.code] : String(error))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="flex flex-col gap-y-2">
      <button className="contrast-btn" onClick={toggle} disabled={busy}>
        {status.subscribed ? "Stop notifications" : label}
      </button>
      {message && <p className="text-small-regular text-ui-fg-subtle">{message}</p>}
    </div>
  )
}
