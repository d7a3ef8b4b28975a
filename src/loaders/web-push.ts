import type { EventBusService, Logger, MedusaContainer } from "@medusajs/medusa"
import { eventNames } from "../core/event-catalogue"
import { resolveOptions, WebPushPluginOptions } from "../core/plugin-options"
import type PushNotificationService from "../services/push-notification"

/**
 * At boot: validates the options (a bad one is reported by name, and push stays off rather than
 * taking the store down), then subscribes every catalogued and mapped event. Each handler knows
 * its own event name, since the local event bus does not pass it.
 */
export default async function webPushLoader(container: MedusaContainer, options: WebPushPluginOptions): Promise<void> {
  const logger = container.resolve<Logger>("logger")
  let events: string[]
  try {
    events = eventNames(resolveOptions(options).rules)
  } catch (err) {
    logger.error(`${(err as Error).message}. Web push notifications are switched off until this is fixed.`)
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
  logger.info(`web-push: listening to ${events.length} events`)
}
