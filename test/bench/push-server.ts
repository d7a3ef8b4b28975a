/**
 * The benchmark's push services, run in their own process (spawned with an IPC channel, pinned to
 * its own core with `taskset` where it can be) so that the client's CPU time is
 * measured without the servers'. Two local services: HTTPS HTTP/1.1, and HTTP/2 (with HTTP/1.1
 * fallback). By default they are the repository's test push service, which verifies the VAPID JWT
 * and decrypts every message like a browser; with `verifyEvery > 1` the lighter sampling service.
 *
 * IPC: the parent sends `{ type: 'start', n, vapidPublicKey, verifyEvery }`; this answers
 * `{ type: 'ready', h1, h2 }` (the subscriptions). `{ type: 'stats' }` answers the counts since the
 * previous stats (and resets them); `{ type: 'stop' }` closes and exits.
 */
import * as path from "node:path"
import { TMP_DIR } from "../support/paths"
import { startPushService, type PushService } from "../support/push-service"
import { ensureTestCertificates } from "../support/tls"
import { startSamplingService } from "./sampling-push-server"

export interface BenchDevice {
  endpoint: string
  p256dh: string
  auth: string
}

export interface Counts {
  /** Messages accepted (201). */
  accepted: number
  /** Of those, how many were fully verified (VAPID signature, decryption). */
  verified: number
  refused: number
  firstRefusal?: string
  distinctTokens: number
  /** CPU time of this (server) process since the last stats, in ms. */
  serverCpuMs: number
}

export type ParentMessage = { type: "start"; n: number; vapidPublicKey: string; verifyEvery: number } | { type: "stats" } | { type: "stop" }
export type ChildMessage = { type: "ready"; h1: BenchDevice[]; h2: BenchDevice[] } | { type: "stats"; h1: Counts; h2: Counts }

interface Service {
  devices: BenchDevice[]
  counts(): Omit<Counts, "serverCpuMs">
  close(): Promise<void>
}

const services: Partial<Record<"h1" | "h2", Service>> = {}
let cpuMark = process.cpuUsage()

function reply(message: ChildMessage): void {
  process.send?.(message)
}

function fullService(service: PushService, n: number, kind: string): Service {
  const devices: BenchDevice[] = []
  for (let i = 0; i < n; i += 1) {
    const device = service.createDevice(`${kind}-${i}`)
    devices.push({ endpoint: device.endpoint, ...device.keys })
  }
  return {
    devices,
    counts() {
      const first = service.rejections[0]
      const result = {
        accepted: service.messages.length,
        verified: service.messages.length,
        refused: service.rejections.length,
        distinctTokens: new Set(service.messages.map((m) => m.vapid.token)).size,
        ...(first ? { firstRefusal: `${first.status} ${first.reason}` } : {}),
      }
      service.reset()
      return result
    },
    close: () => service.close(),
  }
}

async function start(n: number, vapidPublicKey: string, verifyEvery: number): Promise<void> {
  const certs = ensureTestCertificates(path.join(TMP_DIR, "certs"))
  for (const kind of ["h1", "h2"] as const) {
    const tls = { key: certs.keyPem, cert: certs.certPem, http2: kind === "h2" }
    if (verifyEvery > 1) {
      const sampling = await startSamplingService({ ...tls, n, verifyEvery, vapidPublicKey })
      services[kind] = {
        devices: sampling.devices,
        counts() {
          const c = sampling.take()
          return { ...c, distinctTokens: c.tokens }
        },
        close: () => sampling.close(),
      }
    } else {
      const push = await startPushService({ ...tls, host: "127.0.0.1", expectedVapidPublicKey: vapidPublicKey })
      services[kind] = fullService(push, n, kind)
    }
  }
  reply({ type: "ready", h1: services.h1?.devices ?? [], h2: services.h2?.devices ?? [] })
}

process.on("message", (message: ParentMessage) => {
  if (message.type === "start") {
    start(message.n, message.vapidPublicKey, message.verifyEvery).catch((error: unknown) => {
      process.stderr.write(`push-server: ${String(error)}\n`)
      process.exit(1)
    })
  } else if (message.type === "stats" && services.h1 && services.h2) {
    const cpu = process.cpuUsage(cpuMark)
    cpuMark = process.cpuUsage()
    const serverCpuMs = (cpu.user + cpu.system) / 1000
    reply({ type: "stats", h1: { ...services.h1.counts(), serverCpuMs }, h2: { ...services.h2.counts(), serverCpuMs } })
  } else if (message.type === "stop") {
    Promise.all([services.h1?.close(), services.h2?.close()]).finally(() => process.exit(0))
  }
})
