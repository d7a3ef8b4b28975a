/**
 * The JSON a push carries: a Declarative Web Push message (WebKit's "Meet Declarative Web Push",
 * the W3C Push API's declarative push message), which Safari 18.4+ shows by itself without
 * running a service worker and other browsers hand to the worker, plus a copy of the fields in
 * the shape this plugin's service worker read before (1.x), for the copies of that worker still
 * installed in storefronts.
 *
 * The rules the declarative part keeps (a message that breaks one is not shown by the browser at
 * all): `web_push` is 8030; `notification` is an object whose `title` is a string and whose
 * `navigate` is a URL; `dir` is `auto`, `ltr` or `rtl`; `renotify` only with a non-empty `tag`;
 * `mutable` a boolean; every other member a NotificationOptions member of the right type.
 */

/** The value of `web_push` that marks a declarative push message (RFC 8030's number). */
export const DECLARATIVE_WEB_PUSH = 8030

export type TextDirection = "auto" | "ltr" | "rtl"

/** Scripts written right to left (ISO 15924), as a locale's likely script names them. */
const RTL_SCRIPTS = new Set(["Adlm", "Arab", "Hebr", "Mand", "Mend", "Nkoo", "Rohg", "Samr", "Syrc", "Thaa", "Yezi"])

/**
 * The writing direction of a language tag's script (`ar` -> `rtl`, `ku-Arab` -> `rtl`, `de` ->
 * `ltr`), `auto` when there is no tag or it cannot be read.
 */
export function textDirection(lang: string | undefined): TextDirection {
  if (!lang) return "auto"
  try {
    const script = new Intl.Locale(lang).maximize().script
    return script ? (RTL_SCRIPTS.has(script) ? "rtl" : "ltr") : "auto"
  } catch {
    return "auto"
  }
}

/** Plain values only: what survives JSON and a notification's `data` alike. */
export type PayloadData = Readonly<Record<string, string | number | boolean | null>>

/** One notification as the sender builds it, before it is written as JSON. */
export interface NotificationContent {
  title: string
  body: string
  /** Absolute URL the reader is sent to (what the service worker opens or focuses on click). */
  url?: string
  /**
   * Absolute URL the browser opens itself when it shows the notification without a service worker
   * (the click-counting redirect to `url`); `url` when absent.
   */
  navigate?: string
  /** The language of `title` and `body` (a BCP 47 tag); `dir` follows from it. */
  lang?: string
  icon?: string
  badge?: string
  image?: string
  tag?: string
  /** Alert again when it replaces a notification with the same `tag` (ignored without a tag). */
  renotify?: boolean
  /** Shown without sound or vibration. */
  silent?: boolean
  /** The service worker, where there is one, is asked to show it (a repeat it must recognise). */
  mutable?: boolean
  /** Milliseconds since the epoch, shown by the browser as the event time. */
  timestamp: number
  data?: PayloadData
}

/** The members of the declarative `notification` object, in the order they are written. */
export interface DeclarativeNotification {
  title: string
  body: string
  navigate: string
  lang?: string
  dir: TextDirection
  tag?: string
  renotify?: true
  silent?: true
  icon?: string
  badge?: string
  image?: string
  timestamp: number
  data?: PayloadData
  mutable?: true
}

/** The fields of the plugin's service worker before declarative push (kept beside it, see above). */
export interface LegacyFields {
  title: string
  body: string
  url?: string
  icon?: string
  badge?: string
  image?: string
  tag?: string
  renotify?: boolean
  timestamp: number
  data?: PayloadData
}

/**
 * What goes on the wire: `web_push` and `notification` when there is a URL to navigate to, the
 * legacy fields always. `mutable` is written in `notification` (where WebKit reads it) and beside
 * it (where a draft of the W3C text has it): each parser ignores the other's.
 */
export type WireMessage = {
  web_push?: typeof DECLARATIVE_WEB_PUSH
  notification?: DeclarativeNotification
  mutable?: true
} & LegacyFields

/**
 * The message for `content`. Without any URL (`navigate` or `url`) it cannot be declarative (the
 * format requires one), so only the legacy fields go: every browser then hands it to the worker.
 */
export function wireMessage(content: NotificationContent): WireMessage {
  const tag = content.tag ? content.tag : undefined
  const renotify = tag !== undefined && content.renotify === true
  const legacy: LegacyFields = {
    title: content.title,
    body: content.body,
    url: content.url,
    icon: content.icon,
    badge: content.badge,
    image: content.image,
    tag,
    renotify: tag !== undefined ? renotify : undefined,
    timestamp: content.timestamp,
    data: content.data,
  }
  const navigate = content.navigate ?? content.url
  if (!navigate) return legacy
  const notification: DeclarativeNotification = {
    title: content.title,
    body: content.body,
    navigate,
    lang: content.lang,
    dir: textDirection(content.lang),
    tag,
    renotify: renotify ? true : undefined,
    silent: content.silent ? true : undefined,
    icon: content.icon,
    badge: content.badge,
    image: content.image,
    timestamp: content.timestamp,
    data: content.data,
    mutable: content.mutable ? true : undefined,
  }
  return { web_push: DECLARATIVE_WEB_PUSH, notification, mutable: notification.mutable, ...legacy }
}
