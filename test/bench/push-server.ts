/**
 * The benchmark's push service, run in its own process (`fork`) so that the client's CPU time is
 * measured without the server's. Two local push services (HTTPS HTTP/1.1, and HTTP/2 with HTTP/1.1
 * fallback), each verifying VAPID and decrypting every message like a browser would.
 *
 * Protocol over IPC: the parent sends `{ type: 'start', n, vapidPublicKey }`; this answers
 * `{ type: 'ready', services: { h1: { devices }, h2: { devices } } }`. `{ type: 'stats' }` answers
 * `{ type: 'stats', h1: Counts, h2: Counts }` and resets the counters.
 */
import * as path from 'node:path'
import { TMP_DIR } from '../support/paths'
import { startPushService, type PushService } from '../support/push-service'
import { ensureTestCertificates } from '../support/tls'

export interface BenchDevice {
  endpoint: string
  p256dh: string
  auth: string
}

export interface Counts {
  delivered: number
  rejected: number
  firstRejection?: string
  distinctTokens: number
  /** CPU time of this (server) process since the last stats, in ms. */
  serverCpuMs: number
}

export type ParentMessage = { type: 'start'; n: number; vapidPublicKey: string } | { type: 'stats' } | { type: 'stop' }
export type ChildMessage =
  | { type: 'ready'; h1: BenchDevice[]; h2: BenchDevice[] }
  | { type: 'stats'; h1: Counts; h2: Counts }

const services: Record<'h1' | 'h2', PushService | undefined> = { h1: undefined, h2: undefined }

function reply(message: ChildMessage): void {
  process.send?.(message)
}

let cpuMark = process.cpuUsage()

function counts(service: PushService, cpuMs: number): Counts {
  const result: Counts = {
    serverCpuMs: cpuMs,
    delivered: service.messages.length,
    rejected: service.rejections.length,
    distinctTokens: new Set(service.messages.map((m) => m.vapid.token)).size,
  }
  if (service.rejections[0]) result.firstRejection = `${service.rejections[0].status} ${service.rejections[0].reason}`
  service.reset()
  return result
}

async function start(n: number, vapidPublicKey: string): Promise<void> {
  const certs = ensureTestCertificates(path.join(TMP_DIR, 'certs'))
  const devices = { h1: [] as BenchDevice[], h2: [] as BenchDevice[] }
  for (const kind of ['h1', 'h2'] as const) {
    const service = await startPushService({
      key: certs.keyPem,
      cert: certs.certPem,
      host: '127.0.0.1',
      expectedVapidPublicKey: vapidPublicKey,
      http2: kind === 'h2',
    })
    services[kind] = service
    for (let i = 0; i < n; i += 1) {
      const device = service.createDevice(`${kind}-${i}`)
      devices[kind].push({ endpoint: device.endpoint, ...device.keys })
    }
  }
  reply({ type: 'ready', ...devices })
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'start') {
    start(message.n, message.vapidPublicKey).catch((error: unknown) => {
      process.stderr.write(`push-server: ${String(error)}\n`)
      process.exit(1)
    })
  } else if (message.type === 'stats' && services.h1 && services.h2) {
    const cpu = process.cpuUsage(cpuMark)
    cpuMark = process.cpuUsage()
    const cpuMs = (cpu.user + cpu.system) / 1000
    reply({ type: 'stats', h1: counts(services.h1, cpuMs), h2: counts(services.h2, cpuMs) })
  } else if (message.type === 'stop') {
    Promise.all([services.h1?.close(), services.h2?.close()]).finally(() => process.exit(0))
  }
})
