import assert from "node:assert/strict"
import fs from "node:fs"
import path from "node:path"
import { test } from "node:test"
import { config } from "../../src/api/middlewares"
import { guardStateChange } from "../../src/api/state-change-guard"

/**
 * Medusa 1.20 gives each route the body parser of the FIRST entry of middlewares.ts whose matcher
 * and method match (loaders/helpers/routing `findMatch`): an entry without `bodyParser` placed
 * before the guarded ones would bring back its form and text parsers. Checked here for every
 * route file, the way Medusa matches.
 */
const apiDir = path.join(__dirname, "..", "..", "src", "api")

function routes(dir: string): Array<{ path: string; methods: string[] }> {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return routes(full)
    if (!/^route\.[jt]s$/.test(entry.name)) return []
    const url =
      "/" +
      path
        .relative(apiDir, dir)
        .split(path.sep)
        .map((s) => s.replace(/^\[(\w+)\]$/, ":$1"))
        .join("/")
    const methods = [
      ...fs.readFileSync(full, "utf8").matchAll(/^export\s+(?:(?:async\s+)?function\s+|const\s+)(GET|POST|PUT|PATCH|DELETE)\b/gm),
    ].map((m) => m[1])
    return [{ path: url, methods }]
  })
}

type Entry = NonNullable<typeof config.routes>[number]

function firstMatch(url: string, method: string): Entry | undefined {
  return (config.routes ?? []).find((route) => {
    const m = route.method ?? "USE"
    const methodOk = Array.isArray(m)
      ? m.includes(method as never) || m.includes("ALL" as never) || m.includes("USE" as never)
      : m === "USE" || m === "ALL" || m === method
    const matcher = route.matcher
    const pathOk = typeof matcher === "string" ? new RegExp(`^${matcher.split("*").join(".*")}$`).test(url) : matcher.exec(url)?.[0] === url
    return methodOk && pathOk
  })
}

test("every route that changes state gets no Medusa body parser and runs the guard", () => {
  const all = routes(apiDir)
  const changes = all.flatMap((r) => r.methods.filter((m) => m !== "GET").map((method) => ({ ...r, method })))
  assert.ok(changes.length >= 15, `${changes.length} state-changing handlers found`)
  for (const { path: url, method } of changes) {
    const entry = firstMatch(url, method)
    assert.ok(entry, `${method} ${url} is matched in middlewares.ts`)
    assert.equal(
      entry.bodyParser,
      false,
      `${method} ${url}: the first matching entry (${String(entry.matcher)}) turns Medusa's body parsers off`
    )
    // Webhooks carry no cookie and are verified by their signature over the exact bytes, which the
    // guard would have read: they must not run it.
    if (url.startsWith("/hooks/")) {
      assert.ok(!entry.middlewares?.includes(guardStateChange as never), `${method} ${url}: a webhook reads its own bytes`)
      assert.equal(entry.middlewares?.length, 1, `${method} ${url}: a webhook is rate limited`)
      continue
    }
    assert.ok(entry.middlewares?.includes(guardStateChange as never), `${method} ${url}: the first matching entry runs the guard`)
  }
  // and every plugin route but the public service worker script and the webhooks is guarded the same way
  for (const { path: url } of all.filter((r) => r.path !== "/admin-push-sw" && !r.path.startsWith("/hooks/"))) {
    assert.equal(firstMatch(url, "GET")?.bodyParser, false, `GET ${url}`)
  }
})
