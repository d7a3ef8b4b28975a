import { isIP } from "node:net"

/** At most this many `X-Forwarded-For` entries are looked at (the header is the client's to fill). */
const MAX_ENTRIES = 64

/**
 * The address a request came from, given how many reverse proxies in front of the store are
 * trusted (`trust_proxy`). Each trusted proxy appends the address it received the request from
 * to `X-Forwarded-For`, so the client is found by walking the header from the right, one entry
 * per trusted hop, starting from the socket's peer:
 * - 0 hops: the socket's peer; the header is ignored (the store faces the clients directly);
 * - more hops than entries: the leftmost entry (the request passed through fewer proxies);
 * - an entry that is not an IP address (empty, garbage, a name) ends the walk at the address
 *   before it: a trusted proxy writes addresses only, so what follows came from the client, and
 *   a client must not get a fresh allowance by sending a new string each time.
 * Ports (`1.2.3.4:5678`, `[2001:db8::1]:443`) and IPv6 brackets are removed.
 */
export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | readonly string[] | undefined,
  trustedHops: number
): string | undefined {
  let address = socketAddress
  if (trustedHops <= 0 || forwardedFor === undefined) return address
  const header = typeof forwardedFor === "string" ? forwardedFor : forwardedFor.join(",")
  const entries = header.split(",").slice(-MAX_ENTRIES)
  for (let hop = 0; hop < trustedHops && entries.length; hop++) {
    const next = bareAddress(entries.pop() as string)
    if (!next) break
    address = next
  }
  return address
}

/** The IP address in one `X-Forwarded-For` entry, without port or brackets; undefined if it is none. */
function bareAddress(entry: string): string | undefined {
  const trimmed = entry.trim()
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(trimmed)
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(trimmed)
  const address = bracketed?.[1] ?? v4WithPort?.[1] ?? trimmed
  return isIP(address) ? address : undefined
}
