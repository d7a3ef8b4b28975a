import dns from "node:dns"
import type { LookupFunction } from "node:net"
import { EndpointForbiddenError } from "../errors/plugin-errors"
import { EndpointPolicy, hostMatches } from "./endpoint-policy"
import { isPublicAddress } from "./ip-address"

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "::1", "[::1]"]

type LookupResult = string | dns.LookupAddress[]

/** The shape of `dns.lookup` the guard calls; injectable so tests can answer like a rebinding DNS server. */
export type DnsLookup = (
  hostname: string,
  options: dns.LookupOptions,
  callback: (err: NodeJS.ErrnoException | null, address: LookupResult, family?: number) => void
) => void

/**
 * A DNS lookup that refuses, at connect time, any address that is not public: the check the
 * endpoint policy made at subscribe time cannot be bypassed by a name that is re-pointed later
 * (DNS rebinding). Loopback names pass only when the policy opts into loopback endpoints.
 */
export function guardedLookup(policy: EndpointPolicy, lookup: DnsLookup = dns.lookup as DnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    const loopbackAllowed = policy.allowLoopback && hostMatches(hostname, LOOPBACK_NAMES)
    lookup(hostname, options, (err: NodeJS.ErrnoException | null, address: LookupResult, family?: number) => {
      if (err) return callback(err, address as string, family)
      const addresses = typeof address === "string" ? [address] : address.map((a) => a.address)
      const refused = loopbackAllowed ? undefined : addresses.find((ip) => !isPublicAddress(ip))
      if (refused !== undefined) {
        return callback(
          new EndpointForbiddenError("private_address", "push endpoint resolves to a non-public address"),
          address as string,
          family
        )
      }
      callback(null, address as string, family)
    })
  }
}
