/**
 * The helper's product alerts: "notify me" on a product page. A browser the store does not know
 * yet sends its whole subscription (the store registers it as a visitor's device, or the signed-in
 * customer's); a known one proves itself with its endpoint and auth secret.
 */

/** What the helper gives this module: its store call, the browser's subscription (asking for permission if need be), the existing one. */
interface AlertPlumbing {
  call(method: string, path: string, body?: unknown): Promise<unknown>
  /** Asks for permission when needed (call from a click), subscribes, and returns the subscription's JSON with the device's language and time zone. */
  browserSubscription(): Promise<{ subscription: PushSubscriptionJSON; locale?: string; timeZone?: string }>
  /** The subscription this browser already has, or null (no prompt). */
  existing(): Promise<PushSubscriptionJSON | null>
}

interface AlertAnswer {
  alert?: unknown
  alerts?: unknown
}

export function productAlertCalls(plumbing: AlertPlumbing) {
  async function ask(body: Record<string, unknown>): Promise<unknown> {
    const { subscription, locale, timeZone } = await plumbing.browserSubscription()
    const answer = (await plumbing.call("POST", "/store/push/alerts", {
      subscription,
      locale,
      time_zone: timeZone,
      ...body,
    })) as AlertAnswer | null
    return answer?.alert
  }

  async function proof(): Promise<{ endpoint: string; auth: string | undefined } | null> {
    const json = await plumbing.existing()
    return json?.endpoint ? { endpoint: json.endpoint, auth: json.keys?.auth } : null
  }

  return {
    notifyWhenInStock: (variantId: string) => ask({ variant_id: variantId, kind: "back_in_stock" }),
    notifyOnPriceDrop: (variantId: string, regionId: string) => ask({ variant_id: variantId, kind: "price_drop", region_id: regionId }),
    async productAlerts(): Promise<unknown[]> {
      const device = await proof()
      if (!device) return []
      const answer = (await plumbing.call("POST", "/store/push/alerts/list", device)) as AlertAnswer | null
      return Array.isArray(answer?.alerts) ? answer.alerts : []
    },
    async cancelProductAlert(id: string): Promise<boolean> {
      const device = await proof()
      if (!device) return false
      await plumbing.call("DELETE", `/store/push/alerts/${encodeURIComponent(id)}`, device)
      return true
    },
  }
}
