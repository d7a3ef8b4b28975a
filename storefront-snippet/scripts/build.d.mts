export interface BuiltFileSize {
  raw: number
  gzip: number
}
/** Builds storefront-snippet/dist and returns each output's size in bytes. */
export function buildSnippet(): Record<"index.mjs" | "medusa-web-push.js" | "push-sw.js", BuiltFileSize>
