/**
 * The plain-text cleanup every inbound field goes through before an admin sees it: control and
 * text-direction override characters out, whitespace collapsed, lone surrogates replaced, and a
 * cut on a code-point boundary marked with "…". Lengths are counted in code points.
 */

const ELLIPSIS = "\u2026"

/** C0 and C1 control characters (tab and newline included): each becomes a space. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g
/** Embedding, override and isolate marks, which can make a notification read in another order than it was written. */
const DIRECTION_OVERRIDE = /[\u202a-\u202e\u2066-\u2069]/g
/** A high surrogate without its low half, or a low one without its high half. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/** `value` as one trimmed line: controls become spaces, direction overrides go, runs of whitespace become one space. */
export function cleanText(value: string): string {
  return value.replace(LONE_SURROGATE, "\ufffd").replace(CONTROL, " ").replace(DIRECTION_OVERRIDE, "").replace(/\s+/g, " ").trim()
}

/** How many characters (code points) `value` has. */
export function charCount(value: string): number {
  let n = 0
  for (const _ of value) n++
  return n
}

/** `value` when it has at most `max` code points, else its first `max - 1` (trailing space dropped) and "…". */
export function cutText(value: string, max: number): string {
  if (charCount(value) <= max) return value
  if (max < 1) return ""
  return `${Array.from(value)
    .slice(0, max - 1)
    .join("")
    .trimEnd()}${ELLIPSIS}`
}

/** {@link cleanText}, then {@link cutText}: what an inbound field becomes. */
export function plainText(value: string, max: number): string {
  return cutText(cleanText(value), max)
}
