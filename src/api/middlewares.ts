import type { MiddlewaresConfig } from "@medusajs/medusa"
import { webPushErrorHandler } from "./error-handler"

/** Request bodies of the plugin's routes are small; anything larger is refused with 413. */
const SMALL_BODY = { sizeLimit: "16kb" }

export const config: MiddlewaresConfig = {
  errorHandler: webPushErrorHandler,
  routes: [
    { matcher: "/store/push/*", bodyParser: SMALL_BODY },
    { matcher: "/store/contact-messages", bodyParser: SMALL_BODY },
    { matcher: "/admin/push/*", bodyParser: SMALL_BODY },
    { matcher: "/admin/contact-messages*", bodyParser: SMALL_BODY },
  ],
}
