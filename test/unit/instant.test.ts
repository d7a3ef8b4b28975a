import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { parseInstant } from "../../src/api/validation/instant"
import { parseSegment } from "../../src/api/validation/segment-input"
import { InvalidRequestError } from "../../src/core/errors/api-errors"

const iso = (text: string, dayAlone = true) => parseInstant(text, { dayAlone })?.toISOString() ?? null

describe("parseInstant: a time an admin writes, strictly", () => {
  it("reads a day (midnight UTC) and a date and time with its zone", () => {
    assert.equal(iso("2026-12-01"), "2026-12-01T00:00:00.000Z")
    assert.equal(iso("2026-12-01T09:00Z"), "2026-12-01T09:00:00.000Z")
    assert.equal(iso("2026-12-01T09:00:30.5+01:00"), "2026-12-01T08:00:30.500Z")
    assert.equal(iso("2026-12-01T23:59:59.999999-14:00"), "2026-12-02T13:59:59.999Z")
    assert.equal(iso("2024-02-29"), "2024-02-29T00:00:00.000Z")
    assert.equal(iso(new Date("2026-06-15T10:11:12.345Z").toISOString(), false), "2026-06-15T10:11:12.345Z")
  })

  it("refuses a day that does not exist instead of moving it", () => {
    for (const text of ["2026-02-29", "2026-02-30", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00"]) {
      assert.equal(iso(text), null, text)
    }
  })

  it("refuses an hour, minute, second or zone out of range", () => {
    for (const text of [
      "2026-12-01T24:00Z",
      "2026-12-01T09:60Z",
      "2026-12-01T09:00:60Z",
      "2026-12-01T09:00+15:00",
      "2026-12-01T09:00+01:60",
    ]) {
      assert.equal(iso(text), null, text)
    }
  })

  it("refuses a year Postgres or the engine cannot hold (0000, before 1970, past 9999)", () => {
    for (const text of ["0000-01-01", "0001-01-01", "1969-12-31T23:59Z", "+010000-01-01"]) assert.equal(iso(text), null, text)
    assert.equal(iso("1970-01-01"), "1970-01-01T00:00:00.000Z")
    assert.equal(iso("9999-12-31T23:59:59Z"), "9999-12-31T23:59:59.000Z")
    assert.equal(iso("9999-12-31T23:30-01:00"), null, "its zone carries it into the year 10000")
    assert.equal(iso("1970-01-01T00:30+01:00"), null, "its zone carries it back into 1969")
  })

  it("needs a zone where a day alone is not accepted, and takes no other format", () => {
    assert.equal(iso("2026-12-01", false), null)
    assert.equal(iso("2026-12-01T09:00", false), null)
    for (const text of ["Tue, 01 Dec 2026 09:00:00 Z", "2026-12-01 09:00Z", "2026-12-1", " 2026-12-01", "2026-12-01T09:00:00.1234567Z"]) {
      assert.equal(iso(text), null, text)
    }
  })

  it("a segment's subscribed_since that does not exist is a 400 naming it", () => {
    for (const since of ["0000-01-01", "2026-02-30", "2026-12-01T24:00Z"]) {
      assert.throws(
        () => parseSegment({ subscribed_since: since }),
        (err: unknown) => err instanceof InvalidRequestError && err.field === "segment.subscribed_since",
        since
      )
    }
    assert.deepEqual(parseSegment({ subscribed_since: "2026-02-28" }), { subscribed_since: "2026-02-28T00:00:00.000Z" })
  })
})
