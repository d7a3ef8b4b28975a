import type { EventBusService, Logger, MedusaContainer } from "@medusajs/medusa"
import { EngineClock } from "../core/delivery/clock"
import { describeError, PluginOptionsError } from "../core/errors/plugin-errors"
import { eventNames } from "../core/catalogue/event-rules"
import { assertSupportedNode } from "../core/options/runtime"
import { resolveOptions, ResolvedOptions, WebPushPluginOptions } from "../core/options/plugin-options"
import { BatchSlots } from "../delivery/batch-slots"
import { FanoutFault } from "../delivery/fanout-fault"
import { RetryPoller } from "../delivery/retry-poller"
import { BATCH_EVENT } from "../services/push-dispatcher"
import type PushDispatcherService from "../services/push-dispatcher"
import type PushNotificationService from "../services/push-notification"
import type PushProductAlertSenderService from "../services/push-product-alert-sender"
import { ATTRIBUTION_EVENT } from "../services/push-attribution"
import type PushAttributionService from "../services/push-attribution"
import type PushCartReminderService from "../services/push-cart-reminder"
import { INVENTORY_EVENTS } from "../services/push-variant-stock"

/** Medusa's event when a variant changes (`{ id, product_id, fields }`): stock and prices among them. */
const VARIANT_UPDATED = "product-variant.updated"

/** Medusa 1.20's CartService events: any change to a cart is activity for its reminders. */
const CART_ACTIVITY_EVENTS = ["cart.created", "cart.updated", "cart.customer_updated"]

/** What the loader registers beside the services (awilix values, one per process). */
export interface EngineRegistrations {
  /** The validated options; resolving it throws the option error while they are invalid. */
  webPushOptions: ResolvedOptions
  webPushClock: EngineClock
  webPushBatchSlots: BatchSlots
  webPushRetryPoller: RetryPoller
  webPushFanoutFault: FanoutFault
}

/** An awilix resolver: `resolve` runs on each resolution (Medusa's container is awilix). */
function resolver<T>(resolve: () => T): { resolve: () => T } {
  return { resolve }
}

/**
 * At boot (Medusa runs plugin loaders after registering, and before resolving, the plugin's
 * services): validates the options (a bad one is reported by name, and push stays off rather than
 * taking the store down) and registers them, the engine's clock, batch slots, retry poller and
 * test hook as values the services depend on; subscribes every catalogued and mapped event (each
 * handler knows its own event name: the local event bus does not pass it) and the batch jobs of
 * large audiences, and starts the retry poller that also takes over the work of crashed instances.
 */
export default async function webPushLoader(container: MedusaContainer, options: WebPushPluginOptions): Promise<void> {
  const logger = container.resolve<Logger>("logger")
  let resolved: ResolvedOptions
  try {
    assertSupportedNode()
    resolved = resolveOptions(options)
  } catch (err) {
    // Every service needs the options: resolving one throws this error, and the routes answer 503 with it.
    container.register(
      "webPushOptions",
      resolver<ResolvedOptions>(() => {
        throw err
      })
    )
    // An option error names the option; anything else thrown here is described by name and code.
    const detail = err instanceof PluginOptionsError ? err.message : `web-push: options could not be read: ${describeError(err)}`
    logger.error(`${detail}. Web push notifications are switched off until this is fixed.`)
    return
  }
  const values: EngineRegistrations = {
    webPushOptions: resolved,
    webPushClock: new EngineClock(),
    webPushBatchSlots: new BatchSlots(),
    webPushRetryPoller: new RetryPoller(resolved.retryPollMs, logger),
    webPushFanoutFault: new FanoutFault(),
  }
  for (const [name, value] of Object.entries(values))
    container.register(
      name,
      resolver(() => value)
    )

  // `cart.abandoned` is raised by the plugin's own reminder round, never taken from the event bus.
  const events = eventNames(resolved.rules)
  const eventBus = container.resolve<EventBusService>("eventBusService")
  for (const event of events) {
    eventBus.subscribe(
      event,
      async (data: unknown) => {
        await container.resolve<PushNotificationService>("pushNotificationService").handleEvent(event, data)
      },
      { subscriberId: `medusa-plugin-web-push:${event}` }
    )
  }
  eventBus.subscribe(
    BATCH_EVENT,
    async (data: unknown) => {
      const batchId = (data as { batch_id?: unknown } | undefined)?.batch_id
      if (typeof batchId === "string") await container.resolve<PushDispatcherService>("pushDispatcherService").processBatch(batchId)
    },
    { subscriberId: "medusa-plugin-web-push:batch" }
  )
  // Product alerts: a watched variant's own update is checked at once (the rest on the due-work round).
  const productAlerts = (): PushProductAlertSenderService =>
    container.resolve<PushProductAlertSenderService>("pushProductAlertSenderService")
  eventBus.subscribe(VARIANT_UPDATED, async (data: unknown) => productAlerts().onVariantUpdated(data), {
    subscriberId: "medusa-plugin-web-push:product-alerts",
  })
  // A store on Medusa's inventory module (multi-location stock) keeps stock in levels and
  // reservations, not on the variant: their events are checked too (none come without the module).
  for (const event of INVENTORY_EVENTS) {
    eventBus.subscribe(event, async (data: unknown) => productAlerts().onInventoryChanged(event, data), {
      subscriberId: `medusa-plugin-web-push:product-alerts:${event}`,
    })
  }
  // Revenue attribution: its own subscription, apart from (and whatever becomes of) the catalogue's order.placed rules.
  eventBus.subscribe(
    ATTRIBUTION_EVENT,
    async (data: unknown) => {
      await container.resolve<PushAttributionService>("pushAttributionService").handleOrderPlaced(data)
    },
    { subscriberId: "medusa-plugin-web-push:attribution" }
  )
  // Always subscribed: an admin may switch the reminders on (Automations); the handler reads whether they are.
  for (const event of CART_ACTIVITY_EVENTS) {
    eventBus.subscribe(
      event,
      async (data: unknown) => {
        await container.resolve<PushCartReminderService>("pushCartReminderService").recordActivity(data)
      },
      { subscriberId: `medusa-plugin-web-push:cart-reminders:${event}` }
    )
  }
  const dispatcher = (): PushDispatcherService => container.resolve<PushDispatcherService>("pushDispatcherService")
  // The product alerts' reconcile can take a while on a large catalogue: it runs beside the
  // due-work round (one at a time in this process), never holding retries and held deliveries up.
  let reconciling = false
  const reconcile = (): void => {
    if (reconciling) return
    reconciling = true
    productAlerts()
      .reconcileDue()
      .catch((err: unknown) => logger.error(`web-push: product alerts not checked: ${describeError(err)}`))
      .finally(() => {
        reconciling = false
      })
  }
  values.webPushRetryPoller.start(async () => {
    reconcile()
    await dispatcher().processDue()
  })
  logger.info(`web-push: listening to ${events.length} events`)
}
