import assert from "node:assert/strict"
import { after, before, describe, it } from "node:test"
import { startTestStore, TestStore } from "../support/environment"

/**
 * Invalid options (a placeholder VAPID subject, which Apple refuses): the store still starts, push
 * stays off, and the plugin's routes answer 503 naming the option; the admin's config says why.
 * The loader registers the options the services depend on: here, resolving them throws that error.
 */
describe("invalid options: the store starts, push stays off, the option is named", () => {
  let store: TestStore

  before(async () => {
    store = await startTestStore("invalid-options", { pluginOptions: { vapid_subject: "mailto:ops@example.com" } })
  })

  after(async () => {
    await store?.stop()
  })

  it("a store route answers 503 with the option at fault", async () => {
    const res = await store.http.request<{ message?: string }>("GET", "/store/push/vapid-public-key")
    assert.equal(res.status, 503)
    assert.match(String(res.body.message), /vapid_subject/)
  })

  it("an admin route answers 503 too, and the config page says what to fix", async () => {
    const templates = await store.http.request<{ message?: string }>("GET", "/admin/push/templates", { apiToken: store.admin.apiToken })
    assert.equal(templates.status, 503)
    const config = await store.http.request<{ config: { configured: boolean; error: string | null } }>("GET", "/admin/push/config", {
      apiToken: store.admin.apiToken,
    })
    assert.equal(config.status, 200)
    assert.equal(config.body.config.configured, false)
    assert.match(String(config.body.config.error), /vapid_subject/)
  })

  it("the engine's values are not registered: no poller, no clock", () => {
    assert.throws(() => store.app.container.resolve("webPushClock"))
    assert.throws(() => store.app.container.resolve("webPushOptions"), /vapid_subject/)
  })
})
