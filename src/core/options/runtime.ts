import { WebPushPluginError } from "../errors/plugin-errors"

/** The oldest Node this plugin is tested on (the transport uses Node's own http2/https). */
export const MINIMUM_NODE = "18.17.0"

function parts(version: string): number[] {
  return version
    .replace(/^v/, "")
    .split(".")
    .map((p) => Number.parseInt(p, 10) || 0)
}

/** Whether `version` (such as "18.20.8" or "v20.11.1") is at least {@link MINIMUM_NODE}. */
export function isSupportedNode(version: string): boolean {
  const have = parts(version)
  const need = parts(MINIMUM_NODE)
  for (let i = 0; i < need.length; i++) {
    if ((have[i] ?? 0) !== need[i]) return (have[i] ?? 0) > need[i]
  }
  return true
}

/** Refuses to run on an older Node, naming the version: push stays off, the store keeps running. */
export function assertSupportedNode(version: string = process.versions.node): void {
  if (!isSupportedNode(version)) {
    throw new WebPushPluginError(
      "unsupported_runtime",
      `medusa-plugin-web-push needs Node ${MINIMUM_NODE} or later; this store runs Node ${version.replace(/^v/, "")}`
    )
  }
}
