// src/lib/web-push.ts: the storefront's push client (backend URL, publishable key, the customer's token).
// medusa-web-push.mjs (+ .d.mts) are copied from the plugin's storefront-snippet/dist/index.mjs (+ index.d.mts).
import { createWebPush, type WebPushClient } from "./medusa-web-push.mjs"

/**
 * The starter signs customers in with a JWT kept in the httpOnly `_medusa_jwt` cookie and calls
 * Medusa from the server with it, so the browser has no Medusa session of its own: a signed-in
 * customer's token is handed to the client and sent as a bearer token. Without one (a guest on
 * the order confirmation page) the order's cart_id is the proof instead.
 */
export function storeWebPush(authToken?: string): WebPushClient {
  return createWebPush({
    backendUrl: process.env.NEXT_PUBLIC_MEDUSA_BACKEND_URL || "http://localhost:9000",
    // only when the store requires a publishable API key
    publishableApiKey: process.env.NEXT_PUBLIC_MEDUSA_PUBLISHABLE_KEY,
    headers: authToken ? { authorization: `Bearer ${authToken}` } : undefined,
  })
}
