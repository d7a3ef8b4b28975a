/**
 * `npm publish` runs `prepublishOnly`, which refuses a package.json without the fields the
 * registry page needs (the README's relative links resolve against `repository`).
 */
import assert from "node:assert/strict"
import { spawnSync } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { describe, it } from "node:test"

const guard = (JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as { scripts: Record<string, string> })
  .scripts.prepublishOnly

function runGuard(pkg: object): { status: number | null; stderr: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wp-publish-guard-"))
  try {
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(pkg))
    const result = spawnSync("sh", ["-c", guard], { cwd: dir, encoding: "utf8" })
    return { status: result.status, stderr: result.stderr }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

describe("prepublishOnly", () => {
  it("refuses to publish without repository, homepage and bugs, naming the missing ones", () => {
    const result = runGuard({ name: "x", homepage: "https://example.dev" })
    assert.equal(result.status, 1)
    assert.match(result.stderr, /set repository, bugs before publishing/)
  })

  it("lets a package with all three through", () => {
    const result = runGuard({ name: "x", repository: "github:o/r", homepage: "https://example.dev", bugs: "https://example.dev/issues" })
    assert.equal(result.status, 0, result.stderr)
  })
})
