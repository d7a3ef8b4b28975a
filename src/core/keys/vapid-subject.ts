import { PluginOptionsError } from "../errors/plugin-errors"

const FIELD = "vapid_subject"

/** Hosts push services (Apple in particular) refuse as a VAPID contact. */
const PLACEHOLDER_DOMAINS = new Set(["localhost", "example.com", "example.org", "example.net"])
const PLACEHOLDER_TLDS = new Set(["local", "test", "invalid", "example", "localhost"])

const LOCAL_PART = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+$/
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/

function placeholderReason(host: string): string | undefined {
  const labels = host.split(".")
  if (labels.length < 2 || !labels.every((l) => DNS_LABEL.test(l))) {
    return "needs a public domain name"
  }
  const tld = labels[labels.length - 1]
  const registered = labels.slice(-2).join(".")
  if (PLACEHOLDER_DOMAINS.has(host) || PLACEHOLDER_DOMAINS.has(registered) || PLACEHOLDER_TLDS.has(tld)) {
    return `uses the placeholder domain "${host}", which push services (Apple) reject`
  }
  if (/^[0-9]+$/.test(tld)) {
    return "needs a domain name, not an IP address"
  }
  return undefined
}

function checkMailto(subject: string): string | undefined {
  const address = subject.slice("mailto:".length)
  const at = address.lastIndexOf("@")
  if (at <= 0 || at === address.length - 1) {
    return 'must be "mailto:<email address>"'
  }
  const local = address.slice(0, at)
  if (!LOCAL_PART.test(local) || local.startsWith(".") || local.endsWith(".") || local.includes("..")) {
    return "has an implausible email address"
  }
  return placeholderReason(address.slice(at + 1).toLowerCase())
}

function checkHttps(subject: string): string | undefined {
  let url: URL
  try {
    url = new URL(subject)
  } catch {
    return "is not a valid https: URL"
  }
  if (url.username !== "" || url.password !== "") {
    return "must not contain credentials"
  }
  return placeholderReason(url.hostname.replace(/\.$/, ""))
}

/**
 * Validates the VAPID `sub` claim: `mailto:<address>` or an `https:` URL,
 * with a real-looking domain (no placeholders, no whitespace or `<`/`>`).
 */
export function validateVapidSubject(subject: unknown): string {
  if (typeof subject !== "string" || subject.length === 0) {
    throw new PluginOptionsError(FIELD, 'is required: a "mailto:" address or an "https:" URL')
  }
  if (/[\s<>]/.test(subject)) {
    throw new PluginOptionsError(FIELD, 'must not contain whitespace or "<" / ">"')
  }
  const lower = subject.toLowerCase()
  let problem: string | undefined
  if (lower.startsWith("mailto:")) {
    problem = checkMailto(subject)
  } else if (lower.startsWith("https://")) {
    problem = checkHttps(subject)
  } else {
    problem = 'must start with "mailto:" or "https://"'
  }
  if (problem !== undefined) {
    throw new PluginOptionsError(FIELD, problem)
  }
  return subject
}
