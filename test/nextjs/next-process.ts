/**
 * Steps 3b and 4a of the Next.js proof: the starter's own `next build` and `next start`, as child
 * processes with Next's telemetry off, their output kept in log files under .tmp.
 */
import { spawn, type ChildProcess } from "node:child_process"
import fs from "node:fs"
import path from "node:path"

export const DEFAULT_REGION = "de"

export interface StarterEnv {
  backendUrl: string
  storefrontOrigin: string
}

/**
 * The starter's .env, from its .env.template with the backend and the storefront's own URL set.
 * The default region is Germany's, not the template's `us`: the starter's middleware lets a path
 * through when its first segment merely contains the country code (`includes`), and "push-sw.js"
 * contains "us", so with `us` the README's matcher change would go untested.
 */
export function writeStarterEnv(starterDir: string, env: StarterEnv): void {
  const template = path.join(starterDir, ".env.template")
  const values: Record<string, string> = {
    NEXT_PUBLIC_MEDUSA_BACKEND_URL: env.backendUrl,
    NEXT_PUBLIC_BASE_URL: env.storefrontOrigin,
    NEXT_PUBLIC_DEFAULT_REGION: DEFAULT_REGION,
  }
  const lines = fs.existsSync(template) ? fs.readFileSync(template, "utf8").split("\n") : []
  const seen = new Set<string>()
  const out = lines.map((line) => {
    const key = /^([A-Z0-9_]+)=/.exec(line)?.[1]
    if (!key || !(key in values)) return line
    seen.add(key)
    return `${key}=${values[key]}`
  })
  for (const [key, value] of Object.entries(values)) if (!seen.has(key)) out.push(`${key}=${value}`)
  fs.writeFileSync(path.join(starterDir, ".env"), out.join("\n"))
}

function nextEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", FORCE_COLOR: "0", NO_COLOR: "1" }
  // this process runs the store under NODE_ENV=test; Next sets its own (production for build/start)
  delete env.NODE_ENV
  delete env.NODE_OPTIONS
  return env
}

function nextBin(starterDir: string): string {
  return path.join(starterDir, "node_modules", "next", "dist", "bin", "next")
}

export interface BuildResult {
  ok: boolean
  seconds: number
  /** The lines that say why, when it failed. */
  error?: string
}

/** `next build` in the starter. Resolves (never rejects) with how it went. */
export function nextBuild(starterDir: string, logFile: string): Promise<BuildResult> {
  const started = Date.now()
  return new Promise((resolve) => {
    const log = fs.openSync(logFile, "w")
    const child = spawn(process.execPath, [nextBin(starterDir), "build"], { cwd: starterDir, env: nextEnv(), stdio: ["ignore", log, log] })
    const done = (code: number | null, error?: string): void => {
      fs.closeSync(log)
      const seconds = (Date.now() - started) / 1000
      if (code === 0) return resolve({ ok: true, seconds })
      const output = fs
        .readFileSync(logFile, "utf8")
        .replace(/\x1b\[[0-9;]*m/g, "")
        .trim()
        .split("\n")
      // Next prints the failing step last ("Failed to compile", "Type error", "Error occurred prerendering")
      const start = output.findIndex((l) => /Failed to compile|Type error|Error occurred prerendering|Build error occurred|Error:/.test(l))
      resolve({
        ok: false,
        seconds,
        error: error ?? output.slice(start >= 0 ? start : -25, (start >= 0 ? start : output.length) + 25).join("\n"),
      })
    }
    child.on("error", (err) => done(null, err.message))
    child.on("exit", (code) => done(code))
  })
}

export interface NextServer {
  origin: string
  logFile: string
  stop(): Promise<void>
}

/** `next start -p <port>`, resolved once it answers on the port. */
export async function nextStart(starterDir: string, port: number, logFile: string, timeoutMs = 60_000): Promise<NextServer> {
  const log = fs.openSync(logFile, "w")
  const child: ChildProcess = spawn(process.execPath, [nextBin(starterDir), "start", "-p", String(port)], {
    cwd: starterDir,
    env: nextEnv(),
    stdio: ["ignore", log, log],
  })
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM")
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))])
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
    fs.closeSync(log)
  }
  const origin = `http://localhost:${port}`
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (child.exitCode !== null) {
      await stop()
      throw new Error(`next start exited (${child.exitCode}); see ${logFile}`)
    }
    // /favicon.ico is outside the middleware's matcher: it answers without a round trip to the store
    const up = await fetch(`${origin}/favicon.ico`).then(
      (r) => r.ok,
      () => false
    )
    if (up) return { origin, logFile, stop }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`next start did not answer on ${origin} in ${timeoutMs} ms; see ${logFile}`)
    }
    await new Promise((r) => setTimeout(r, 300))
  }
}
