/**
 * A deliberately tiny template language for notification text:
 * `{{ path.to.value }}` and `{{ path | "fallback" }}`. No code execution, no
 * prototype walking, only own properties. Anything else stays as literal text.
 */

export interface RenderOptions {
  /** Applied to each substituted value (not to fallbacks' surroundings), e.g. `encodeURIComponent` for URLs. */
  encode?: (value: string) => string
  /** Collapse spaces and tidy punctuation left by empty values. @defaultValue true */
  tidy?: boolean
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_$][\w$]*(?:\.[\w$]+)*)\s*(?:\|\s*(?:"([^"{}]*)"|'([^'{}]*)')\s*)?\}\}/g

const FORBIDDEN_SEGMENTS = new Set(["__proto__", "constructor", "prototype"])

function lookupPath(context: Readonly<Record<string, unknown>>, path: string): unknown {
  let current: unknown = context
  for (const segment of path.split(".")) {
    if (FORBIDDEN_SEGMENTS.has(segment)) return undefined
    if (current === null || typeof current !== "object") return undefined
    if (!Object.prototype.hasOwnProperty.call(current, segment)) return undefined
    current = (current as Record<string, unknown>)[segment]
  }
  return current
}

function primitiveText(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return value
    case "number":
      return Number.isFinite(value) ? String(value) : undefined
    case "boolean":
    case "bigint":
      return String(value)
    default:
      return undefined
  }
}

/** Text for a value, or `undefined` when it has no sensible text form. */
function valueText(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    const parts: string[] = []
    for (const item of value) {
      if (item === null || item === undefined) continue
      const text = primitiveText(item)
      if (text === undefined) return undefined
      if (text !== "") parts.push(text)
    }
    return parts.join(", ")
  }
  return primitiveText(value)
}

/** Stands in for a placeholder that rendered empty, until tidying. */
const EMPTY = "\u0000"

/**
 * Removes what an empty value leaves behind: spaces before `,.!?` and empty
 * parentheses next to it; then collapses runs of spaces and trims. Spaces the
 * template author wrote before punctuation (French "Merci !") are kept.
 */
function tidy(text: string): string {
  return text
    .replace(/[ \t]*\([ \t]*(?:\u0000[ \t]*)+\)/g, EMPTY)
    .replace(/(?:[ \t]*\u0000)+[ \t]*(?=[,.!?])/g, "")
    .replace(/\u0000/g, "")
    .replace(/[ \t]+/g, " ")
    .replace(/ *\n */g, "\n")
    .trim()
}

/**
 * Replaces `{{ path }}` placeholders with values from `context`. Missing,
 * null, empty or object values render as the fallback (or nothing), never as
 * `undefined`, `null` or `[object Object]`; arrays of primitives join with ", ".
 */
export function renderTemplate(template: string, context: Readonly<Record<string, unknown>>, options: RenderOptions = {}): string {
  const encode = options.encode ?? ((v: string) => v)
  const rendered = template
    .replace(/\u0000/g, "")
    .replace(PLACEHOLDER, (_match: string, path: string, dq: string | undefined, sq: string | undefined) => {
      const text = valueText(lookupPath(context, path))?.replace(/\u0000/g, "")
      const out = text !== undefined && text !== "" ? encode(text) : (dq ?? sq ?? "")
      return out === "" ? EMPTY : out
    })
  return options.tidy === false ? rendered.replace(/\u0000/g, "") : tidy(rendered)
}

/** The distinct value paths a template uses, in order of first use. */
export function templateVariables(template: string): string[] {
  const paths = new Set<string>()
  for (const match of template.matchAll(PLACEHOLDER)) {
    paths.add(match[1])
  }
  return [...paths]
}

/**
 * The template with each placeholder replaced by its fallback, or by `standIn` when it has none:
 * a stand-in rendering, to judge what a template's link resolves to before any value is known.
 */
export function fillPlaceholders(template: string, standIn: string): string {
  return template.replace(
    PLACEHOLDER,
    (_match: string, _path: string, dq: string | undefined, sq: string | undefined) => dq ?? sq ?? standIn
  )
}
