/**
 * A real store serving the Medusa admin built with this plugin's extension (see
 * test/support/admin-build.ts), for the admin tests.
 */
import type { WebPushPluginOptions } from "../../../src/core/options/plugin-options"
import type { AdminBuild } from "../../support/admin-build"
import { startTestStore, TestStore } from "../../support/environment"

export { ADMIN_PATH } from "../../support/admin-build"
export const ADMIN_PASSWORD = "supersecret"

export interface AdminStore extends Omit<TestStore, "vapid" | "adminUrl" | "adminBuild"> {
  /** `http://127.0.0.1:<port>/app` */
  adminUrl: string
  build: AdminBuild
}

export async function startAdminStore(name: string, pluginOptions: Partial<WebPushPluginOptions> = {}): Promise<AdminStore> {
  const store = await startTestStore(name, { pluginOptions, withAdmin: true })
  return { ...store, adminUrl: store.adminUrl as string, build: store.adminBuild as AdminBuild }
}
