import type { EventBusService, Logger, MedusaContainer } from "@medusajs/medusa"
import { describeError, PluginOptionsError } from "../core/errors"
import { eventNames } from "../core/event-catalogue"
import { assertSupportedNode } from "../core/runtime"
import { resolveOptions, WebPushPluginOptions } from "../core/plugin-options"
import { BATCH_EVENT } from "../services/push-dispatcher"
import type PushDispatcherService from "../services/push-dispatcher"
import type PushNotificationService from "../services/push-notification"
import type WebPushService from "../services/web-push"

/**
 * At boot: validates the options (a bad one is reported by name, and push stays off rather than
 * taking the store down), subscribes every catalogued and mapped event (each handler knows its
 * own event name: the local event bus does not pass it) and the batch jobs of large audiences,
 * and starts the retry poller that also takes over the work of crashed instances.
 */
export default async function webPushLoader(container: MedusaContainer, options: WebPushPluginOptions): Promise<void> {
  const logger = container.resolve<Logger>("logger")
  let events: string[]
  try {
    assertSupportedNode()
    events = eventNames(resolveOptions(options).rules)
  } catch (err) {
    // An option error names the option; anything else thrown here is described by name and code.
    const detail = err instanceof PluginOptionsError ? err.message : `web-push: options could not be read: ${describeError(err)}`
    logger.error(`${detail}. Web push notifications are switched off until this is fixed.`)
    return
  }
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
  const dispatcher = (): PushDispatcherService => container.resolve<PushDispatcherService>("pushDispatcherService")
  container.resolve<WebPushService>("webPushService").startPoller(() => dispatcher().processDue())
  logger.info(`web-push: listening to ${events.length} events`)
}
