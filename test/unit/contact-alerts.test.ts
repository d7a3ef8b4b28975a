import { test } from "node:test"
import assert from "node:assert/strict"
import { contactSummaryText, planContactAlert } from "../../src/core/catalogue/contact-alerts"

const policy = { limit: 3, windowMs: 10 * 60_000 }
const at = new Date("2026-03-01T12:03:00Z")

test("the first `limit` messages of a window each get their own alert", () => {
  for (const rank of [1, 2, 3]) assert.deepEqual(planContactAlert(rank, at, policy), { kind: "single" })
})

test("past the limit: a summary, keyed by the window the message falls in", () => {
  const fourth = planContactAlert(4, at, policy)
  const hundredth = planContactAlert(100, new Date(at.getTime() + 60_000), policy)
  assert.equal(fourth.kind, "summary")
  assert.deepEqual(hundredth, fourth, "one summary per window, whatever the number of messages")
  const nextWindow = planContactAlert(4, new Date("2026-03-01T12:10:00Z"), policy)
  assert.notDeepEqual(nextWindow, fourth, "the next window may summarise again")
})

test("the same message always plans the same way (redelivered events, restarts)", () => {
  assert.deepEqual(planContactAlert(7, at, policy), planContactAlert(7, new Date(at), policy))
})

test("the summary text is plain and carries no visitor text", () => {
  const { title, body } = contactSummaryText(12, policy.windowMs)
  assert.equal(title, "12 new contact messages")
  assert.match(body, /10 minutes/)
})
