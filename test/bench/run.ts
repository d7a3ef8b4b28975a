/**
 * `npm run bench`: messages/s and client CPU per message of
 *   (a) the naive loop every tutorial uses: web-push `sendNotification` per message, concurrency 50;
 *   (b) the plugin's transport (`createPushSender`): cached VAPID header, node:crypto encryption,
 *       pooled HTTP/2 (and, for reference, HTTP/1.1 keep-alive);
 * in one run, against local HTTPS push services in a separate process (so its CPU is not counted)
 * that verify every VAPID JWT and decrypt every message; then (c) the encryption floor: the same
 * RFC 8291 work (ECDH, HKDF, aes128gcm) for every message with no network, the least CPU per
 * message any client can spend. Where `taskset` (util-linux) exists and there are two cores or
 * more, the push services run pinned to core 1 and this (client) process to core 0, so that the
 * services never take the client's core and the figures measure the client; otherwise a note says
 * so and both share the cores.
 *
 * Options: --n <messages> (20000), --rounds <r> (4: the contenders take turns, n/r messages each a
 * round), --concurrency <c> (50), --payload <bytes> (3072), --no-h1 (skip
 * the reference run of the sender over HTTP/1.1), --verify-every <k> (1: every message is verified
 * and decrypted by the test push service, which then costs ~0.6 ms CPU per message in one process
 * and caps the rate; k > 1: a lighter service that checks one message in k, to measure the client),
 * --db (instead: the full path of a broadcast through a real store and Postgres; see db-path.ts).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process"
import * as os from "node:os"
import * as fs from "node:fs"
import * as path from "node:path"
import webpush from "web-push"
import { forEachConcurrent } from "../../src/core/concurrency/for-each-concurrent"
import { createEndpointPolicy } from "../../src/core/security/endpoint-policy"
import { generateVapidKeys } from "../../src/core/keys/keys"
import type { PushRequest, PushResult } from "../../src/core/transport/push-transport"
import { createPushSender } from "../../src/core/transport/sender"
import { encryptPayload, type ReceiverKeys } from "../../src/core/transport/encrypt"
import { TMP_DIR } from "../support/paths"
import { ensureTestCertificates } from "../support/tls"
import { runDbPath } from "./db-path"
import type { BenchDevice, ChildMessage, Counts, ParentMessage } from "./push-server"

interface Args {
  n: number
  rounds: number
  concurrency: number
  payloadBytes: number
  h1: boolean
  verifyEvery: number
  db: boolean
}

function parseArgs(argv: string[]): Args {
  const args: Args = { n: 20_000, rounds: 4, concurrency: 50, payloadBytes: 3072, h1: true, verifyEvery: 1, db: false }
  for (let i = 0; i < argv.length; i += 1) {
    const value = (): number => {
      const parsed = Number(argv[++i])
      if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`${argv[i - 1]} needs a positive whole number`)
      return parsed
    }
    if (argv[i] === "--n") args.n = value()
    else if (argv[i] === "--rounds") args.rounds = value()
    else if (argv[i] === "--concurrency") args.concurrency = value()
    else if (argv[i] === "--payload") args.payloadBytes = value()
    else if (argv[i] === "--no-h1") args.h1 = false
    else if (argv[i] === "--verify-every") args.verifyEvery = value()
    else if (argv[i] === "--db") args.db = true
    else throw new Error(`unknown option ${argv[i]}`)
  }
  return args
}

function out(line: string): void {
  process.stdout.write(`${line}\n`)
}

/** web-push uses node:https, which trusts extra CAs only through NODE_EXTRA_CA_CERTS read at start-up. */
function ensureTrusted(): boolean {
  const { caPath } = ensureTestCertificates(path.join(TMP_DIR, "certs"))
  const ca = fs.readFileSync(caPath, "utf8").trim()
  const extra = process.env.NODE_EXTRA_CA_CERTS
  if (extra && fs.existsSync(extra) && fs.readFileSync(extra, "utf8").includes(ca)) return true
  const bundle = path.join(TMP_DIR, "certs", "bench-trust-bundle.pem")
  const inherited = extra && fs.existsSync(extra) ? fs.readFileSync(extra, "utf8") : ""
  fs.writeFileSync(bundle, `${inherited.trimEnd()}\n${ca}\n`)
  const result = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, NODE_EXTRA_CA_CERTS: bundle },
  })
  process.exitCode = result.status ?? 1
  return false
}

class PushServer {
  private readonly waiting: Array<(message: ChildMessage) => void> = []
  private constructor(private readonly child: ChildProcess) {
    child.on("message", (message: ChildMessage) => this.waiting.shift()?.(message))
  }

  /** `core`: run the push services pinned to that CPU core (through `taskset`, from their first instruction). */
  static start(core: number | undefined): PushServer {
    const node = [process.execPath, "--import", "tsx", path.join(__dirname, "push-server.ts")]
    const [command, ...args] = core === undefined ? node : ["taskset", "--cpu-list", String(core), ...node]
    return new PushServer(spawn(command, args, { stdio: ["inherit", "inherit", "inherit", "ipc"] }))
  }

  ask(message: ParentMessage): Promise<ChildMessage> {
    return new Promise((resolve, reject) => {
      this.waiting.push(resolve)
      this.child.once("exit", (code) => reject(new Error(`push server exited with ${code}`)))
      this.child.send(message)
    })
  }

  stop(): void {
    this.child.send({ type: "stop" } satisfies ParentMessage)
  }
}

interface RunResult {
  label: string
  seconds: number
  perSecond: number
  cpuMsPerMessage: number
  /** The part of `cpuMsPerMessage` spent in the kernel (system calls: sockets, memory). */
  sysMsPerMessage: number
  peakRssMb: number
  outcomes: Record<string, number>
}

const collectGarbage = (globalThis as { gc?: () => void }).gc ?? ((): void => undefined)

async function measure(
  label: string,
  devices: BenchDevice[],
  concurrency: number,
  send: (device: BenchDevice) => Promise<PushResult>
): Promise<RunResult> {
  const outcomes: Record<string, number> = {}
  let peakRss = process.memoryUsage.rss()
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss())
  }, 50)
  // Whatever the previous contender left on the heap is collected before this one is timed, so
  // that no one pays for another's garbage (`npm run bench` runs node with --expose-gc).
  collectGarbage()
  const cpuBefore = process.cpuUsage()
  const started = process.hrtime.bigint()
  await forEachConcurrent(devices, concurrency, async (device) => {
    const result = await send(device)
    const key = result.outcome.kind === "delivered" ? "delivered" : `${result.outcome.kind}: ${result.outcome.reason}`
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
    sysMsPerMessage: cpu.system / 1000 / devices.length,
    peakRssMb: peakRss / 1024 / 1024,
    outcomes,
  }
}

/** One contender's figures over all its rounds: times and CPU added up, the largest peak RSS kept. */
function combine(parts: RunResult[]): RunResult {
  const seconds = parts.reduce((sum, r) => sum + r.seconds, 0)
  const messages = parts.reduce((sum, r) => sum + r.perSecond * r.seconds, 0)
  const cpuMs = parts.reduce((sum, r) => sum + r.cpuMsPerMessage * r.perSecond * r.seconds, 0)
  const sysMs = parts.reduce((sum, r) => sum + r.sysMsPerMessage * r.perSecond * r.seconds, 0)
  const outcomes: Record<string, number> = {}
  for (const part of parts) for (const [k, v] of Object.entries(part.outcomes)) outcomes[k] = (outcomes[k] ?? 0) + v
  return {
    label: parts[0].label,
    seconds,
    perSecond: messages / seconds,
    cpuMsPerMessage: cpuMs / messages,
    sysMsPerMessage: sysMs / messages,
    peakRssMb: Math.max(...parts.map((r) => r.peakRssMb)),
    outcomes,
  }
}

/** `devices` cut into `rounds` slices of (nearly) equal size, in order. */
function slices(devices: BenchDevice[], rounds: number): BenchDevice[][] {
  const size = Math.ceil(devices.length / rounds)
  return Array.from({ length: Math.ceil(devices.length / size) }, (_, i) => devices.slice(i * size, (i + 1) * size))
}

function payload(bytes: number): string {
  const base = {
    title: "Your order #1001 has shipped",
    body: "It is on its way and should arrive on Thursday.",
    url: "/account/orders/order_01",
  }
  const filler = Math.max(0, bytes - JSON.stringify({ ...base, data: "" }).length)
  return JSON.stringify({ ...base, data: "x".repeat(filler) })
}

function row(r: RunResult): string {
  const outcomes = Object.entries(r.outcomes)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ")
  return `${r.label.padEnd(44)} ${r.perSecond.toFixed(0).padStart(7)} msg/s  ${r.cpuMsPerMessage.toFixed(3)} ms CPU/msg (sys ${r.sysMsPerMessage.toFixed(3)})  ${r.seconds.toFixed(1).padStart(5)} s  peak RSS ${r.peakRssMb.toFixed(0)} MB  [${outcomes}]`
}

const CORES = os.availableParallelism()
const loadAverage = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")

/** The push services' core and this process's, when `taskset` can pin them; otherwise why not. */
function pinCores(): { serverCore: number; clientCore: number } | { note: string } {
  if (CORES < 2) return { note: "one CPU core only: the push services share it with the client" }
  if (spawnSync("taskset", ["--version"]).status !== 0) {
    return {
      note: "taskset (util-linux) not found: the push services share the cores with the client, so the client figures include contention",
    }
  }
  // Every thread of this process (-a), including V8's and the loader's, goes to core 0.
  const self = spawnSync("taskset", ["--all-tasks", "--cpu-list", "--pid", "0", String(process.pid)])
  if (self.status !== 0) return { note: `taskset could not pin this process (${String(self.stderr).trim()}): cores shared` }
  return { serverCore: 1, clientCore: 0 }
}

/** CPU per message of the encryption alone (fresh ECDH key, HKDF, aes128gcm per message; no network). */
function encryptionFloor(devices: BenchDevice[], plaintext: Buffer): RunResult {
  const keys: ReceiverKeys[] = devices.map((d) => ({ p256dh: Buffer.from(d.p256dh, "base64url"), auth: Buffer.from(d.auth, "base64url") }))
  collectGarbage()
  const cpuBefore = process.cpuUsage()
  const started = process.hrtime.bigint()
  for (const receiver of keys) encryptPayload(plaintext, receiver)
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const cpu = process.cpuUsage(cpuBefore)
  return {
    label: "(c) encryption alone (the floor), no network",
    seconds,
    perSecond: keys.length / seconds,
    cpuMsPerMessage: (cpu.user + cpu.system) / 1000 / keys.length,
    sysMsPerMessage: cpu.system / 1000 / keys.length,
    peakRssMb: process.memoryUsage.rss() / 1024 / 1024,
    outcomes: { encrypted: keys.length },
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  if (!ensureTrusted()) return
  const keys = generateVapidKeys()
  const vapid = { subject: "mailto:bench@teststore.dev", ...keys }
  const request: PushRequest = { payload: payload(args.payloadBytes), ttl: 3600, urgency: "normal" }
  const policy = createEndpointPolicy({ allowLoopback: true })
  out(`node ${process.version}, ${args.n} messages, concurrency ${args.concurrency}, payload ${Buffer.byteLength(request.payload)} bytes`)

  // The --db path measures the whole store on shared cores: no pinning there.
  const pinned = args.db ? { note: "" } : pinCores()
  if ("note" in pinned) {
    if (pinned.note) out(`note: ${pinned.note}`)
  } else {
    out(`cores: push services pinned to core ${pinned.serverCore}, this client process to core ${pinned.clientCore} (taskset)`)
  }
  out(`load average at start: ${loadAverage()} (${CORES} cores)`)
  const server = PushServer.start("serverCore" in pinned ? pinned.serverCore : undefined)
  try {
    const setupStarted = Date.now()
    const ready = await server.ask({ type: "start", n: args.n, vapidPublicKey: keys.publicKey, verifyEvery: args.verifyEvery })
    if (ready.type !== "ready") throw new Error("push server did not start")
    const which =
      args.verifyEvery > 1
        ? `sampling push services (1 in ${args.verifyEvery} verified and decrypted)`
        : "push services (every message verified and decrypted)"
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
          contentEncoding: "aes128gcm",
          timeout: 10_000,
        })
        .then(
          (res): PushResult => ({ outcome: { kind: "delivered" }, statusCode: res.statusCode }),
          (err: unknown): PushResult => ({ outcome: { kind: "rejected", reason: String((err as Error).message).slice(0, 80) } })
        )
    const sender = createPushSender({ vapid, policy, timeoutMs: 10_000, maxConnectionsPerOrigin: args.concurrency })

    const warmup = Math.min(500, args.n)
    await forEachConcurrent(ready.h1.slice(0, warmup), args.concurrency, async (d) => void (await naive(d)))
    await forEachConcurrent(ready.h2.slice(0, warmup), args.concurrency, async (d) => void (await sender.send(d, request)))
    await server.ask({ type: "stats" })

    // The contenders take turns, a slice each per round, each round in a new order, so that a
    // machine whose speed drifts during the run (other work, a neighbour on the host) weighs on
    // all of them alike instead of on whichever ran while it was slow.
    const contenders: Array<{ label: string; kind: "h1" | "h2"; send: (device: BenchDevice) => Promise<PushResult> }> = [
      { label: "(a) web-push sendNotification, HTTP/1.1", kind: "h1", send: naive },
      { label: "(b) createPushSender, HTTP/2", kind: "h2", send: (d) => sender.send(d, request) },
    ]
    if (args.h1) contenders.push({ label: "(b) createPushSender, HTTP/1.1 keep-alive", kind: "h1", send: (d) => sender.send(d, request) })
    const parts = contenders.map((c) => ({ ...c, slices: slices(ready[c.kind], args.rounds), done: [] as RunResult[] }))
    for (let round = 0; round < args.rounds; round += 1) {
      for (let k = 0; k < parts.length; k += 1) {
        const part = parts[(k + round) % parts.length]
        const devices = part.slices[round]
        if (devices) part.done.push(await measure(part.label, devices, args.concurrency, part.send))
      }
    }
    const results = parts.map((part) => combine(part.done))
    out(`${args.rounds} rounds, the contenders taking turns (${Math.ceil(args.n / args.rounds)} messages each per round)`)
    for (const result of results) out(row(result))
    const stats = await server.ask({ type: "stats" })
    if (stats.type !== "stats") throw new Error("no stats")
    for (const kind of ["h1", "h2"] as const) {
      const counts: Counts = stats[kind]
      const expected = args.n * parts.filter((part) => part.kind === kind).length
      out(
        `push service ${kind}: ${counts.accepted} accepted of ${expected}, ${counts.verified} verified+decrypted, ${counts.refused} refused${counts.firstRefusal ? ` (${counts.firstRefusal})` : ""}; ${counts.distinctTokens} distinct VAPID JWTs`
      )
      if (counts.accepted !== expected || counts.refused > 0) process.exitCode = 1
    }
    out(`push services' CPU: ${(stats.h1.serverCpuMs / (args.n * parts.length)).toFixed(3)} ms per message`)
    await sender.close()
    const floor = encryptionFloor(ready.h2, Buffer.from(request.payload, "utf8"))
    out(row(floor))

    const [a, b, h1] = results
    const versus = (r: RunResult): string =>
      `${r.cpuMsPerMessage.toFixed(3)} ms/msg, naive/plugin ${(a.cpuMsPerMessage / r.cpuMsPerMessage).toFixed(2)}x, ${(r.cpuMsPerMessage / floor.cpuMsPerMessage).toFixed(2)}x the floor`
    out("")
    out(`client CPU per message: naive ${a.cpuMsPerMessage.toFixed(3)} ms; plugin HTTP/2 ${versus(b)} (target naive/plugin >= 3x)`)
    if (h1) out(`                        plugin HTTP/1.1 ${versus(h1)}`)
    out(`                        encryption floor ${floor.cpuMsPerMessage.toFixed(3)} ms`)
    out(
      `throughput: naive ${a.perSecond.toFixed(0)} msg/s; plugin HTTP/2 ${b.perSecond.toFixed(0)} msg/s (plugin/naive ${(b.perSecond / a.perSecond).toFixed(2)}x)` +
        (h1 ? `; plugin HTTP/1.1 ${h1.perSecond.toFixed(0)} msg/s (plugin/naive ${(h1.perSecond / a.perSecond).toFixed(2)}x)` : "")
    )
    if (args.verifyEvery === 1) {
      out(
        "(the push services verify and decrypt every message, ~0.6 ms of CPU each: they cap the throughput, not the client CPU per message)"
      )
    }
    out(`load average at end: ${loadAverage()}`)
    out(`peak RSS of the client process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`)
  } finally {
    server.stop()
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`)
  process.exitCode = 1
})
