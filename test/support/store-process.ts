import { ChildProcess, spawn } from "node:child_process"
import path from "node:path"
import { REPO_ROOT } from "./paths"

export interface StoreProcess {
  readonly baseUrl: string
  readonly pid: number
  /** SIGKILL: the store dies mid-work, as in a crash or an OOM kill. */
  kill(): Promise<void>
  /** SIGTERM and wait. */
  stop(): Promise<void>
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once("exit", () => resolve()))
}

/** Starts a store (an existing store folder) in its own process; resolves once it serves. */
export async function startStoreProcess(storeDir: string, env: Record<string, string> = {}): Promise<StoreProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "test", "support", "store-main.ts"), storeDir], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  })
  let output = ""
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`store process did not start in 90 s:\n${output.slice(-3000)}`)), 90_000)
    const onData = (chunk: Buffer): void => {
      output += chunk.toString("utf8")
      const ready = /READY (\S+)/.exec(output)
      if (ready) {
        clearTimeout(timer)
        resolve(ready[1])
      }
    }
    child.stdout?.on("data", onData)
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8")
    })
    child.once("exit", (code) => {
      clearTimeout(timer)
      reject(new Error(`store process exited (${code}) before it served:\n${output.slice(-3000)}`))
    })
  })
  // Keep draining its output so the pipe never blocks it.
  child.stdout?.resume()
  return {
    baseUrl,
    pid: child.pid as number,
    kill: async () => {
      child.kill("SIGKILL")
      await exited(child)
    },
    stop: async () => {
      child.kill("SIGTERM")
      await Promise.race([exited(child), new Promise((r) => setTimeout(r, 15_000))])
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
      await exited(child)
    },
  }
}
