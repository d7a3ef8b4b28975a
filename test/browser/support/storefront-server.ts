/**
 * Serves the plain example page and the built snippet on http://localhost:<port> (a secure
 * context), with the example's backend URL pointed at the backend under test, plus a stand-in
 * for the storefront's order confirmation page (`/order/confirmed/<id>`, where the plugin's
 * notifications point) and product pages (`/products/<handle>`, where product alerts point) for
 * notification clicks to open. `/product` is the example product page.
 */
import { once } from "node:events"
import { readFileSync } from "node:fs"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { join, resolve } from "node:path"

export const SNIPPET_DIR = resolve(__dirname, "..", "..", "..", "storefront-snippet")
/** The backend URL written in examples/plain/index.html, replaced when served. */
export const EXAMPLE_BACKEND_URL = "http://localhost:9000"

const TYPES: Record<string, string> = { ".js": "text/javascript", ".mjs": "text/javascript", ".html": "text/html" }
const PAGES = ["/", "/product"]

export interface StorefrontServer {
  origin: string
  close(): Promise<void>
}

export interface StorefrontServerOptions {
  /** The backend the example page talks to; a function when the backend starts after this server. */
  backendUrl: string | (() => string)
  publishableApiKey?: string | (() => string | undefined)
}

export async function startStorefrontServer(options: StorefrontServerOptions): Promise<StorefrontServer> {
  const value = <T>(v: T | (() => T)): T => (typeof v === "function" ? (v as () => T)() : v)
  const files: Record<string, string> = {
    "/": join(SNIPPET_DIR, "examples", "plain", "index.html"),
    "/product": join(SNIPPET_DIR, "examples", "plain", "product.html"),
    "/medusa-web-push.js": join(SNIPPET_DIR, "dist", "medusa-web-push.js"),
    "/index.mjs": join(SNIPPET_DIR, "dist", "index.mjs"),
    "/push-sw.js": join(SNIPPET_DIR, "dist", "push-sw.js"),
  }
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname
    const order = /^\/order\/confirmed\/([\w-]+)$/.exec(path)
    if (order) {
      res.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html><title>Order ${order[1]}</title><h1>Order ${order[1]}</h1>`)
      return
    }
    // Where a product alert leads (`/products/<handle>`).
    const product = /^\/products\/([\w-]+)$/.exec(path)
    if (product) {
      res.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html><title>Product ${product[1]}</title><h1>${product[1]}</h1>`)
      return
    }
    const file = files[path]
    if (!file) return void res.writeHead(404).end("not found")
    let body = readFileSync(file, "utf8")
    if (PAGES.includes(path)) {
      body = body.replace(EXAMPLE_BACKEND_URL, value(options.backendUrl))
      const key = value(options.publishableApiKey)
      if (key) body = body.replace("publishableApiKey: ''", `publishableApiKey: '${key}'`)
    }
    const type = TYPES[PAGES.includes(path) ? ".html" : path.slice(path.lastIndexOf("."))] ?? "text/plain"
    res.writeHead(200, { "content-type": `${type}; charset=utf-8`, "cache-control": "no-store" }).end(body)
  })
  server.listen(0, "127.0.0.1")
  await once(server, "listening")
  return {
    origin: `http://localhost:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}
