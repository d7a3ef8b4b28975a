/**
 * A stand-in for the Medusa backend's four store push routes, with the store's CORS
 * behaviour (credentials allowed for the storefront origin). The browser tests talk to it
 * until the real Medusa app with this plugin is started in their place.
 */
import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import webpush from 'web-push'

export interface StoredSubscription {
  id: string
  endpoint: string
  keys: { p256dh: string; auth: string }
  categories?: string[]
  locale?: string
  cart_id?: string
  publishableApiKey?: string
}

export interface StandInBackend {
  url: string
  vapid: { publicKey: string; privateKey: string }
  subscriptions: Map<string, StoredSubscription>
  clicks: { delivery_id: string; action?: string }[]
  renewals: { previous?: { endpoint: string; auth: string }; endpoint: string }[]
  /** Resolves once a click report has arrived. */
  waitForClick(timeoutMs?: number): Promise<{ delivery_id: string; action?: string }>
  close(): Promise<void>
}

interface SubscriptionBody {
  subscription?: { endpoint?: string; keys?: { p256dh?: string; auth?: string } }
  categories?: string[]
  locale?: string
  cart_id?: string
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  return text ? (JSON.parse(text) as unknown) : {}
}

export async function startStandInBackend(options: { storefrontOrigin: () => string }): Promise<StandInBackend> {
  const vapid = webpush.generateVAPIDKeys()
  const subscriptions = new Map<string, StoredSubscription>()
  const clicks: StandInBackend['clicks'] = []
  const renewals: StandInBackend['renewals'] = []
  const clickWaiters: ((c: { delivery_id: string; action?: string }) => void)[] = []
  let nextId = 1

  function store(body: SubscriptionBody, req: IncomingMessage): StoredSubscription | undefined {
    const s = body.subscription
    if (!s?.endpoint || !s.keys?.p256dh || !s.keys.auth) return undefined
    const row: StoredSubscription = {
      id: `pushsub_${nextId++}`,
      endpoint: s.endpoint,
      keys: { p256dh: s.keys.p256dh, auth: s.keys.auth },
      categories: body.categories,
      locale: body.locale,
      cart_id: body.cart_id,
      publishableApiKey: req.headers['x-publishable-api-key'] as string | undefined,
    }
    subscriptions.set(row.endpoint, row)
    return row
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = options.storefrontOrigin()
    res.setHeader('access-control-allow-origin', origin)
    res.setHeader('access-control-allow-credentials', 'true')
    res.setHeader('vary', 'origin')
    const send = (status: number, body?: object): void => {
      res.writeHead(status, body ? { 'content-type': 'application/json' } : {}).end(body ? JSON.stringify(body) : undefined)
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('access-control-allow-methods', 'GET,POST,DELETE,OPTIONS')
      res.setHeader('access-control-allow-headers', 'content-type,x-publishable-api-key,authorization')
      return send(204)
    }
    const route = `${req.method} ${req.url}`
    if (route === 'GET /store/push/vapid-public-key') return send(200, { public_key: vapid.publicKey })
    if (route === 'POST /store/push/subscriptions') {
      const row = store((await readJson(req)) as SubscriptionBody, req)
      return row ? send(201, { subscription: row }) : send(400, { message: 'subscription.endpoint and keys are required' })
    }
    if (route === 'DELETE /store/push/subscriptions') {
      const body = (await readJson(req)) as { endpoint?: string; auth?: string }
      const row = body.endpoint ? subscriptions.get(body.endpoint) : undefined
      if (!row || row.keys.auth !== body.auth) return send(404, { message: 'no such subscription' })
      subscriptions.delete(row.endpoint)
      return send(200, { id: row.id, deleted: true })
    }
    if (route === 'POST /store/push/subscriptions/renew') {
      const body = (await readJson(req)) as { previous?: { endpoint: string; auth: string } } & SubscriptionBody
      const old = body.previous ? subscriptions.get(body.previous.endpoint) : undefined
      if (old && old.keys.auth === body.previous?.auth) subscriptions.delete(old.endpoint)
      const row = store({ ...old, subscription: body.subscription }, req)
      if (!row) return send(400, { message: 'subscription is required' })
      renewals.push({ previous: body.previous, endpoint: row.endpoint })
      return send(201, { subscription: row })
    }
    if (route === 'POST /store/push/clicks') {
      const click = (await readJson(req)) as { delivery_id: string; action?: string }
      clicks.push(click)
      clickWaiters.splice(0).forEach((w) => w(click))
      return send(204)
    }
    send(404, { message: `no route ${route}` })
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => res.writeHead(500).end(String(e)))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    url: `http://localhost:${(server.address() as AddressInfo).port}`,
    vapid,
    subscriptions,
    clicks,
    renewals,
    waitForClick(timeoutMs = 10_000) {
      if (clicks.length > 0) return Promise.resolve(clicks[clicks.length - 1])
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no click report reached the backend')), timeoutMs)
        clickWaiters.push((c) => {
          clearTimeout(timer)
          resolve(c)
        })
      })
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}
