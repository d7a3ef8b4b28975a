import { pickLocale } from "./locale"
import type { NotificationContent } from "./declarative-push"

/** A rendered notification as a message stores it (per language), before the sender adds what is per delivery. */
export type StoredNotification = Omit<NotificationContent, "timestamp" | "data" | "navigate" | "lang" | "mutable" | "silent">

/** The text columns of a message: its default rendering and its renderings per language. */
export interface MessageTexts {
  payload: Record<string, unknown>
  localized_payloads: Record<string, Record<string, unknown>> | null
  context_locale: string | null
}

/**
 * The notification a device gets of a message: in the device's language (else the language of the
 * order or customer, else the store's), with that language (`lang`); the message's default
 * rendering, without a language, when it has none per language.
 */
export function notificationForDevice(
  message: MessageTexts,
  deviceLocale: string | null,
  defaultLocale: string
): { lang?: string; notification: StoredNotification } {
  const localized = message.localized_payloads as Record<string, StoredNotification> | null
  const lang = pickLocale(localized, deviceLocale ?? message.context_locale, defaultLocale)
  if (lang !== undefined && localized) return { lang, notification: localized[lang] }
  return { notification: message.payload as unknown as StoredNotification }
}
