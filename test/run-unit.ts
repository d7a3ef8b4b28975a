/**
 * `npm run test:unit`: every file in test/unit/ in this one process (one start-up instead of one
 * per file, which cost most of the suite's time). `npm test` still runs each file in its own
 * process, so a file that only passes next to the others (or only alone) shows up there.
 * Pass file paths to load only those.
 */
import fs from "node:fs"
import path from "node:path"

const dir = path.join(__dirname, "unit")
const requested = process.argv.slice(2)
const files = requested.length
  ? requested.map((f) => path.resolve(f))
  : fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".test.ts"))
      .sort()
      .map((f) => path.join(dir, f))
// The test files register their tests as they load; node:test runs them once all are in.
for (const file of files) require(file)
