/**
 * `npm run bench`: messages/s and client CPU per message of
 *   (a) the naive loop every tutorial uses: web-push `sendNotification` per message, concurrency 50;
 *   (b) the plugin's transport (`createPushSender`): cached VAPID header, node:crypto encryption,
 *       pooled HTTP/2 (and, for reference, HTTP/1.1 keep-alive);
 * in one run, against local HTTPS push services in a separate process (forked, so its CPU is not
 * counted) that verify every VAPID JWT and decrypt every message.
 *
 * Options: --n <messages> (20000), --concurrency <c> (50), --payload <bytes> (3072), --no-h1 (skip
 * the reference run of the sender over HTTP/1.1), --verify-every <k> (1: every message is verified
 * and decrypted by the test push service, which then costs ~0.6 ms CPU per message in one process
 * and caps the rate; k > 1: a lighter service that checks one message in k, to measure the client),
 * --db (instead: the full path of a broadcast through a real store and Postgres; see db-path.ts).
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import webpush from 'web-push'
import { forEachConcurrent } from '../../src/core/concurrency/for-each-concurrent'
import { createEndpointPolicy } from '../../src/core/security/endpoint-policy'
import { generateVapidKeys } from '../../src/core/keys/keys'
import type { PushRequest, PushResult } from '../../src/core/transport/push-transport'
import { createPushSender } from '../../src/core/transport/sender'
import { TMP_DIR } from '../support/paths'
import { ensureTestCertificates } from '../support/tls'
import { runDbPath } from './db-path'
import type { BenchDevice, ChildMessage, Counts, ParentMessage } from './push-server'

interface Args {
  n: number
  concurrency: number
  payloadBytes: number
  h1: boolean
  verifyEvery: number
  db: boolean
}

function parseArgs(argv: string[]): Args {
  const args: Args = { n: 20_000, concurrency: 50, payloadBytes: 3072, h1: true, verifyEvery: 1, db: false }
  for (let i = 0; i < argv.length; i += 1) {
    const value = (): number => {
      const parsed = Number(argv[++i])
      if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`${argv[i - 1]} needs a positive whole number`)
      return parsed
    }
    if (argv[i] === '--n') args.n = value()
    else if (argv[i] === '--concurrency') args.concurrency = value()
    else if (argv[i] === '--payload') args.payloadBytes = value()
    else if (argv[i] === '--no-h1') args.h1 = false
    else if (argv[i] === '--verify-every') args.verifyEvery = value()
    else if (argv[i] === '--db') args.db = true
    else throw new Error(`unknown option ${argv[i]}`)
  }
  return args
}

function out(line: string): void {
  process.stdout.write(`${line}\n`)
}

/** web-push uses node:https, which trusts extra CAs only through NODE_EXTRA_CA_CERTS read at start-up. */
function ensureTrusted(): boolean {
  const { caPath } = ensureTestCertificates(path.join(TMP_DIR, 'certs'))
  const ca = fs.readFileSync(caPath, 'utf8').trim()
  const extra = process.env.NODE_EXTRA_CA_CERTS
  if (extra && fs.existsSync(extra) && fs.readFileSync(extra, 'utf8').includes(ca)) return true
  const bundle = path.join(TMP_DIR, 'certs', 'bench-trust-bundle.pem')
  const inherited = extra && fs.existsSync(extra) ? fs.readFileSync(extra, 'utf8') : ''
  fs.writeFileSync(bundle, `${inherited.trimEnd()}\n${ca}\n`)
  const result = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: bundle },
  })
  process.exitCode = result.status ?? 1
  return false
}

class PushServer {
  private readonly waiting: Array<(message: ChildMessage) => void> = []
  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: ChildMessage) => this.waiting.shift()?.(message))
  }

  static start(): PushServer {
    return new PushServer(fork(path.join(__dirname, 'push-server.ts'), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' }))
  }

  ask(message: ParentMessage): Promise<ChildMessage> {
    return new Promise((resolve, reject) => {
      this.waiting.push(resolve)
      this.child.once('exit', (code) => reject(new Error(`push server exited with ${code}`)))
      this.child.send(message)
    })
  }

  stop(): void {
    this.child.send({ type: 'stop' } satisfies ParentMessage)
  }
}

interface RunResult {
  label: string
  seconds: number
  perSecond: number
  cpuMsPerMessage: number
  peakRssMb: number
  outcomes: Record<string, number>
}

async function measure(
  label: string,
  devices: BenchDevice[],
  concurrency: number,
  send: (device: BenchDevice) => Promise<PushResult>,
): Promise<RunResult> {
  const outcomes: Record<string, number> = {}
  let peakRss = process.memoryUsage.rss()
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss())
  }, 50)
  const cpuBefore = process.cpuUsage()
  const started = process.hrtime.bigint()
  await forEachConcurrent(devices, concurrency, async (device) => {
    const result = await send(device)
    const key = result.outcome.kind === 'delivered' ? 'delivered' : `${result.outcome.kind}: ${result.outcome.reason}`
    outcomes[key] = (outcomes[key] ?? 0) + 1
  })
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const cpu = process.cpuUsage(cpuBefore)
  clearInterval(sampler)
  peakRss = Math.max(peakRss, process.memoryUsage.rss())
  return {
    label,
    seconds,
    perSecond: devices.length / seconds,
    cpuMsPerMessage: (cpu.user + cpu.system) / 1000 / devices.length,
    peakRssMb: peakRss / 1024 / 1024,
    outcomes,
  }
}

function payload(bytes: number): string {
  const base = { title: 'Your order #1001 has shipped', body: 'It is on its way and should arrive on Thursday.', url: '/account/orders/order_01' }
  const filler = Math.max(0, bytes - JSON.stringify({ ...base, data: '' }).length)
  return JSON.stringify({ ...base, data: 'x'.repeat(filler) })
}

function row(r: RunResult): string {
  const outcomes = Object.entries(r.outcomes).map(([k, v]) => `${k}=${v}`).join(' ')
  return `${r.label.padEnd(44)} ${r.perSecond.toFixed(0).padStart(7)} msg/s  ${r.cpuMsPerMessage.toFixed(3)} ms CPU/msg  ${r.seconds.toFixed(1).padStart(5)} s  peak RSS ${r.peakRssMb.toFixed(0)} MB  [${outcomes}]`
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  if (!ensureTrusted()) return
  const keys = generateVapidKeys()
  const vapid = { subject: 'mailto:bench@teststore.dev', ...keys }
  const request: PushRequest = { payload: payload(args.payloadBytes), ttl: 3600, urgency: 'normal' }
  const policy = createEndpointPolicy({ allowLoopback: true })
  out(`node ${process.version}, ${args.n} messages, concurrency ${args.concurrency}, payload ${Buffer.byteLength(request.payload)} bytes`)

  const server = PushServer.start()
  try {
    const setupStarted = Date.now()
    const ready = await server.ask({ type: 'start', n: args.n, vapidPublicKey: keys.publicKey, verifyEvery: args.verifyEvery })
    if (ready.type !== 'ready') throw new Error('push server did not start')
    const which = args.verifyEvery > 1 ? `sampling push services (1 in ${args.verifyEvery} verified and decrypted)` : 'push services (every message verified and decrypted)'
    out(`${which} ready with ${args.n} P-256 subscriptions each in ${((Date.now() - setupStarted) / 1000).toFixed(1)} s`)

    if (args.db) {
      await runDbPath(ready.h2, keys, out)
      return
    }
    const naive = (device: BenchDevice): Promise<PushResult> =>
      webpush
        .sendNotification({ endpoint: device.endpoint, keys: { p256dh: device.p256dh, auth: device.auth } }, request.payload, {
          vapidDetails: vapid,
          TTL: request.ttl,
          urgency: request.urgency,
          contentEncoding: 'aes128gcm',
          timeout: 10_000,
        })
        .then(
          (res): PushResult => ({ outcome: { kind: 'delivered' }, statusCode: res.statusCode }),
          (err: unknown): PushResult => ({ outcome: { kind: 'rejected', reason: String((err as Error).message).slice(0, 80) } }),
        )
    const sender = createPushSender({ vapid, policy, timeoutMs: 10_000, maxConnectionsPerOrigin: args.concurrency })

    const warmup = Math.min(500, args.n)
    await forEachConcurrent(ready.h1.slice(0, warmup), args.concurrency, async (d) => void (await naive(d)))
    await forEachConcurrent(ready.h2.slice(0, warmup), args.concurrency, async (d) => void (await sender.send(d, request)))
    await server.ask({ type: 'stats' })

    const results: RunResult[] = []
    const check = async (result: RunResult, kind: 'h1' | 'h2'): Promise<void> => {
      const stats = await server.ask({ type: 'stats' })
      if (stats.type !== 'stats') throw new Error('no stats')
      const counts: Counts = stats[kind]
      results.push(result)
      out(row(result))
      out(`${''.padEnd(44)} server: ${counts.accepted} accepted, ${counts.verified} verified+decrypted, ${counts.refused} refused${counts.firstRefusal ? ` (${counts.firstRefusal})` : ''}; ${counts.distinctTokens} distinct VAPID JWTs; server CPU ${(counts.serverCpuMs / Math.max(1, counts.accepted)).toFixed(3)} ms/msg`)
      if (counts.accepted !== args.n || counts.refused > 0) process.exitCode = 1
    }
    await check(await measure('(a) web-push sendNotification, HTTP/1.1', ready.h1, args.concurrency, naive), 'h1')
    await check(await measure('(b) createPushSender, HTTP/2', ready.h2, args.concurrency, (d) => sender.send(d, request)), 'h2')
    if (args.h1) {
      await check(await measure('(b) createPushSender, HTTP/1.1 keep-alive', ready.h1, args.concurrency, (d) => sender.send(d, request)), 'h1')
    }
    await sender.close()

    const [a, b] = results
    out('')
    out(`ratio b/a (HTTP/2): ${(b.perSecond / a.perSecond).toFixed(2)}x msg/s (target >= 3x); client CPU ${b.cpuMsPerMessage.toFixed(3)} ms/msg (target <= 0.65)`)
    out(`peak RSS of the client process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`)
  } finally {
    server.stop()
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`)
  process.exitCode = 1
})
