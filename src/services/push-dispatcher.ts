import { generateEntityId, Logger } from "@medusajs/medusa"
import { hostname } from "node:os"
import type { EntityManager } from "typeorm"
import { backoffDelayMs } from "../core/delivery/backoff"
import { audienceOf } from "../core/delivery/audience"
import { MESSAGE_SQL } from "../core/delivery/statuses"
import { audienceCondition } from "../delivery/audience-sql"
import { AudienceRange, claimBatch, claimDue, createAndClaimRange, finishBatch, staleBatches } from "../delivery/claims"
import { ClaimedSender } from "../delivery/claimed-sender"
import type { PushMessage } from "../models/push-message"
import type PushMessageService from "./push-message"
import type PushServiceHealthService from "./push-service-health"
import type PushSubscriptionService from "./push-subscription"
import type { EngineClock } from "../core/delivery/clock"
import type { ResolvedOptions } from "../core/options/plugin-options"
import type { BatchSlots } from "../delivery/batch-slots"
import type { FanoutFault } from "../delivery/fanout-fault"
import type WebPushService from "./web-push"
import type PushCartReminderService from "./push-cart-reminder"
import { describeError } from "../core/errors/plugin-errors"

type Dependencies = {
  manager: EntityManager
  logger: Logger
  eventBusService: BatchBus
  /** The event bus module itself (local or Redis); registered by Medusa 1.20 under this name. */
  eventBusModuleService?: BatchBus
  webPushService: WebPushService
  webPushOptions: ResolvedOptions
  webPushClock: EngineClock
  webPushBatchSlots: BatchSlots
  webPushFanoutFault: FanoutFault
  pushMessageService: PushMessageService
  pushSubscriptionService: PushSubscriptionService
  pushServiceHealthService: PushServiceHealthService
  pushCartReminderService: PushCartReminderService
}

/** What emits the batch jobs. */
interface BatchBus {
  emit(events: Array<{ eventName: string; data: unknown }>): Promise<unknown>
}

/** What a failed fan-out records and logs: the error described as every log line does (never a foreign error's text). */
function fanoutFailure(err: unknown): string {
  return `fanout_failed: ${describeError(err)}`
}

/** Event whose jobs carry one batch of a large audience; any instance of the store may take one. */
export const BATCH_EVENT = "web_push.batch"

/** Names this process in the batches it takes (which instance did what, after a crash or under load). */
const INSTANCE = `${hostname()}:${process.pid}`

/**
 * The delivery engine: fans a message out to its audience (inline when small, else in batches
 * claimed by any instance), sends through the web-push service, stores every outcome, and takes
 * over due retries and the work of crashed instances (leases). No network call happens inside a
 * database transaction.
 */
export default class PushDispatcherService {
  private readonly deps_: Dependencies
  private readonly sender: ClaimedSender

  constructor(deps: Dependencies) {
    this.deps_ = deps
    this.sender = new ClaimedSender({
      db: deps.manager,
      logger: deps.logger,
      options: deps.webPushOptions,
      clock: deps.webPushClock,
      transport: deps.webPushService,
      devices: deps.pushSubscriptionService,
      health: deps.pushServiceHealthService,
    })
  }

  private get options() {
    return this.deps_.webPushOptions
  }

  private query<T>(sql: string, params: unknown[]): Promise<T> {
    return this.deps_.manager.query(sql, params)
  }

  private now(): Date {
    return this.deps_.webPushClock.now()
  }

  /**
   * Messages scheduled (`send_at`) whose time has come start now, each taken by one instance with
   * a fan-out lease: one that fails, or a crash, leaves it to `resumeUnsent`, not `sending` forever.
   */
  private async startScheduledMessages(now: Date): Promise<void> {
    const [due] = await this.query<[PushMessage[], number]>(
      `UPDATE "push_message" SET "status" = ${MESSAGE_SQL.sending}, "updated_at" = now(),
         "fanout_until" = $1::timestamptz + $2 * interval '1 millisecond', "fanout_attempts" = "fanout_attempts" + 1
       WHERE "id" IN (SELECT "id" FROM "push_message" WHERE "status" = ${MESSAGE_SQL.scheduled} AND "send_at" <= $1
                      ORDER BY "send_at" LIMIT 5 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [now, this.options.leaseMs]
    )
    await this.dispatchEach(due)
  }

  /** Messages recorded but never fanned out (a crash, a failed fan-out) whose lease has passed start again. */
  private async resumeUnsent(now: Date): Promise<void> {
    await this.dispatchEach(await this.deps_.pushMessageService.claimUnsent(now, 5))
  }

  /**
   * A redelivered event found its message already recorded: if that message was never fanned
   * out (and no instance holds it), fan it out now. Idempotent: deliveries are unique per device.
   */
  async resumeByKey(idempotencyKey: string): Promise<void> {
    const [message] = await this.deps_.pushMessageService.claimUnsent(this.now(), 1, idempotencyKey)
    if (message) await this.dispatch(message)
  }

  /** Fans out each message; one failing (recorded on it, retried later) never stops the others. */
  private async dispatchEach(messages: PushMessage[]): Promise<void> {
    for (const message of messages) {
      await this.dispatch(message).catch((err: unknown) => {
        this.deps_.logger.error(`web-push: fan-out of message ${message.id} failed: ${fanoutFailure(err)}`)
      })
    }
  }

  /**
   * Sends a freshly recorded (or resumed) message to its audience; returns it with its counts. A
   * failure is recorded on the message (`last_error`) and rethrown; the message is fanned out again
   * after a backoff, or ends `failed` after `max_attempts` fan-outs.
   */
  async dispatch(message: PushMessage): Promise<PushMessage> {
    try {
      await this.deps_.webPushFanoutFault.run(message) // tests only (see FanoutFault)
      return await this.fanOut(message)
    } catch (err) {
      const attempts = Math.max(1, message.fanout_attempts ?? 1)
      const retryAt = new Date(this.now().getTime() + backoffDelayMs(attempts, { baseMs: this.options.retryBaseMs }))
      await this.deps_.pushMessageService
        .recordFanoutFailure(message.id, fanoutFailure(err), retryAt, this.options.maxAttempts)
        .catch(() => undefined) // the lease taken when it was recorded brings it back anyway
      throw err
    }
  }

  private async fanOut(message: PushMessage): Promise<PushMessage> {
    await this.deps_.pushSubscriptionService.removeDepartedAdmins(audienceOf(message)) // admins deleted since they subscribed
    const { sql, params } = audienceCondition(audienceOf(message), 1)
    const [{ total }] = await this.query<Array<{ total: number }>>(
      `SELECT count(*)::int AS total FROM "push_subscription" s WHERE ${sql}`,
      params
    )
    await this.deps_.pushMessageService.setTargetCount(message.id, total)
    if (total <= this.options.batchSize) {
      await this.sendRange(message, { after: null, last: null })
    } else {
      const batchIds = await this.createBatches(message)
      await this.batchBus().emit(batchIds.map((id) => ({ eventName: BATCH_EVENT, data: { batch_id: id } })))
    }
    return (await this.deps_.pushMessageService.refreshCounts(message.id)) ?? message
  }

  /**
   * Where batch jobs go: straight to the event bus module (each instance's worker takes them at
   * once), not through Medusa's event bus service, which stages every event in the database and
   * hands it over up to 3 s later. The batches are rows of their own (`push_batch`): one whose job
   * is lost is taken over by the poller, so the staging adds nothing but delay.
   */
  private batchBus(): BatchBus {
    try {
      return this.deps_.eventBusModuleService ?? this.deps_.eventBusService
    } catch {
      return this.deps_.eventBusService // no module registered under that name
    }
  }

  /** Splits the audience into ranges of `batch_size` subscription ids (one query, no ids held but the bounds). */
  private async createBatches(message: PushMessage): Promise<string[]> {
    const { sql, params } = audienceCondition(audienceOf(message), 1)
    const bounds = await this.query<Array<{ id: string }>>(
      `SELECT "id" FROM (
         SELECT s."id", row_number() OVER (ORDER BY s."id") AS n, count(*) OVER () AS total
         FROM "push_subscription" s WHERE ${sql}) t
       WHERE t.n % $${params.length + 1} = 0 OR t.n = t.total
       ORDER BY "id"`,
      [...params, this.options.batchSize]
    )
    const ids = bounds.map(() => generateEntityId(undefined, "pushbat"))
    await this.query(
      // created_at from the plugin's clock, not the database's: the poller takes over a batch left
      // pending for longer than a lease by comparing it with that same clock.
      `INSERT INTO "push_batch" ("id", "message_id", "after_subscription_id", "last_subscription_id", "created_at")
       SELECT b.id, $1, b.after_id, b.last_id, $5 FROM unnest($2::text[], $3::text[], $4::text[]) AS b(id, after_id, last_id)`,
      [message.id, ids, [null, ...bounds.slice(0, -1).map((b) => b.id)], bounds.map((b) => b.id), this.now()]
    )
    return ids
  }

  /** Takes one batch (unless another instance holds it) and sends it; at most two at once per process. */
  processBatch(batchId: string): Promise<void> {
    return this.deps_.webPushBatchSlots.run(() => this.runBatch(batchId))
  }

  private async runBatch(batchId: string): Promise<void> {
    const batch = await claimBatch(this.deps_.manager, batchId, INSTANCE, this.options.leaseMs, this.now())
    if (!batch) return
    const message = await this.deps_.pushMessageService.retrieve(batch.message_id)
    const range = { after: batch.after_subscription_id, last: batch.last_subscription_id }
    if (message) await this.sendRange(message, range, batchId)
    await finishBatch(this.deps_.manager, batchId)
    if (message) await this.deps_.pushMessageService.refreshCounts(message.id)
  }

  /**
   * Creates the deliveries of one range of the audience (a device already addressed is skipped),
   * claims those not already claimed elsewhere, and sends them.
   */
  private async sendRange(message: PushMessage, range: AudienceRange, batchId?: string): Promise<void> {
    const policy = { leaseMs: this.options.leaseMs, hold: this.options.preferences }
    const claimed = await createAndClaimRange(this.deps_.manager, message, range, policy, this.now())
    await this.sender.send(claimed, new Map([[message.id, message]]), batchId)
  }

  /**
   * Takes over deliveries that are due: retries whose time has come, and deliveries or batches
   * whose lease ran out (their instance crashed). Returns how many deliveries it sent. Open
   * deliveries no device can take any more (removed, a departed admin's, an expired guest's) are
   * closed first, so they never fill the claim.
   */
  async processDue(limit = 200): Promise<number> {
    const now = this.now()
    await this.deps_.pushSubscriptionService.removeDepartedAdmins({ kind: "admin", category: "" })
    await this.deps_.pushMessageService.closeUnreachable(now)
    await this.startScheduledMessages(now)
    await this.deps_.pushCartReminderService.processDue(now) // abandoned-cart reminders whose step is due
    await this.resumeUnsent(now)
    for (const batchId of await staleBatches(this.deps_.manager, this.options.leaseMs, now)) await this.processBatch(batchId)

    const claimed = await claimDue(this.deps_.manager, limit, this.options.leaseMs, now)
    if (!claimed.length) return 0
    const messages = new Map<string, PushMessage>()
    for (const id of new Set(claimed.map((c) => c.message_id))) {
      const message = await this.deps_.pushMessageService.retrieve(id)
      if (message) messages.set(id, message)
    }
    await this.sender.send(claimed, messages)
    for (const id of messages.keys()) await this.deps_.pushMessageService.refreshCounts(id)
    return claimed.length
  }
}
