/**
 * The click-counting link of a notification the browser shows by itself (Declarative Web Push:
 * Safari 18.4+ opens `navigate` without asking any service worker, so no click report comes):
 * `GET <backend_url>/store/push/clicks/<delivery id>?t=<click token>`. The backend records the
 * click when the token is the delivery's and redirects to the notification's own link, read from
 * the message and checked against the link rule again: the link names no target, so it can never
 * be turned into a redirect elsewhere, and it stays short (the payload has 2,967 bytes in all).
 */
export const CLICK_REDIRECT_PATH = "/store/push/clicks"

/** The query parameter that carries the click token. */
export const CLICK_REDIRECT_TOKEN_PARAM = "t"

/** The link for one delivery's notification; `backendUrl` without a trailing slash. */
export function clickRedirectUrl(backendUrl: string, deliveryId: string, token: string): string {
  return `${backendUrl}${CLICK_REDIRECT_PATH}/${encodeURIComponent(deliveryId)}?${CLICK_REDIRECT_TOKEN_PARAM}=${token}`
}
