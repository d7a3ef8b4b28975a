/** The test runner repeats failed tests at the end of the log, read back from its TAP record. */
import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { failedTests } from "../support/failures"

const TAP = [
  "TAP version 13",
  "# Subtest: suite",
  "    # Subtest: passes",
  "    ok 1 - passes",
  "      ---",
  "      duration_ms: 1",
  "      ...",
  "    # Subtest: breaks",
  "    not ok 2 - breaks",
  "      ---",
  "      error: 'Expected values to be strictly equal'",
  "      stack: |-",
  "        at TestContext.<anonymous> (file.ts:3:9)",
  "      ...",
  "    1..2",
  "not ok 1 - suite",
  "  ---",
  "  error: '1 subtest failed'",
  "  ...",
  "ok 2 - other",
  "1..2",
].join("\n")

describe("failedTests", () => {
  it("gives each failed test with its error block, and nothing of those that passed", () => {
    const failed = failedTests(TAP)
    assert.equal(failed.length, 2)
    assert.match(failed[0], /^not ok 2 - breaks\n/)
    assert.match(failed[0], /Expected values to be strictly equal/)
    assert.match(failed[0], /file\.ts:3:9/)
    assert.doesNotMatch(failed[0], /1\.\.2|passes/)
    assert.match(failed[1], /^not ok 1 - suite\n.*1 subtest failed/s)
  })

  it("cuts a long block and gives nothing for a run without failures", () => {
    const long = ["not ok 1 - long", "  ---", ...Array.from({ length: 100 }, (_, i) => `  line ${i}`), "  ..."].join("\n")
    assert.equal(failedTests(long, 10)[0].split("\n").length, 11)
    assert.deepEqual(failedTests("TAP version 13\nok 1 - fine\n1..1"), [])
  })
})
