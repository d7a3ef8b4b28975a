/**
 * The failed tests of a run, read back from its TAP record, so that the end of a long CI log says
 * which test failed and why (the TAP stream itself puts a failure hundreds of lines above the end).
 */
import fs from "node:fs"

/** Each `not ok` line of a TAP text with the indented YAML block after it (cut at `maxLines`). */
export function failedTests(tap: string, maxLines = 40): string[] {
  const lines = tap.split("\n")
  const out: string[] = []
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)not ok \d+ - (.*)$/.exec(lines[i])
    if (!m) continue
    const indent = m[1].length
    const block = [lines[i].trim()]
    for (let j = i + 1; j < lines.length && block.length <= maxLines; j++) {
      const line = lines[j]
      const lead = line.length - line.trimStart().length
      if (line.trim() !== "" && lead <= indent) break
      block.push(line.slice(indent))
    }
    out.push(block.join("\n"))
  }
  return out
}

/** Reads a TAP file written beside the run; nothing when it is missing. */
export function failedTestsIn(file: string): string[] {
  return fs.existsSync(file) ? failedTests(fs.readFileSync(file, "utf8")) : []
}
