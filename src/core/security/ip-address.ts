import { isIPv4, isIPv6 } from "node:net"

/** [network, prefix length] pairs of IPv4 space that is not publicly routable. */
const NON_PUBLIC_V4: ReadonlyArray<readonly [string, number]> = [
  ["0.0.0.0", 8], // "this" network, unspecified
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local (cloud metadata lives here)
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relay anycast
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, includes broadcast 255.255.255.255
]

function v4ToInt(ip: string): number {
  return ip.split(".").reduce((acc, part) => acc * 256 + Number(part), 0)
}

function v4InRange(ip: number, network: string, prefix: number): boolean {
  const size = 2 ** (32 - prefix)
  const base = v4ToInt(network)
  return ip >= base && ip < base + size
}

function isPublicV4Int(ip: number): boolean {
  return !NON_PUBLIC_V4.some(([network, prefix]) => v4InRange(ip, network, prefix))
}

/**
 * Expands an IPv6 literal into its 8 16-bit groups (`2001:db8::1` -> [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]),
 * a trailing dotted IPv4 as the last two. The one IPv6 parser of the plugin: check the literal
 * with `net.isIPv6` first, and remove any zone id (`%eth0`).
 */
export function ipv6Groups(ip: string): number[] {
  let text = ip
  const lastColon = text.lastIndexOf(":")
  const dotted = text.slice(lastColon + 1)
  if (isIPv4(dotted)) {
    // Rewrite a trailing dotted IPv4 as two hex groups: ::ffff:1.2.3.4 -> ::ffff:102:304
    const n = v4ToInt(dotted)
    text = `${text.slice(0, lastColon + 1)}${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`
  }
  const parse = (s: string): number[] => (s === "" ? [] : s.split(":").map((g) => parseInt(g, 16)))
  const [head, rest] = text.split("::")
  const left = parse(head)
  if (rest === undefined) return left
  const right = parse(rest)
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right]
}

function embeddedV4(groups: readonly number[], at: number): number {
  return groups[at] * 65536 + groups[at + 1]
}

function isPublicV6(ip: string): boolean {
  const g = ipv6Groups(ip)
  const first = g[0]
  const zeros = (n: number): boolean => g.slice(0, n).every((x) => x === 0)
  // ::ffff:a.b.c.d (IPv4-mapped) and ::a.b.c.d (IPv4-compatible): judge the IPv4 inside.
  if (zeros(5) && g[5] === 0xffff) return isPublicV4Int(embeddedV4(g, 6))
  if (zeros(6)) return false // ::, ::1 and deprecated IPv4-compatible forms
  // 64:ff9b::/96 NAT64: judge the IPv4 inside.
  if (first === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) {
    return isPublicV4Int(embeddedV4(g, 6))
  }
  // 2002::/16 6to4: judge the IPv4 inside.
  if (first === 0x2002) return isPublicV4Int(embeddedV4(g, 1))
  // Only global unicast 2000::/3 is public; this excludes fc00::/7 (unique
  // local), fe80::/10 (link-local), fec0::/10, ff00::/8 (multicast), 100::/64.
  if ((first & 0xe000) !== 0x2000) return false
  if (first === 0x2001 && g[1] === 0x0db8) return false // documentation
  if (first === 0x2001 && g[1] === 0) return false // Teredo tunnels
  if (first === 0x2001 && g[1] < 0x200) return false // IETF protocol assignments (2001::/23)
  return true
}

/**
 * True when `ip` is a publicly routable unicast address. Loopback, private,
 * link-local, CGNAT, multicast, unspecified, broadcast, documentation and
 * unique-local ranges are not public, nor are IPv4-mapped / NAT64 / 6to4 forms
 * of them. Anything that is not an IP address (or carries a zone id) is not public.
 */
export function isPublicAddress(ip: string): boolean {
  const bare = ip.startsWith("[") && ip.endsWith("]") ? ip.slice(1, -1) : ip
  if (isIPv4(bare)) return isPublicV4Int(v4ToInt(bare))
  if (isIPv6(bare) && !bare.includes("%")) return isPublicV6(bare.toLowerCase())
  return false
}
