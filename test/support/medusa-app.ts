import { execFile } from "node:child_process"
import type { AddressInfo } from "node:net"
import type { Server } from "node:http"
import path from "node:path"
import { promisify } from "node:util"
import { REPO_ROOT } from "./paths"

const run = promisify(execFile)

/** Just what the tests use of Medusa's awilix container. */
export interface Container {
  resolve<T = unknown>(name: string): T
}

export interface MedusaApp {
  readonly baseUrl: string
  readonly container: Container
  stop(): Promise<void>
}

interface EventBus {
  startEnqueuer(): void
  stopEnqueuer(): Promise<void> | void
}

interface LoadersResult {
  container: Container
  shutdown?: () => Promise<void>
  /** Closes modules' workers (the Redis event bus's BullMQ worker), as `medusa start` does on SIGTERM. */
  prepareShutdown?: () => Promise<void>
}

/** Runs `medusa migrations run` in a store folder: the real command a store owner runs. */
export async function runMigrations(storeDir: string): Promise<void> {
  const medusaBin = path.join(REPO_ROOT, "node_modules", ".bin", "medusa")
  await run(medusaBin, ["migrations", "run"], { cwd: storeDir, env: process.env, maxBuffer: 64 * 1024 * 1024 })
}

/**
 * Boots the real Medusa app in this process (the same loaders `medusa start` uses) and serves it
 * on a free loopback port. The event bus's enqueuer, which Medusa leaves off under
 * NODE_ENV=test, is started so staged events reach subscribers.
 */
/**
 * `port` 0 picks a free one. `mount` adds routes of the caller's (the demo's page) to the same
 * express app, after Medusa's.
 */
export async function startMedusa(storeDir: string, port = 0, mount?: (app: import("express").Express) => void): Promise<MedusaApp> {
  // Loaded lazily: importing Medusa costs seconds and pure tests should not pay it.
  const express = require("express") as () => import("express").Express
  const loaders = require("@medusajs/medusa/dist/loaders").default as (opts: {
    directory: string
    expressApp: import("express").Express
    isTest: boolean
  }) => Promise<LoadersResult>
  const app = express()
  const { container, shutdown, prepareShutdown } = await loaders({ directory: storeDir, expressApp: app, isTest: false })
  mount?.(app)
  const eventBus = container.resolve<EventBus>("eventBusService")
  if (process.env.NODE_ENV === "test") eventBus.startEnqueuer()
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(port, "127.0.0.1", () => resolve(s))
  })
  const address = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    container,
    stop: async () => {
      // The plugin's retry poller and connections first, so nothing touches a closed database.
      try {
        container.resolve<{ stop(): void }>("webPushRetryPoller").stop()
        await container.resolve<{ close(): Promise<void> }>("webPushService").close()
      } catch {
        // not configured: nothing to close
      }
      await new Promise<void>((resolve) => {
        server.closeAllConnections?.()
        server.close(() => resolve())
      })
      await eventBus.stopEnqueuer()
      await prepareShutdown?.()
      await shutdown?.()
    },
  }
}
