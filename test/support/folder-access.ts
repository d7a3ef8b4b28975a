import fs from "node:fs"
import path from "node:path"

/** A system user, by its ids; `undefined` ids stand for a user not created yet (owner of nothing). */
export interface UnixUser {
  uid?: number
  gid?: number
}

/**
 * The first folder on the way to `target` (from `/`) that `user` may not enter (no execute bit
 * for it as owner, group or other), or `undefined` when it can reach `target`.
 */
export function unreachableFolder(target: string, user: UnixUser): string | undefined {
  const absolute = path.resolve(target)
  const folders: string[] = []
  for (let dir = absolute; ; dir = path.dirname(dir)) {
    folders.unshift(dir)
    if (path.dirname(dir) === dir) break
  }
  for (const folder of folders) {
    let stat: fs.Stats
    try {
      stat = fs.statSync(folder)
    } catch {
      return undefined // not created yet: whoever creates it decides
    }
    const bit = stat.uid === user.uid ? 0o100 : stat.gid === user.gid ? 0o010 : 0o001
    if ((stat.mode & bit) === 0) return folder
  }
  return undefined
}

/** The embedded Postgres cannot run from here; the message names the folder and the fix. */
export class EmbeddedPostgresAccessError extends Error {
  constructor(folder: string) {
    const mode = (fs.statSync(folder).mode & 0o777).toString(8).padStart(4, "0")
    super(
      `The embedded Postgres runs as the system user "postgres", which cannot enter ${folder} (mode ${mode}). ` +
        `Put the project in a folder it can reach (for example under /srv or /opt, or run \`chmod o+x ${folder}\`), ` +
        "or set DATABASE_URL to a Postgres server you run."
    )
    this.name = "EmbeddedPostgresAccessError"
  }
}
