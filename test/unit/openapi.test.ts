import assert from "node:assert/strict"
import fs from "node:fs"
import path from "node:path"
import { test } from "node:test"

/**
 * openapi.json against the routes the plugin really serves. The routes are read from the source
 * (Medusa's file-based routing: `src/api/<path>/route.ts`, `[id]` a path parameter, exported
 * GET/POST/... the methods) rather than imported: importing them loads @medusajs/medusa, seconds
 * per run.
 */

const root = path.join(__dirname, "..", "..")
const apiDir = path.join(root, "src", "api")
const doc = JSON.parse(fs.readFileSync(path.join(root, "openapi.json"), "utf8")) as OpenApi

/** Medusa v1's HTTP_METHODS (loaders/helpers/routing/types). */
const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"] as const
const ADMIN_SCHEMES = ["admin_session", "admin_bearer", "admin_api_token"]

interface Operation {
  summary?: string
  operationId?: string
  security?: Array<Record<string, string[]>>
  parameters?: Array<Record<string, unknown>>
  requestBody?: unknown
  responses?: Record<string, { headers?: Record<string, unknown> } & Record<string, unknown>>
}
interface OpenApi {
  openapi: string
  paths: Record<string, Record<string, Operation>>
  components: { securitySchemes: Record<string, unknown> } & Record<string, unknown>
}

interface Route {
  file: string
  path: string
  methods: string[]
  authenticate: boolean
}

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return routeFiles(full)
    return /^route\.[jt]s$/.test(entry.name) ? [full] : []
  })
}

/** The names a route file exports, from its source; fails on export forms it cannot read. */
function exportedNames(file: string, source: string): string[] {
  const names: string[] = []
  for (const m of source.matchAll(/^export\s+(?:async\s+)?(?:function\*?|const|let|var|class)\s+([A-Za-z_$][\w$]*)/gm)) names.push(m[1])
  for (const m of source.matchAll(/^export\s*\{([^}]*)\}/gm)) {
    for (const part of m[1]
      .split(",")
      .map((p) => p.trim())
      .filter(Boolean))
      names.push(part.split(/\s+as\s+/).pop() as string)
  }
  const unread = source.match(/^export\s+(?:\*|default)\b.*$/m)
  assert.equal(unread, null, `${path.relative(root, file)}: cannot tell which methods "${unread?.[0]}" exports`)
  return names
}

function readRoutes(): Route[] {
  return routeFiles(apiDir).map((file) => {
    const source = fs.readFileSync(file, "utf8")
    const names = exportedNames(file, source)
    const segments = path.relative(apiDir, path.dirname(file)).split(path.sep)
    const urlPath = "/" + segments.map((s) => s.replace(/^\[(.+)\]$/, "{$1}")).join("/")
    return {
      file: path.relative(root, file),
      path: urlPath,
      methods: names.filter((n) => (HTTP_METHODS as readonly string[]).includes(n)),
      authenticate: !/^export\s+const\s+AUTHENTICATE\s*(?::\s*boolean\s*)?=\s*false\b/m.test(source),
    }
  })
}

const routes = readRoutes()
const operations = Object.entries(doc.paths).flatMap(([p, item]) =>
  Object.entries(item)
    .filter(([method]) => (HTTP_METHODS as readonly string[]).includes(method.toUpperCase()))
    .map(([method, operation]) => ({ path: p, method: method.toUpperCase(), operation, key: `${method.toUpperCase()} ${p}` }))
)

function resolvePointer(ref: string): unknown {
  assert.ok(ref.startsWith("#/"), `only local references are used: ${ref}`)
  let node: unknown = doc
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~")
    if (node === null || typeof node !== "object" || !(key in node)) return undefined
    node = (node as Record<string, unknown>)[key]
  }
  return node
}

/** Follows a `$ref` (one level is all openapi.json uses for parameters and responses). */
function deref<T>(value: T): T {
  const ref = (value as { $ref?: unknown } | undefined)?.$ref
  return typeof ref === "string" ? (resolvePointer(ref) as T) : value
}

test("openapi.json is an OpenAPI 3.1 document", () => {
  assert.match(doc.openapi, /^3\.1\.\d+$/)
  assert.ok(routes.length > 0, "route files were found under src/api")
})

test("openapi.json documents exactly the routes the plugin serves", () => {
  const served = new Set(routes.flatMap((r) => r.methods.map((m) => `${m} ${r.path}`)))
  const documented = new Set(operations.map((o) => o.key))
  const undocumented = [...served].filter((k) => !documented.has(k)).sort()
  const notServed = [...documented].filter((k) => !served.has(k)).sort()
  assert.deepEqual(
    { undocumented, notServed },
    { undocumented: [], notServed: [] },
    `openapi.json is out of step with src/api:\n  served but not documented: ${undocumented.join(", ") || "none"}\n  documented but not served: ${notServed.join(", ") || "none"}`
  )
})

test("every operation has a summary, a unique operationId and a success response", () => {
  const ids = new Set<string>()
  for (const { key, operation } of operations) {
    assert.ok(operation.summary?.trim(), `${key} has a summary`)
    assert.ok(operation.operationId, `${key} has an operationId`)
    assert.ok(!ids.has(operation.operationId as string), `${key}: operationId ${operation.operationId} is unique`)
    ids.add(operation.operationId as string)
    const statuses = Object.keys(operation.responses ?? {})
    // A link followed by a browser succeeds with a redirect (303).
    assert.ok(
      statuses.some((s) => /^2\d\d$/.test(s)) || (operation.requestBody === undefined && statuses.includes("303")),
      `${key} documents a 2xx response, or a body-less one its 303 (has ${statuses.join(", ")})`
    )
    if (operation.requestBody !== undefined) {
      assert.ok(statuses.includes("400"), `${key} takes a body, so documents its 400 answer`)
      assert.ok(statuses.includes("413"), `${key} takes a body, so documents its 413 answer (16 kB limit)`)
    }
  }
})

test("every path parameter is declared and every declared one is in the path", () => {
  for (const { key, path: p, operation } of operations) {
    const inPath = [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort()
    const declared = [...((doc.paths[p].parameters as Operation["parameters"]) ?? []), ...(operation.parameters ?? [])]
      .map((param) => deref(param))
      .filter((param) => param.in === "path")
    for (const param of declared) assert.equal(param.required, true, `${key}: path parameter ${String(param.name)} is required`)
    assert.deepEqual(declared.map((param) => String(param.name)).sort(), inPath, `${key} declares its path parameters`)
  }
})

test("every $ref resolves", () => {
  const broken: string[] = []
  const walk = (node: unknown, where: string): void => {
    if (Array.isArray(node)) return node.forEach((child, i) => walk(child, `${where}/${i}`))
    if (node === null || typeof node !== "object") return
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string" && resolvePointer(v) === undefined) broken.push(`${where}: ${v}`)
      walk(v, `${where}/${k}`)
    }
  }
  walk(doc, "#")
  assert.deepEqual(broken, [], "unresolved $ref")
})

test("admin operations require an admin and document 401; public ones say so", () => {
  const schemes = Object.keys(doc.components.securitySchemes)
  for (const { key, path: p, method, operation } of operations) {
    for (const requirement of operation.security ?? []) {
      for (const name of Object.keys(requirement)) assert.ok(schemes.includes(name), `${key}: security scheme ${name} is defined`)
    }
    const route = routes.find((r) => r.path === p && r.methods.includes(method))
    if (!route) continue // reported by the route-set test
    // Medusa v1 puts every route whose path starts with /admin (even /admin-push-sw) behind
    // admin authentication unless the file exports AUTHENTICATE = false.
    if (!p.startsWith("/admin")) {
      const admin = (operation.security ?? []).some((r) => Object.keys(r).some((n) => ADMIN_SCHEMES.includes(n)))
      assert.ok(!admin, `${key} is not an admin route, so does not declare admin security`)
      continue
    }
    if (!route.authenticate) {
      assert.deepEqual(operation.security, [], `${key} exports AUTHENTICATE = false, so declares no security`)
      continue
    }
    const security = operation.security ?? []
    assert.ok(security.length > 0, `${key} declares security`)
    assert.ok(
      security.every((r) => Object.keys(r).length > 0),
      `${key}: an admin is not optional`
    )
    for (const name of ADMIN_SCHEMES) {
      assert.ok(
        security.some((r) => name in r),
        `${key} accepts ${name}`
      )
    }
    assert.ok(operation.responses?.["401"], `${key} documents 401`)
  }
})

const middlewares = fs.readFileSync(path.join(apiDir, "middlewares.ts"), "utf8")

/** The documented paths a middleware matcher covers: itself, or with `*` standing for any rest of the path. */
function pathsMatching(matcher: string): string[] {
  if (!matcher.includes("*")) return doc.paths[matcher] ? [matcher] : []
  const pattern = new RegExp(
    `^${matcher
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`
  )
  return Object.keys(doc.paths).filter((p) => pattern.test(p))
}

test("the rate-limited routes document 429 with Retry-After", () => {
  // `{ matcher: "...", method: [...], <other keys>, middlewares: [rateLimit(...)] }`, one route per line.
  const limited = [...middlewares.matchAll(/matcher:\s*"([^"]+)",\s*method:\s*\[([^\]]*)\],[^\n]*?middlewares:\s*\[rateLimit\(/g)]
  assert.ok(limited.length > 0, "middlewares.ts has rate-limited routes")
  assert.ok(
    limited.some(([, matcher]) => matcher.includes("*")),
    "a rate-limited matcher with a wildcard is read (the inbound hooks)"
  )
  for (const [, matcher, methods] of limited) {
    const covered = pathsMatching(matcher)
    assert.ok(covered.length > 0, `${matcher} (rate-limited) matches documented paths`)
    for (const method of [...methods.matchAll(/"([A-Z]+)"/g)].map((m) => m[1])) {
      for (const p of covered) {
        const operation = doc.paths[p]?.[method.toLowerCase()]
        if (!operation && matcher.includes("*")) continue // a wildcard also covers paths without this method
        assert.ok(operation, `${method} ${p} (rate-limited) is documented`)
        const answer = deref(operation.responses?.["429"])
        assert.ok(answer, `${method} ${p} documents 429`)
        assert.ok(answer.headers?.["Retry-After"], `${method} ${p}: its 429 has a Retry-After header`)
      }
    }
  }
})

/** The paths behind the state-change guard (`...GUARDED` in middlewares.ts): JSON only (415), session cookie from an allowed origin only (403). */
const guardedPaths = new Set(
  [...middlewares.matchAll(/\{\s*matcher:\s*"([^"]+)",\s*\.\.\.GUARDED\s*\}/g)].flatMap(([, matcher]) => pathsMatching(matcher))
)

test("every guarded state change documents the JSON-only (415) and Origin (403) answers; unguarded ones no 403", () => {
  const changes = operations.filter((o) => ["POST", "PUT", "PATCH", "DELETE"].includes(o.method))
  assert.ok(changes.length > 0)
  assert.ok(guardedPaths.has("/admin/push/test") && guardedPaths.has("/store/contact-messages"), "the guarded matchers are read")
  for (const { key, path: p, operation } of changes) {
    // Every state change refuses bodies other than JSON: the guard, or the route itself (the inbound hooks).
    assert.ok(deref(operation.responses?.["415"]), `${key} documents 415 (bodies other than application/json)`)
    if (guardedPaths.has(p)) assert.ok(deref(operation.responses?.["403"]), `${key} documents 403 (session cookie from a foreign origin)`)
    else assert.equal(operation.responses?.["403"], undefined, `${key} is not behind the origin guard, so never answers 403`)
  }
})
