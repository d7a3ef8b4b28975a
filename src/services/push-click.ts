import type { Logger } from "@medusajs/medusa"
import type { EntityManager } from "typeorm"
import { describeError } from "../core/errors/plugin-errors"
import { linksForEvent, type ResolvedOptions } from "../core/options/plugin-options"
import { clickTokenMatches } from "../core/security/click-token"
import { MessageTexts, notificationForDevice } from "../core/templates/device-notification"
import { allowedLink, linkBase } from "../core/templates/link-policy"
import type PushMessageService from "./push-message"

type Dependencies = {
  manager: EntityManager
  logger: Logger
  webPushOptions: ResolvedOptions
  pushMessageService: PushMessageService
}

type ClickedDelivery = MessageTexts & { audience: string; event_name: string; device_locale: string | null }

/**
 * The click links of notifications that the browser shows by itself (`GET /store/push/clicks/:id`,
 * see `core/security/click-link`): the click is recorded, and the reader sent on to the link the
 * notification carries.
 */
export default class PushClickService {
  private readonly deps_: Dependencies

  constructor(deps: Dependencies) {
    this.deps_ = deps
  }

  /**
   * Where a click link leads, recording the click when `token` is the delivery's click token. The
   * link is the one the device's notification carries, read from its message and allowed by the
   * link rule as it stands now; else (no such delivery, a wrong token, no link, a link the rule now
   * refuses) the audience's home: the storefront, or the admin (a wrong token or an unknown delivery
   * says nothing of its audience: the storefront). Never anywhere else. `record: false` (a HEAD
   * request: a link preview, not a tap) records nothing.
   */
  async follow(deliveryId: string, token: string | undefined, { record = true }: { record?: boolean } = {}): Promise<string> {
    const options = this.deps_.webPushOptions
    if (token === undefined || !clickTokenMatches(deliveryId, token, options.clickTokenKey)) return options.storefrontUrl
    const [delivery] = (await this.deps_.manager.query(
      `SELECT m."audience", m."event_name", m."payload", m."localized_payloads", m."context_locale", s."locale" AS device_locale
       FROM "push_delivery" d JOIN "push_message" m ON m."id" = d."message_id"
       LEFT JOIN "push_subscription" s ON s."id" = d."subscription_id"
       WHERE d."id" = $1`,
      [deliveryId]
    )) as ClickedDelivery[]
    if (!delivery) return options.storefrontUrl
    if (record) await this.record(deliveryId)
    const home = linkBase(delivery.audience, options.links)
    const { notification } = notificationForDevice(delivery, delivery.device_locale, options.preferences.defaultLocale)
    if (typeof notification.url !== "string") return home
    return allowedLink(notification.url, home, linksForEvent(options, delivery.event_name)) ?? home
  }

  private async record(deliveryId: string): Promise<void> {
    try {
      await this.deps_.pushMessageService.recordClick(deliveryId)
    } catch (err) {
      // The reader still gets to the page; the click is what is lost.
      this.deps_.logger.warn(`web-push: a click could not be recorded: ${describeError(err)}`)
    }
  }
}
