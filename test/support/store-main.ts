/**
 * One Medusa store process for tests that need several, or need to kill one:
 * `node --import tsx test/support/store-main.ts <storeDir>`. It boots the store, creates an admin
 * with the API token in STORE_ADMIN_TOKEN (when given and new), and prints `READY <url>`.
 * STORE_FAULT=hang-before-fanout makes every fan-out stop between record and fan-out (the
 * engine's test-only fan-out fault hook, `webPushFanoutFault`), for a test to kill the process there.
 */
import { startMedusa } from "./medusa-app"

async function main(): Promise<void> {
  const storeDir = process.argv[2]
  const app = await startMedusa(storeDir, Number(process.env.STORE_PORT ?? 0))
  const token = process.env.STORE_ADMIN_TOKEN
  if (token) {
    const users = app.container.resolve<{ create(u: object, p: string): Promise<unknown> }>("userService")
    await users.create({ email: `admin-${token}@teststore.dev`, api_token: token, role: "admin" }, "supersecret").catch(() => undefined)
  }
  if (process.env.STORE_FAULT === "hang-before-fanout") {
    // Every fan-out stops right after its message was recorded, as if the process died there.
    app.container.resolve<{ set(hook: () => Promise<void>): void }>("webPushFanoutFault").set(() => new Promise<void>(() => undefined))
  }
  process.stdout.write(`READY ${app.baseUrl}\n`)
  const stop = (): void => {
    app.stop().finally(() => process.exit(0))
  }
  process.once("SIGTERM", stop)
  process.once("SIGINT", stop)
}

main().catch((err: unknown) => {
  process.stderr.write(`store-main: ${(err as Error).stack ?? String(err)}\n`)
  process.exit(1)
})
