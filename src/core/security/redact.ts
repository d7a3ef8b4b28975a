import { createHash } from "node:crypto"

/**
 * A short, stable name for a push endpoint that is safe to log: endpoints are capability URLs
 * (whoever holds one can push to the device), so they never appear in logs themselves.
 */
export function endpointHash(endpoint: string): string {
  return `ep_${createHash("sha256").update(endpoint).digest("hex").slice(0, 12)}`
}
