import assert from "node:assert/strict"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { test } from "node:test"
import { EmbeddedPostgresAccessError, unreachableFolder } from "../support/folder-access"

// A user that owns nothing here: what the embedded Postgres's "postgres" user is to a root's clone.
const stranger = { uid: 54_321, gid: 54_321 }

test("a 0700 folder on the way stops another user, and is the one named", () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "wp-access-"))
  try {
    const privateDir = path.join(base, "clone")
    const inside = path.join(privateDir, "node_modules", "pg", "bin")
    fs.mkdirSync(inside, { recursive: true })
    fs.chmodSync(base, 0o755)
    fs.chmodSync(privateDir, 0o700)
    assert.equal(unreachableFolder(inside, stranger), privateDir)
    assert.match(
      new EmbeddedPostgresAccessError(privateDir).message,
      new RegExp(`cannot enter ${privateDir} \\(mode 0700\\).*chmod o\\+x.*DATABASE_URL`)
    )
    // the owner itself gets through; so does anyone once the folder may be entered
    const me = { uid: fs.statSync(privateDir).uid, gid: -1 }
    assert.equal(unreachableFolder(inside, me), undefined)
    fs.chmodSync(privateDir, 0o711)
    assert.equal(unreachableFolder(inside, stranger), undefined)
  } finally {
    fs.rmSync(base, { recursive: true, force: true })
  }
})

test("a folder not created yet does not count as blocked", () => {
  assert.equal(unreachableFolder(path.join(os.tmpdir(), "wp-access-missing", "deeper"), stranger), undefined)
})
