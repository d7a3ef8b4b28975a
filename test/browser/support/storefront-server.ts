/**
 * Serves the plain example page and the built snippet on http://localhost:<port> (a secure
 * context), with the example's backend URL pointed at the backend under test, plus a stand-in
 * order page (`/order/<id>`) for notification clicks to open.
 */
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, resolve } from 'node:path'

export const SNIPPET_DIR = resolve(__dirname, '..', '..', '..', 'storefront-snippet')
/** The backend URL written in examples/plain/index.html, replaced when served. */
export const EXAMPLE_BACKEND_URL = 'http://localhost:9000'

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html' }

export interface StorefrontServer {
  origin: string
  close(): Promise<void>
}

export async function startStorefrontServer(options: { backendUrl: string; publishableApiKey?: string }): Promise<StorefrontServer> {
  const files: Record<string, string> = {
    '/': join(SNIPPET_DIR, 'examples', 'plain', 'index.html'),
    '/medusa-web-push.js': join(SNIPPET_DIR, 'dist', 'medusa-web-push.js'),
    '/index.mjs': join(SNIPPET_DIR, 'dist', 'index.mjs'),
    '/push-sw.js': join(SNIPPET_DIR, 'dist', 'push-sw.js'),
  }
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const order = /^\/order\/([\w-]+)$/.exec(path)
    if (order) {
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>Order ${order[1]}</title><h1>Order ${order[1]}</h1>`)
      return
    }
    const file = files[path]
    if (!file) return void res.writeHead(404).end('not found')
    let body = readFileSync(file, 'utf8')
    if (path === '/') {
      body = body.replace(EXAMPLE_BACKEND_URL, options.backendUrl)
      if (options.publishableApiKey) body = body.replace("publishableApiKey: ''", `publishableApiKey: '${options.publishableApiKey}'`)
    }
    const type = TYPES[path === '/' ? '.html' : path.slice(path.lastIndexOf('.'))] ?? 'text/plain'
    res.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' }).end(body)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    origin: `http://localhost:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}
