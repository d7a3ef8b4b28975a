/**
 * The service worker's repeat handling, click reports and both payload shapes (declarative and the
 * old fields), run in a vm with a stand-in registration (pure logic; the browsers' own behaviour is
 * proven in test/browser/). The worker as it shipped before declarative push shows the new
 * payloads too.
 */
import assert from "node:assert/strict"
import { test } from "node:test"
import { buildPayload } from "../../src/core/templates/payload"
import { loadClickWorker, loadWorker, plain, WORKERS } from "../support/worker-vm"

const message = (id: string) => ({
  title: "Flash sale",
  body: "Now",
  tag: "broadcast-1",
  renotify: true,
  timestamp: 1,
  data: { message_id: id },
})

test("a repeat of a shown message replaces it without a new alert; a new message under the same tag alerts", async () => {
  const { push, shown } = loadWorker(async () => shown.map((s) => s.options))
  await push(message("pushmsg_1"))
  await push(message("pushmsg_1"))
  await push(message("pushmsg_2"))
  assert.deepEqual(
    shown.map((s) => [s.options.data?.message_id, s.options.tag, s.options.renotify]),
    [
      ["pushmsg_1", "broadcast-1", true],
      ["pushmsg_1", "broadcast-1", false],
      ["pushmsg_2", "broadcast-1", true],
    ]
  )
})

test("a browser that never answers getNotifications still shows the message, within half a second", async () => {
  const { push, shown } = loadWorker(() => new Promise(() => undefined))
  const started = Date.now()
  await push(message("pushmsg_3"))
  assert.equal(shown.length, 1)
  assert.equal(shown[0].options.renotify, true)
  assert.ok(Date.now() - started < 1500)
})

test("a click reports the delivery id with its click token; without a token it reports nothing and still opens the page", async () => {
  const { click, posted, opened } = loadClickWorker()
  const token = "A".repeat(43)
  await click({ url: "https://shop.example.dev/order/1", delivery_id: "pushdel_1", click_token: token })
  assert.deepEqual(posted, [{ url: "https://api.example.dev/store/push/clicks", body: { delivery_id: "pushdel_1", click_token: token } }])
  await click({ url: "https://shop.example.dev/order/2", delivery_id: "pushdel_2" })
  assert.equal(posted.length, 1)
  assert.deepEqual(opened, ["https://shop.example.dev/order/1", "https://shop.example.dev/order/2"])
})

// Both shapes: what the sender writes today (declarative, with the old fields beside it), the old
// fields alone (a message built before the upgrade, or by another sender), and malformed ones.

const content = {
  title: "Your order #1042 has shipped",
  body: "It is on its way.",
  url: "https://shop.example.dev/order/confirmed/order_1",
  navigate: "https://api.example.dev/store/push/clicks/pushdel_1?t=x&to=https%3A%2F%2Fshop.example.dev%2Forder%2Fconfirmed%2Forder_1",
  lang: "de",
  icon: "https://shop.example.dev/icon.png",
  tag: "order-order_1",
  renotify: true,
  timestamp: 1_700_000_000_000,
  data: { message_id: "pushmsg_1", delivery_id: "pushdel_1", click_token: "A".repeat(43) },
}

test("the declarative shape and the old one show the same notification", async () => {
  const declarative = JSON.parse(buildPayload(content)) as Record<string, unknown>
  assert.equal(declarative.web_push, 8030)
  const { web_push: _marker, notification: _notification, ...oldFields } = declarative
  const seen = []
  for (const payload of [declarative, oldFields]) {
    const { push, shown } = loadWorker(async () => [])
    await push(payload)
    assert.equal(shown.length, 1)
    seen.push(shown[0])
  }
  const [fromBoth, fromOld] = seen
  assert.equal(fromBoth.title, content.title)
  assert.deepEqual(
    plain({ ...fromBoth.options, lang: undefined, dir: undefined }),
    plain({ ...fromOld.options, lang: undefined, dir: undefined }),
    "same text, picture, tag, time and data"
  )
  const options = fromBoth.options as Record<string, unknown>
  assert.equal(options.lang, "de")
  assert.equal(options.dir, "ltr")
  // A click opens the page itself (the worker reports the click), not the counting redirect.
  assert.equal((options.data as Record<string, unknown>).url, content.url)
})

test("the declarative part alone (no old fields) shows the same text; a click then opens the worker's fallback page", async () => {
  const declarative = JSON.parse(buildPayload(content)) as Record<string, unknown>
  const { push, shown } = loadWorker(async () => [])
  await push({ web_push: 8030, notification: declarative.notification })
  const options = shown[0].options as Record<string, unknown>
  assert.equal(shown[0].title, content.title)
  assert.equal(options.body, content.body)
  assert.equal(options.tag, content.tag)
  assert.equal((options.data as Record<string, unknown>).click_token, "A".repeat(43))
  assert.equal((options.data as Record<string, unknown>).url, undefined, "not the click-counting redirect")
})

test("a right-to-left message keeps its direction; a silent one stays silent", async () => {
  const payload = JSON.parse(buildPayload({ ...content, lang: "ar", silent: true })) as Record<string, unknown>
  const { push, shown } = loadWorker(async () => [])
  await push(payload)
  const options = shown[0].options as Record<string, unknown>
  assert.equal(options.dir, "rtl")
  assert.equal(options.silent, true)
})

test("a declarative message from another sender leads to its navigate link", async () => {
  const { push, shown } = loadWorker(async () => [])
  await push({ web_push: 8030, notification: { title: "Hello", body: "Hi", navigate: "https://shop.example.dev/news" } })
  assert.equal(shown[0].title, "Hello")
  assert.equal((shown[0].options.data as Record<string, unknown>).url, "https://shop.example.dev/news")
})

const malformed: Array<[string, unknown]> = [
  ["notification is not an object", { web_push: 8030, notification: "Hello" }],
  ["notification without a title", { web_push: 8030, notification: { body: "Hi", navigate: "https://shop.example.dev/" } }],
  ["a title that is not a string", { web_push: 8030, notification: { title: 42, navigate: "https://shop.example.dev/" } }],
  ["web_push of another value and no old fields", { web_push: 9001, notification: { title: "Hello" } }],
  ["a JSON array", [1, 2, 3]],
  ["JSON null", null],
]
for (const [name, payload] of malformed) {
  test(`malformed (${name}): the generic notification, nothing thrown`, async () => {
    const { push, shown } = loadWorker(async () => [])
    await push(payload as object)
    assert.equal(shown.length, 1)
    assert.equal(shown[0].title, "New notification")
    assert.equal(shown[0].options.data?.generic, true)
  })
}

test("hostile members of a declarative message are dropped, the rest is shown", async () => {
  const { push, shown } = loadWorker(async () => [])
  await push({
    web_push: 8030,
    notification: {
      title: "Hello",
      navigate: "javascript:alert(1)",
      dir: "sideways",
      lang: { x: 1 },
      icon: "javascript:alert(2)",
      data: { nested: { no: 1 }, ok: "yes" },
    },
  })
  const options = shown[0].options as Record<string, unknown>
  assert.equal(shown[0].title, "Hello")
  assert.equal(options.dir, undefined)
  assert.equal(options.lang, undefined)
  assert.equal(options.icon, undefined)
  assert.deepEqual(plain(options.data), { ok: "yes" })
})

test("the worker from before declarative push shows today's payload as today's worker does", async () => {
  for (const payload of [content, { ...content, lang: "ar", icon: undefined, tag: undefined }]) {
    const json = JSON.parse(buildPayload(payload)) as object
    const before = loadWorker(async () => [], WORKERS.beforeDeclarative)
    const now = loadWorker(async () => [])
    await before.push(json)
    await now.push(json)
    assert.equal(before.shown.length, 1)
    assert.equal(before.shown[0].title, now.shown[0].title)
    // The same, but for what the old worker did not know: the language and its direction.
    assert.deepEqual(plain({ ...before.shown[0].options }), plain({ ...now.shown[0].options, lang: undefined, dir: undefined }))
  }
})
