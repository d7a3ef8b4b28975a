import assert from "node:assert/strict"
import { afterEach, test } from "node:test"
import { createWebPush, needsHomeScreen, WebPushClientError } from "../../storefront-snippet/src/index"

// The helper reads `window` and `navigator` at call time: each case sets the browser it stands for.
function browser(nav: Record<string, unknown>, win: Record<string, unknown> = {}): void {
  Object.defineProperty(globalThis, "navigator", { value: nav, configurable: true, writable: true })
  Object.defineProperty(globalThis, "window", {
    value: { isSecureContext: true, matchMedia: () => ({ matches: false }), ...win },
    configurable: true,
    writable: true,
  })
}

afterEach(() => {
  delete (globalThis as Record<string, unknown>).window
  Object.defineProperty(globalThis, "navigator", { value: undefined, configurable: true, writable: true })
})

const IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
const MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15"

test("iPhone and iPad in a Safari tab need the Home Screen; a Home Screen app, a Mac and other phones do not", () => {
  const cases: Array<[string, Record<string, unknown>, Record<string, unknown>, boolean]> = [
    ["iPhone tab", { userAgent: IPHONE, platform: "iPhone", maxTouchPoints: 5 }, {}, true],
    ["iPad with a desktop user agent", { userAgent: MAC, platform: "MacIntel", maxTouchPoints: 5 }, {}, true],
    ["iPhone Home Screen app", { userAgent: IPHONE, platform: "iPhone", maxTouchPoints: 5, standalone: true }, {}, false],
    [
      "iPhone, display-mode standalone",
      { userAgent: IPHONE, platform: "iPhone", maxTouchPoints: 5 },
      { matchMedia: () => ({ matches: true }) },
      false,
    ],
    ["Mac Safari", { userAgent: MAC, platform: "MacIntel", maxTouchPoints: 0 }, {}, false],
    [
      "Android Chrome",
      { userAgent: "Mozilla/5.0 (Linux; Android 14) Chrome/124.0 Mobile", platform: "Linux armv8l", maxTouchPoints: 5 },
      {},
      false,
    ],
  ]
  for (const [name, nav, win, expected] of cases) {
    browser(nav, win)
    assert.equal(needsHomeScreen(), expected, name)
  }
})

test("subscribe() on an iPhone tab fails with needs_home_screen, and status() says so, before any prompt", async () => {
  browser({ userAgent: IPHONE, platform: "iPhone", maxTouchPoints: 5 })
  const client = createWebPush({ backendUrl: "https://api.example.com" })
  await assert.rejects(client.subscribe(), (err: unknown) => err instanceof WebPushClientError && err.code === "needs_home_screen")
  assert.deepEqual(await client.status(), { supported: false, permission: "unsupported", subscribed: false, needsHomeScreen: true })
})
