import fs from "node:fs"
import path from "node:path"
import type { WebPushPluginOptions } from "../../src/core/options/plugin-options"
import { REPO_ROOT, TMP_DIR } from "./paths"

export interface StoreConfig {
  /** Folder name under .tmp/stores. */
  name: string
  databaseUrl: string
  pluginOptions: WebPushPluginOptions
  /** With a Redis URL the store uses the Redis event bus (BullMQ), as in production. */
  redisUrl?: string
  /** BullMQ queue name, so that runs sharing one Redis do not take each other's jobs. */
  redisQueue?: string
  /** Origins the storefront API answers with CORS (comma-separated). @defaultValue "http://localhost:8000" */
  storeCors?: string
  /** Serve the Medusa admin (`@medusajs/admin`, built beforehand into `outDir`, an absolute path) under `path`. */
  admin?: { path: string; outDir: string }
  /** Medusa's inventory and stock-location modules (`@medusajs/inventory`, `@medusajs/stock-location`). */
  inventoryModule?: boolean
}

/**
 * Writes a Medusa store folder (medusa-config.js) that loads this plugin from the repository,
 * as a store owner's would from node_modules. Returns the folder.
 */
export function writeStore(config: StoreConfig): string {
  const dir = path.join(TMP_DIR, "stores", config.name)
  fs.mkdirSync(dir, { recursive: true })
  const eventBus = config.redisUrl
    ? {
        resolve: "@medusajs/event-bus-redis",
        options: { redisUrl: config.redisUrl, queueName: config.redisQueue ?? `web-push-${config.name}` },
      }
    : { resolve: "@medusajs/event-bus-local" }
  const medusaConfig = {
    projectConfig: {
      database_url: config.databaseUrl,
      database_type: "postgres",
      database_logging: false,
      jwt_secret: "test-jwt-secret",
      cookie_secret: "test-cookie-secret",
      store_cors: config.storeCors ?? "http://localhost:8000",
      admin_cors: "http://localhost:7001",
      ...(config.redisUrl ? { redis_url: config.redisUrl } : {}),
    },
    plugins: [
      "medusa-fulfillment-manual",
      "medusa-payment-manual",
      { resolve: REPO_ROOT, options: config.pluginOptions },
      ...(config.admin
        ? [
            {
              resolve: "@medusajs/admin",
              options: { serve: true, autoRebuild: false, path: config.admin.path, outDir: config.admin.outDir },
            },
          ]
        : []),
    ],
    modules: {
      eventBus,
      cacheService: { resolve: "@medusajs/cache-inmemory" },
      ...(config.inventoryModule
        ? { inventoryService: { resolve: "@medusajs/inventory" }, stockLocationService: { resolve: "@medusajs/stock-location" } }
        : {}),
    },
    featureFlags: {},
  }
  fs.writeFileSync(path.join(dir, "medusa-config.js"), `module.exports = ${JSON.stringify(medusaConfig, null, 2)}\n`)
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: `store-${config.name}`, private: true }) + "\n")
  return dir
}
