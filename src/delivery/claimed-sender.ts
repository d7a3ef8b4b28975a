import type { EngineClock } from "../core/delivery/clock"
import { capFor, capSkipReason, deviceEffect, deviceUpdates, FREQUENCY_CAP_DAYS, RetireRule } from "../core/delivery/device-rules"
import { OriginGate, PausedOrigin, PauseStore } from "../core/delivery/origin-gate"
import { DELIVERY, DELIVERY_SQL } from "../core/delivery/statuses"
import { AttemptRecord, pausedRecord, recordFor, RetryPolicy, skippedRecord } from "../core/delivery/transitions"
import { forEachConcurrent } from "../core/concurrency/for-each-concurrent"
import { describeError, PayloadTooLargeError } from "../core/errors/plugin-errors"
import type { Urgency } from "../core/catalogue/event-types"
import type { DeliveryOutcome } from "../core/transport/outcome"
import { endpointOrigin, outcomeForDevice, PauseRule } from "../core/delivery/outcome-signal"
import type { PushRequest, PushResult, PushTarget } from "../core/transport/push-transport"
import type { ResolvedPreferences } from "../core/options/preference-options"
import { endpointHash } from "../core/security/redact"
import type { PushMessage } from "../models/push-message"
import { ClaimedDelivery, renewLeases } from "./claims"
import { devicePayload, PayloadOptions } from "./device-payload"
import type { Db } from "./db"
import { recordOutcomes } from "./outcomes"
import { CART_DONE_REASON, staleCartReminders } from "./stale-reminders"

/** What the sender needs of the options. */
export interface SenderOptions extends RetryPolicy, RetireRule, PayloadOptions {
  readonly leaseMs: number
  readonly concurrency: number
  readonly preferences: Pick<ResolvedPreferences, "defaultLocale" | "frequencyCaps">
  readonly pushServicePause: PauseRule
}

/** The narrow parts of the engine the sender works with (the plugin's services fit them). */
export interface ClaimedSenderDeps {
  db: Db
  logger: { warn(message: string): void }
  options: SenderOptions
  clock: Pick<EngineClock, "now">
  /** Sends one request to one device; never throws. */
  transport: { send(target: PushTarget, request: PushRequest): Promise<PushResult> }
  /** The devices' removal when gone, and retiring (outcomes and failure runs are stored by `recordOutcomes`). */
  devices: {
    removeGone(subscriptionId: string, endpoint: string): Promise<unknown>
    retireFailing(ids: string[], rule: RetireRule, now: Date): Promise<number>
  }
  /** Paused push services, shared by every instance. */
  health: PauseStore & { snapshot(): Promise<ReadonlyMap<string, PausedOrigin>> }
}

/** At most this many outcomes per write. */
const RECORD_CHUNK = 200

/** How long a write waits for more outcomes while sends are under way. */
const GATHER_MS = 50

interface StoredResult {
  record: AttemptRecord
  delivery: ClaimedDelivery
  outcome: DeliveryOutcome
  /** Kept for the end of its push service's pause (no attempt counted, the device not blamed). */
  paused?: boolean
}

/**
 * Sends deliveries the dispatcher claimed and stores what happened to each: the outcome, the next
 * attempt time of a retry, a gone device removed, the device's success and failure counters.
 */
export class ClaimedSender {
  constructor(private readonly deps_: ClaimedSenderDeps) {}

  private get options(): SenderOptions {
    return this.deps_.options
  }

  private query<T>(sql: string, params: unknown[]): Promise<T> {
    return this.deps_.db.query<T>(sql, params)
  }

  /**
   * Sends claimed deliveries (the web-push service caps requests in flight). Outcomes are stored
   * as they come, group-commit style: while one write is under way the next results gather, so
   * a crash leaves only the requests in flight in doubt. Leases of the deliveries not yet stored
   * (and of the batch) are renewed meanwhile, so no other instance takes over live work.
   */
  async send(claimed: ClaimedDelivery[], messages: Map<string, PushMessage>, batchId?: string): Promise<void> {
    const open = new Set(claimed.map((c) => c.id))
    const heartbeat = setInterval(
      () => {
        renewLeases(this.deps_.db, [...open], batchId, this.options.leaseMs, this.now()).catch((err: unknown) =>
          this.deps_.logger.warn(`web-push: lease renewal failed: ${describeError(err)}`)
        )
      },
      Math.max(250, Math.floor(this.options.leaseMs / 3))
    )
    heartbeat.unref()

    const buffer: StoredResult[] = []
    let writing: Promise<void> | undefined
    // Until the sends are over, a write waits up to GATHER_MS for a full chunk: one statement (and
    // one commit) stores many outcomes instead of a few.
    let flushing = false
    let wake: (() => void) | undefined
    const gather = (): Promise<void> =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, GATHER_MS)
        wake = () => {
          clearTimeout(timer)
          resolve()
        }
      }).finally(() => {
        wake = undefined
      })
    const write = (): void => {
      if (writing || !buffer.length) return
      writing = (async () => {
        while (buffer.length) {
          if (!flushing && buffer.length < RECORD_CHUNK) await gather()
          const chunk = buffer.splice(0, RECORD_CHUNK)
          await this.store(chunk)
          for (const r of chunk) open.delete(r.delivery.id)
        }
      })().finally(() => {
        writing = undefined
      })
    }
    const keep = (result: StoredResult): void => {
      buffer.push(result)
      if (buffer.length >= RECORD_CHUNK) wake?.()
      write()
    }
    try {
      const capped = await this.overCap(claimed, messages)
      const stale = await staleCartReminders(this.deps_.db, messages.values())
      const gate = new OriginGate(await this.deps_.health.snapshot(), this.options.pushServicePause, this.deps_.health, () => this.now())
      await forEachConcurrent(claimed, this.options.concurrency, async (delivery) => {
        const message = messages.get(delivery.message_id)
        const cap = stale.has(delivery.message_id) ? CART_DONE_REASON : capped.get(delivery.id)
        if (cap !== undefined) {
          keep({ record: skippedRecord(delivery, cap, this.now()), delivery, outcome: { kind: "rejected", reason: cap } })
          return
        }
        if (!message) {
          const result: PushResult = { outcome: { kind: "rejected", reason: "message_missing" } }
          keep({ record: recordFor(delivery, result, this.options, this.now()), delivery, outcome: result.outcome })
          return
        }
        await this.sendThroughGate(gate, message, delivery, keep)
      })
      gate.flush()
      flushing = true
      wake?.()
      while (writing || buffer.length) {
        await writing
        write()
      }
    } finally {
      clearInterval(heartbeat)
    }
  }

  private now(): Date {
    return this.deps_.clock.now()
  }

  /**
   * Frequency caps, applied at send time: deliveries to devices that already got the cap of this
   * category in the last 7 days are skipped, with the reason recorded.
   */
  private async overCap(claimed: ClaimedDelivery[], messages: Map<string, PushMessage>): Promise<Map<string, string>> {
    const skips = new Map<string, string>()
    for (const message of messages.values()) {
      const cap = capFor(message.category, this.options.preferences.frequencyCaps)
      if (cap === undefined || message.category === null) continue
      const category = message.category
      const mine = claimed.filter((c) => c.message_id === message.id)
      const counts = await this.query<Array<{ subscription_id: string; n: number }>>(
        `SELECT d."subscription_id", count(*)::int AS n
         FROM "push_delivery" d JOIN "push_message" m ON m."id" = d."message_id"
         WHERE d."subscription_id" = ANY($1) AND m."category" = $2 AND m."id" <> $3
           AND d."status" = ${DELIVERY_SQL.delivered} AND d."delivered_at" > $4::timestamptz - $5 * interval '1 day'
         GROUP BY d."subscription_id"`,
        [mine.map((c) => c.subscription_id), category, message.id, this.now(), FREQUENCY_CAP_DAYS]
      )
      const delivered = new Map(counts.map((c) => [c.subscription_id, c.n]))
      for (const c of mine) {
        const reason = capSkipReason(category, cap, delivered.get(c.subscription_id) ?? 0)
        if (reason !== undefined) skips.set(c.id, reason)
      }
    }
    return skips
  }

  /**
   * Sends one delivery unless its push service is paused (then it waits for the pause's end, unsent,
   * uncounted the first time); the gate decides whether its outcome pauses the service.
   */
  private async sendThroughGate(
    gate: OriginGate,
    message: PushMessage,
    delivery: ClaimedDelivery,
    keep: (r: StoredResult) => void
  ): Promise<void> {
    const origin = endpointOrigin(delivery.endpoint) ?? "invalid:"
    const admission = await gate.admit(origin, delivery.proven)
    if (!admission.send) {
      const outcome: DeliveryOutcome = { kind: "retry", reason: "push_service_paused" }
      keep({ record: pausedRecord(delivery, admission.pausedUntil, this.options, this.now()), delivery, outcome, paused: true })
      return
    }
    try {
      const sent = await this.sendOne(message, delivery)
      const result: PushResult = { ...sent, outcome: outcomeForDevice(sent.outcome, delivery.proven) }
      await gate.settle(origin, result.outcome, result.statusCode, admission.probe, delivery.proven, (pausedUntil) => {
        keep(
          pausedUntil
            ? {
                record: pausedRecord(delivery, pausedUntil, this.options, this.now(), result),
                delivery,
                outcome: result.outcome,
                paused: true,
              }
            : { record: recordFor(delivery, result, this.options, this.now()), delivery, outcome: result.outcome }
        )
      })
    } finally {
      if (admission.probe) gate.endProbe(origin)
    }
  }

  private async sendOne(message: PushMessage, delivery: ClaimedDelivery): Promise<PushResult> {
    let payload: string
    try {
      payload = devicePayload(message, delivery, this.options)
    } catch (err) {
      if (err instanceof PayloadTooLargeError) return { outcome: { kind: "rejected", reason: "payload_too_large" } }
      throw err
    }
    return this.deps_.transport.send(delivery, {
      payload,
      ttl: message.ttl,
      urgency: message.urgency as Urgency,
      topic: message.topic ?? undefined,
    })
  }

  /**
   * Stores outcomes; a gone device is removed (matched on id and endpoint: a fresh re-subscribe
   * survives); only failures that point at the device (`signalOf`) count towards retiring it.
   */
  private async store(results: StoredResult[]): Promise<void> {
    if (!results.length) return
    const { devices, logger } = this.deps_
    const delivered: string[] = []
    const deviceFaults: string[] = []
    const gone: ClaimedDelivery[] = []
    for (const { delivery, outcome, record, paused } of results) {
      // A pause is logged once, by the instance that took it; a paused delivery says nothing of its device.
      if (record.status === DELIVERY.skipped || paused) continue
      const effect = deviceEffect(outcome)
      if (effect === "success") {
        delivered.push(delivery.subscription_id)
        continue
      }
      logger.warn(`web-push: delivery ${delivery.id} to device ${endpointHash(delivery.endpoint)}: ${record.status} (${record.error})`)
      if (effect === "remove") gone.push(delivery)
      else if (effect === "fault") deviceFaults.push(delivery.subscription_id)
    }
    const now = this.now()
    await recordOutcomes(
      this.deps_.db,
      results.map((r) => r.record),
      deviceUpdates(delivered, deviceFaults),
      now
    )
    for (const delivery of gone) await devices.removeGone(delivery.subscription_id, delivery.endpoint)
    if (deviceFaults.length) {
      const retired = await devices.retireFailing(deviceFaults, this.options, now)
      if (retired) logger.warn(`web-push: ${retired} device(s) retired after failures that point at them`)
    }
  }
}
