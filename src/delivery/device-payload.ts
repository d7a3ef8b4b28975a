import { clickRedirectUrl } from "../core/security/click-link"
import { clickToken } from "../core/security/click-token"
import { MessageTexts, notificationForDevice } from "../core/templates/device-notification"
import { linkBase, LinkPolicy } from "../core/templates/link-policy"
import { buildPayload } from "../core/templates/payload"
import type { ClaimedDelivery } from "./claims"

/** What a payload is made from of a message. */
export type PayloadMessage = MessageTexts & { id: string; audience: string; created_at: Date | string }

/** What a payload needs of the options. */
export interface PayloadOptions {
  readonly clickTokenKey: Buffer
  /** Where click links of declarative notifications point (`backend_url`); unset, at the target. */
  readonly backendUrl?: string
  /** The storefront and admin URLs: a notification without a link opens its audience's home. */
  readonly links: Pick<LinkPolicy, "storefrontUrl" | "adminUrl">
  readonly preferences: { readonly defaultLocale: string }
}

/**
 * The payload a message's notification carries for this device: in the device's language, with
 * the ids and the click token that let a click be recorded (the token: 43 bytes that are never
 * shortened; title and body are). A browser that shows it by itself (declarative push) opens
 * `navigate`: the click link on the backend when `backend_url` is set, else the link itself (or
 * the audience's home). It is `mutable` (the service worker, where there is one, shows it) when
 * the worker must tell a repeat from a new message, and when there is no click link, so that the
 * worker reports the click.
 */
export function devicePayload(
  message: PayloadMessage,
  delivery: Pick<ClaimedDelivery, "id" | "locale" | "repeat">,
  options: PayloadOptions
): string {
  const { lang, notification: stored } = notificationForDevice(message, delivery.locale, options.preferences.defaultLocale)
  const deliveryId = delivery.id
  const token = clickToken(deliveryId, options.clickTokenKey)
  return buildPayload({
    title: stored.title,
    body: stored.body,
    url: stored.url,
    navigate: options.backendUrl
      ? clickRedirectUrl(options.backendUrl, deliveryId, token)
      : (stored.url ?? linkBase(message.audience, options.links)),
    lang,
    icon: stored.icon,
    badge: stored.badge,
    image: stored.image,
    tag: stored.tag,
    renotify: stored.tag !== undefined,
    mutable: delivery.repeat || !options.backendUrl,
    timestamp: new Date(message.created_at).getTime(),
    // The worker opens `url` (the old-shape field beside the declarative one) and reports the click with these.
    data: { message_id: message.id, delivery_id: deliveryId, click_token: token },
  })
}
