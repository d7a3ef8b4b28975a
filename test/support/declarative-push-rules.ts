/**
 * The rules a Declarative Web Push message must keep to be shown by the browser itself, written out
 * from the format's texts: WebKit's explainer and "Meet Declarative Web Push" (Safari 18.4), the
 * W3C Push API's declarative push message parser, and the Notifications API's "create a
 * notification" steps it runs (a message that breaks one is not shown at all). Independent of the
 * plugin's own builder on purpose: it reads the JSON as a browser would.
 */

/** NotificationOptions members (Notifications API), plus `title` and the declarative `mutable`. */
const NOTIFICATION_MEMBERS = new Set([
  "title",
  "dir",
  "lang",
  "body",
  "navigate",
  "tag",
  "image",
  "icon",
  "badge",
  "vibrate",
  "timestamp",
  "renotify",
  "silent",
  "requireInteraction",
  "data",
  "actions",
  "mutable",
])

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v)

/** Where the links of a message may lead without being refused here: https, or one of the site's own origins. */
export interface LinkExpectation {
  /** The origins of the site the device subscribed on (the storefront, the admin), which may be http in development. */
  readonly siteOrigins: readonly string[]
}

function urlProblem(value: unknown, member: string, links: LinkExpectation): string | undefined {
  if (typeof value !== "string") return `${member} must be a string`
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return `${member} must be an absolute URL (got ${value.slice(0, 80)})`
  }
  if (url.protocol !== "https:" && !links.siteOrigins.includes(url.origin)) return `${member} must be https or on the site's own origin`
  return undefined
}

/** What is wrong with `json` as a declarative push message; empty when a browser would show it. */
export function declarativeProblems(json: string, links: LinkExpectation): string[] {
  const problems: string[] = []
  let message: unknown
  try {
    message = JSON.parse(json)
  } catch {
    return ["not JSON"]
  }
  if (!isObject(message)) return ["not a JSON object"]
  if (message.web_push !== 8030) problems.push("web_push must be 8030")
  if ("app_badge" in message) {
    const badge = message.app_badge
    if (typeof badge !== "number" || !Number.isInteger(badge) || badge < 0) problems.push("app_badge must be a non-negative integer")
  }
  if ("mutable" in message && typeof message.mutable !== "boolean") problems.push("mutable must be a boolean")
  const n = message.notification
  if (!isObject(n)) return [...problems, "notification must be an object"]
  for (const key of Object.keys(n)) if (!NOTIFICATION_MEMBERS.has(key)) problems.push(`notification.${key} is not a notification member`)
  if (typeof n.title !== "string" || n.title.trim() === "") problems.push("notification.title must be a non-empty string")
  if (!("navigate" in n)) problems.push("notification.navigate is required")
  else {
    const p = urlProblem(n.navigate, "notification.navigate", links)
    if (p) problems.push(p)
  }
  for (const member of ["body", "tag"] as const) {
    if (member in n && typeof n[member] !== "string") problems.push(`notification.${member} must be a string`)
  }
  if ("lang" in n) {
    if (typeof n.lang !== "string") problems.push("notification.lang must be a string")
    else if (n.lang !== "") {
      try {
        if (Intl.getCanonicalLocales(n.lang)[0] !== n.lang) problems.push(`notification.lang ${n.lang} is not a canonical language tag`)
      } catch {
        problems.push(`notification.lang ${n.lang} is not a language tag`)
      }
    }
  }
  if ("dir" in n && !["auto", "ltr", "rtl"].includes(n.dir as string)) problems.push("notification.dir must be auto, ltr or rtl")
  for (const member of ["icon", "badge", "image"] as const) {
    if (member in n) {
      const p = urlProblem(n[member], `notification.${member}`, links)
      if (p) problems.push(p)
    }
  }
  for (const member of ["renotify", "silent", "requireInteraction", "mutable"] as const) {
    if (member in n && typeof n[member] !== "boolean") problems.push(`notification.${member} must be a boolean`)
  }
  if (n.renotify === true && (typeof n.tag !== "string" || n.tag === "")) problems.push("notification.renotify needs a non-empty tag")
  if (n.silent === true && "vibrate" in n) problems.push("notification.silent and vibrate exclude each other")
  if ("timestamp" in n && (typeof n.timestamp !== "number" || !Number.isInteger(n.timestamp) || n.timestamp < 0)) {
    problems.push("notification.timestamp must be milliseconds since the epoch")
  }
  if ("actions" in n) {
    if (!Array.isArray(n.actions)) problems.push("notification.actions must be an array")
    else {
      for (const a of n.actions as unknown[]) {
        if (!isObject(a) || typeof a.action !== "string" || typeof a.title !== "string")
          problems.push("an action needs action and title strings")
      }
    }
  }
  return problems
}
