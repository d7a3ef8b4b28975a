import { test } from "node:test"
import assert from "node:assert/strict"
import { createHash } from "node:crypto"
import { topicHeader } from "../../src/core/transport/push-transport"

// push-transport.ts now holds only the transport's types and topicHeader. Everything the old
// web-push `sendPush` tests here checked is checked against createPushSender in
// transport-sender.test.ts (over HTTP/1.1 and HTTP/2), including the Topic header a send carries.

const topics = ["order_01HX:order.placed", "", "x", "a".repeat(10_000), "Bestellung 1042 – versandt 📦", "order/1?x=y#z"]
for (const topic of topics) {
  test(`topicHeader(${JSON.stringify(topic.slice(0, 30))}) is at most 32 base64url characters and stable`, () => {
    const header = topicHeader(topic)
    assert.match(header, /^[A-Za-z0-9_-]{1,32}$/)
    assert.equal(header, topicHeader(topic))
    assert.equal(header, createHash("sha256").update(topic, "utf8").digest("base64url").slice(0, 32))
  })
}

test("topicHeader differs for different topics", () => {
  const headers = new Set(["order-1", "order-2", "order-1 ", "Order-1"].map(topicHeader))
  assert.equal(headers.size, 4)
})
