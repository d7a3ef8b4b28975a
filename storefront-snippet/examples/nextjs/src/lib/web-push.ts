// src/lib/web-push.ts: one client for the whole storefront.
// medusa-web-push.mjs (+ .d.mts) are copied from the plugin's storefront-snippet/dist/index.mjs (+ index.d.mts).
import { createWebPush } from "./medusa-web-push.mjs"

export const webPush = createWebPush({
  backendUrl: process.env.NEXT_PUBLIC_MEDUSA_BACKEND_URL || "http://localhost:9000",
  // only when the store requires a publishable API key
  publishableApiKey: process.env.NEXT_PUBLIC_MEDUSA_PUBLISHABLE_KEY,
})
