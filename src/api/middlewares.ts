import type { MiddlewaresConfig } from "@medusajs/medusa"
import { webPushErrorHandler } from "./error-handler"
import { rateLimit } from "./rate-limit"

/** Request bodies of the plugin's routes are small; anything larger is refused with 413. */
const SMALL_BODY = { sizeLimit: "16kb" }

export const config: MiddlewaresConfig = {
  errorHandler: webPushErrorHandler,
  routes: [
    { matcher: "/store/push/*", bodyParser: SMALL_BODY },
    { matcher: "/store/contact-messages", bodyParser: SMALL_BODY },
    { matcher: "/admin/push/*", bodyParser: SMALL_BODY },
    { matcher: "/admin/contact-messages*", bodyParser: SMALL_BODY },
    // Per-client limits on the public routes that store something (`rate_limits`).
    { matcher: "/store/push/subscriptions", method: ["POST"], middlewares: [rateLimit("subscribe")] },
    { matcher: "/store/push/subscriptions/renew", method: ["POST"], middlewares: [rateLimit("subscribe")] },
    { matcher: "/store/contact-messages", method: ["POST"], middlewares: [rateLimit("contact")] },
    { matcher: "/store/push/clicks", method: ["POST"], middlewares: [rateLimit("click")] },
    { matcher: "/store/push/preferences", method: ["POST"], middlewares: [rateLimit("preferences")] },
    { matcher: "/store/push/subscriptions", method: ["DELETE"], middlewares: [rateLimit("unsubscribe")] },
    { matcher: "/admin/push/subscriptions", method: ["DELETE"], middlewares: [rateLimit("unsubscribe")] },
  ],
}
