import assert from "node:assert/strict"
import http from "node:http"
import type { AddressInfo } from "node:net"
import { after, before, test } from "node:test"
import { gzipSync } from "node:zlib"
import { ApiError } from "../../src/core/errors/api-errors"
import { readJsonBody } from "../../src/api/json-body"

/** A real local server that answers what readJsonBody made of the request. */
let server: http.Server
let url: string
before(async () => {
  server = http.createServer((req, res) => {
    readJsonBody(req, 64).then(
      (body) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ body })),
      (err: unknown) => {
        const e = err as ApiError
        res
          .writeHead(e instanceof ApiError ? e.status : 500, { "content-type": "application/json" })
          .end(JSON.stringify({ field: e.field, message: e.message }))
      }
    )
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
})
after(() => new Promise<void>((resolve) => server.close(() => resolve())))

const send = async (body: BodyInit | undefined, headers: Record<string, string> = { "content-type": "application/json" }) => {
  const res = await fetch(url, { method: "POST", headers, body })
  return { status: res.status, json: (await res.json()) as { body?: unknown; field?: string } }
}

test("reads an object or array of UTF-8 JSON", async () => {
  assert.deepEqual(await send('{"a":"é😀"}'), { status: 200, json: { body: { a: "é😀" } } })
  assert.deepEqual(await send("\ufeff [1] "), { status: 200, json: { body: [1] } })
  assert.deepEqual(await send('{"a":1}', { "content-type": "application/json; charset=UTF-8" }), { status: 200, json: { body: { a: 1 } } })
})

test("no body, or an empty one, reads as {}", async () => {
  assert.deepEqual(await send(undefined, {}), { status: 200, json: { body: {} } })
  assert.deepEqual(await send(""), { status: 200, json: { body: {} } })
  assert.deepEqual(await send("   "), { status: 200, json: { body: {} } })
})

test("a body over the limit is refused with 413, declared or streamed", async () => {
  const big = JSON.stringify({ pad: "x".repeat(100) })
  assert.deepEqual(await send(big), { status: 413, json: { field: "body", message: "body is too large" } })
  const chunks = new ReadableStream({
    start(controller) {
      for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode('{"a":"1234567890"}'))
      controller.close()
    },
  })
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: chunks,
    duplex: "half",
  } as RequestInit)
  assert.equal(res.status, 413)
})

test("malformed JSON, a bare value, or invalid UTF-8 is a 400 naming the body", async () => {
  for (const body of ["{", '"text"', "42", "null", "true", '{"a":1}x']) {
    assert.deepEqual(await send(body), { status: 400, json: { field: "body", message: "body must be valid JSON" } }, body)
  }
  assert.equal((await send(new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]))).status, 400)
})

test("other charsets and compressed bodies are refused with 415", async () => {
  assert.deepEqual(await send('{"a":1}', { "content-type": "application/json; charset=latin1" }), {
    status: 415,
    json: { field: "body", message: "body must be UTF-8 JSON" },
  })
  assert.equal((await send('{"a":1}', { "content-type": 'application/json; charset="utf-16"' })).status, 415)
  const gz = await send(gzipSync('{"a":1}'), { "content-type": "application/json", "content-encoding": "gzip" })
  assert.equal(gz.status, 415)
  assert.equal(gz.json.field, "content-encoding")
})
