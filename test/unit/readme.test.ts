import assert from "node:assert/strict"
import fs from "node:fs"
import path from "node:path"
import { test } from "node:test"
import { EVENT_CATALOGUE } from "../../src/core/catalogue/default-events"
import { KNOWN_OPTIONS } from "../../src/core/options/plugin-options"

const readme = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8")

test("the README configuration table documents every option", () => {
  const documented = new Set([...readme.matchAll(/^\| `([a-z_]+)` \| [^|]+ \| [^|]+ \|/gm)].map((m) => m[1]))
  const missing = [...KNOWN_OPTIONS].filter((o) => !documented.has(o))
  assert.deepEqual(missing, [], "options missing from the README configuration table")
})

test("the README events table lists every catalogued event and audience", () => {
  for (const entry of EVENT_CATALOGUE) {
    const row = new RegExp(`^\\| \`${entry.event.replace(/\./g, "\\.")}\` \\| ${entry.audience} \\|`, "m")
    assert.match(readme, row, `${entry.event} (${entry.audience}) is in the README events table`)
  }
})

test("the README shows the two commands and the test command", () => {
  assert.match(readme, /npm install\n/)
  assert.match(readme, /npm run demo/)
  assert.match(readme, /npm test/)
})
