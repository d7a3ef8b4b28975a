import { lookup } from "node:dns/promises"
import { isIP } from "node:net"
import { EndpointForbiddenError } from "../errors/plugin-errors"
import { isPublicAddress } from "./ip-address"

/** Which push endpoints the plugin is willing to send to. */
export interface EndpointPolicy {
  /**
   * Accept `https://localhost`, `https://127.0.0.1` and `https://[::1]` on any
   * port, bypassing the host and port allowlists. For tests and the demo only.
   * @defaultValue false
   */
  allowLoopback: boolean
  /**
   * Push-service hosts: exact names, or `*.suffix` for any subdomain of suffix.
   * @defaultValue DEFAULT_PUSH_HOSTS
   */
  allowedHosts: readonly string[]
  /** @defaultValue [443] */
  allowedPorts: readonly number[]
  /** Longest endpoint URL accepted, in characters. @defaultValue 2048 */
  maxLength: number
}

/** The real browser push services: FCM (Chrome/Edge/Opera), Mozilla, Apple, Microsoft (WNS). */
export const DEFAULT_PUSH_HOSTS: readonly string[] = [
  "fcm.googleapis.com",
  "updates.push.services.mozilla.com",
  "*.push.apple.com",
  "*.notify.windows.com",
]

const FIELD = "subscription.endpoint"
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"])

export function createEndpointPolicy(opts: Partial<EndpointPolicy> = {}): EndpointPolicy {
  return {
    allowLoopback: opts.allowLoopback ?? false,
    allowedHosts: opts.allowedHosts ?? DEFAULT_PUSH_HOSTS,
    allowedPorts: opts.allowedPorts ?? [443],
    maxLength: opts.maxLength ?? 2048,
  }
}

function forbid(reason: string, message: string): never {
  throw new EndpointForbiddenError(reason, `${FIELD} ${message}`)
}

function normaliseHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, "")
}

/** Matches a hostname against `name` or `*.suffix` patterns, case-insensitively. */
export function hostMatches(hostname: string, patterns: readonly string[]): boolean {
  const host = normaliseHost(hostname)
  return patterns.some((raw) => {
    const pattern = normaliseHost(raw)
    if (pattern.startsWith("*.")) {
      const suffix = pattern.slice(1) // ".push.apple.com"
      return host.length > suffix.length && host.endsWith(suffix)
    }
    return host === pattern
  })
}

function isIpLiteral(hostname: string): boolean {
  // WHATWG URL already rewrites decimal, hex, octal and short IPv4 forms
  // (2130706433, 0x7f.1, 0177.0.0.1, 127.1) to dotted form, and IPv6 is bracketed.
  return hostname.startsWith("[") || isIP(hostname) !== 0 || /^[0-9.]+$/.test(hostname)
}

/** True when the URL is the loopback exception and the policy allows it. */
export function isLoopbackException(url: URL, policy: EndpointPolicy): boolean {
  return policy.allowLoopback && LOOPBACK_HOSTS.has(normaliseHost(url.hostname))
}

/**
 * Checks an endpoint without touching the network: a string within the length
 * cap, an `https:` URL without credentials or IP literal, whose host and port
 * are allowed. Throws {@link EndpointForbiddenError}; the message never
 * contains the endpoint itself (it is a capability URL).
 */
export function checkEndpointSyntax(endpoint: unknown, policy: EndpointPolicy): URL {
  if (typeof endpoint !== "string" || endpoint.length === 0) {
    forbid("malformed", "must be a non-empty string")
  }
  if (endpoint.length > policy.maxLength) {
    forbid("too_long", `is longer than ${policy.maxLength} characters`)
  }
  let url: URL
  try {
    url = new URL(endpoint)
  } catch {
    forbid("malformed", "is not a valid URL")
  }
  if (url.protocol !== "https:") {
    forbid("not_https", "must use https:")
  }
  if (url.username !== "" || url.password !== "") {
    forbid("userinfo", "must not contain credentials")
  }
  if (isLoopbackException(url, policy)) {
    return url
  }
  const hostname = normaliseHost(url.hostname)
  if (isIpLiteral(hostname)) {
    forbid("ip_literal", "must use a host name, not an IP address")
  }
  if (!hostMatches(hostname, policy.allowedHosts)) {
    forbid("host_not_allowed", `host "${hostname}" is not an allowed push service`)
  }
  const port = url.port === "" ? 443 : Number(url.port)
  if (!policy.allowedPorts.includes(port)) {
    forbid("port_not_allowed", `port ${port} is not allowed`)
  }
  return url
}

/** Resolves a host name to all of its addresses. */
export type HostResolver = (hostname: string) => Promise<readonly string[]>

/** The operating system's resolver (`dns.promises.lookup` with `all: true`). */
export const systemResolver: HostResolver = async (hostname) => {
  const records = await lookup(hostname, { all: true, verbatim: true })
  return records.map((r) => r.address)
}

/** Resolver answers meaning the name has no address at all (not a passing failure). */
const NO_SUCH_NAME = new Set(["ENOTFOUND", "ENODATA", "ENONAME", "NXDOMAIN"])

/**
 * {@link checkEndpointSyntax}, then (except for the loopback exception)
 * resolves the host and refuses it when any address is not public, or when the
 * name does not exist (`unresolvable`). Other resolver failures (EAI_AGAIN,
 * timeouts) propagate unchanged so callers can treat them as transient.
 */
export async function checkEndpoint(endpoint: unknown, policy: EndpointPolicy, resolver: HostResolver = systemResolver): Promise<URL> {
  const url = checkEndpointSyntax(endpoint, policy)
  if (isLoopbackException(url, policy)) {
    return url
  }
  const hostname = normaliseHost(url.hostname)
  let addresses: readonly string[]
  try {
    addresses = await resolver(hostname)
  } catch (err) {
    if (NO_SUCH_NAME.has(String((err as NodeJS.ErrnoException)?.code))) forbid("unresolvable", `host "${hostname}" has no address`)
    throw err
  }
  if (addresses.length === 0) {
    forbid("unresolvable", `host "${hostname}" has no address`)
  }
  if (!addresses.every(isPublicAddress)) {
    forbid("private_address", `host "${hostname}" resolves to a non-public address`)
  }
  return url
}
