import type { MiddlewaresConfig } from "@medusajs/medusa"
import { webPushErrorHandler } from "./error-handler"
import { rateLimit } from "./rate-limit"
import { guardStateChange } from "./state-change-guard"

/** Medusa's body parsers (JSON, text, forms) stay off: the guard refuses non-JSON and cross-origin cookie state changes, then reads JSON of at most 16 kB. */
const GUARDED = { bodyParser: false as const, middlewares: [guardStateChange] }

export const config: MiddlewaresConfig = {
  errorHandler: webPushErrorHandler,
  routes: [
    // Inbound alerts: the route reads the exact bytes itself (they are verified before parsing), limited per sender address.
    { matcher: "/hooks/web-push/alerts/*", method: ["POST"], bodyParser: false, middlewares: [rateLimit("inbound")] },
    { matcher: "/store/push/*", ...GUARDED },
    { matcher: "/store/contact-messages", ...GUARDED },
    { matcher: "/admin/push/*", ...GUARDED },
    { matcher: "/admin/contact-messages*", ...GUARDED },
    // Per-client limits on the public routes that store something (`rate_limits`).
    { matcher: "/store/push/subscriptions", method: ["POST"], middlewares: [rateLimit("subscribe")] },
    { matcher: "/store/push/subscriptions/renew", method: ["POST"], middlewares: [rateLimit("subscribe")] },
    { matcher: "/store/contact-messages", method: ["POST"], middlewares: [rateLimit("contact")] },
    { matcher: "/store/push/clicks", method: ["POST"], middlewares: [rateLimit("click")] },
    { matcher: "/store/push/clicks/*", method: ["GET"], middlewares: [rateLimit("click")] },
    { matcher: "/store/push/preferences", method: ["POST"], middlewares: [rateLimit("preferences")] },
    // Asking may register a visitor's browser: as many a minute as subscribing; listing and cancelling as preferences.
    { matcher: "/store/push/alerts", method: ["POST"], middlewares: [rateLimit("subscribe")] },
    { matcher: "/store/push/alerts/*", method: ["POST", "DELETE"], middlewares: [rateLimit("preferences")] },
    { matcher: "/store/push/carts", method: ["POST", "DELETE"], middlewares: [rateLimit("preferences")] },
    { matcher: "/store/push/subscriptions", method: ["DELETE"], middlewares: [rateLimit("unsubscribe")] },
    { matcher: "/admin/push/subscriptions", method: ["DELETE"], middlewares: [rateLimit("unsubscribe")] },
  ],
}
