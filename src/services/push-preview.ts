import type { ProductVariantService } from "@medusajs/medusa"
import type { EntityManager } from "typeorm"
import { productAlertContext } from "../core/catalogue/product-alerts"
import { ALERT_VARIANT_RELATIONS } from "./push-product-alert"
import { NotFoundError } from "../core/errors/api-errors"
import type { EventRule } from "../core/catalogue/event-types"
import { linkBase } from "../core/templates/link-policy"
import { templateFor, TemplateOverride, type OverridesByLocale } from "../core/templates/localized-template"
import { renderNotification, RenderedNotification } from "../core/templates/notification-builder"
import { linksForEvent, type ResolvedOptions } from "../core/options/plugin-options"
import type PushContextService from "./push-context"
import type PushTemplateService from "./push-template"

type Dependencies = {
  manager: EntityManager
  productVariantService: ProductVariantService
  webPushOptions: ResolvedOptions
  pushContextService: PushContextService
  pushTemplateService: PushTemplateService
}

export interface Preview {
  notification: RenderedNotification
  /** The order or contact message it was rendered with. */
  resource_id: string
}

/** Renders a notification as a reader would get it, with real data, before anything is saved or sent. */
export default class PushPreviewService {
  private readonly deps_: Dependencies

  constructor(deps: Dependencies) {
    this.deps_ = deps
  }

  /**
   * `rule`'s notification in `locale`, with `orderId` (else the most recent order, or contact
   * message for a contact alert): the saved template, with `edit` (unsaved fields) over it.
   * 404 when there is nothing yet to render it with.
   */
  async render(rule: EventRule, locale: string, edit: TemplateOverride | undefined, orderId: string | undefined): Promise<Preview> {
    const options = this.deps_.webPushOptions
    const { defaultLocale } = options.preferences
    const saved = await this.deps_.pushTemplateService.overridesFor(rule.event, rule.audience)
    const merged = edit ? { ...saved, [locale]: { ...saved[locale], ...edit } } : saved
    if (rule.loads === "product_alert") return this.renderProductAlert(rule, locale, merged)
    const id = await this.sampleId(rule.loads, orderId)
    const kind = rule.loads === "contact_message" || rule.loads === "none" || rule.loads === "cart" ? rule.loads : "order"
    const loaded = id ? await this.deps_.pushContextService.load(kind, kind === "cart" ? { id, step: 1 } : { id }).catch(() => null) : null
    if (!id || !loaded) throw new NotFoundError("There is no order, cart or message yet to preview this notification with")
    const notification = renderNotification(templateFor(rule, locale, defaultLocale, merged), loaded.contextFor(locale), {
      baseUrl: linkBase(rule.audience, options.links),
      links: linksForEvent(options, rule.event),
      icon: options.defaultIcon,
      badge: options.defaultBadge,
    })
    return { notification, resource_id: id }
  }

  /**
   * A product alert, previewed with the variant most recently watched (else the most recently
   * changed one) and a real price of it; the earlier price of a price drop is made up (a quarter
   * more), since no drop has happened yet.
   */
  private async renderProductAlert(rule: EventRule, locale: string, templates: OverridesByLocale): Promise<Preview> {
    const options = this.deps_.webPushOptions
    const [row]: Array<{ id: string; amount: number | null; currency_code: string | null }> = await this.deps_.manager.query(
      `SELECT v."id", ma."amount", ma."currency_code" FROM "product_variant" v
       LEFT JOIN LATERAL (SELECT m."amount", m."currency_code" FROM "product_variant_money_amount" pm
                          JOIN "money_amount" m ON m."id" = pm."money_amount_id"
                          WHERE pm."variant_id" = v."id" AND pm."deleted_at" IS NULL AND m."deleted_at" IS NULL AND m."price_list_id" IS NULL
                          ORDER BY m."created_at" LIMIT 1) ma ON true
       WHERE v."deleted_at" IS NULL
       ORDER BY EXISTS (SELECT 1 FROM "push_variant_alert" a WHERE a."variant_id" = v."id") DESC, v."updated_at" DESC LIMIT 1`
    )
    if (!row) throw new NotFoundError("There is no product yet to preview this notification with")
    const variant = await this.deps_.productVariantService.retrieve(row.id, { relations: ALERT_VARIANT_RELATIONS })
    const price = { current: row.amount, previous: row.amount === null ? null : Math.round(row.amount * 1.25), currency: row.currency_code }
    const notification = renderNotification(
      templateFor(rule, locale, options.preferences.defaultLocale, templates),
      productAlertContext(variant, price, locale),
      { baseUrl: options.storefrontUrl, links: linksForEvent(options, rule.event), icon: options.defaultIcon, badge: options.defaultBadge }
    )
    return { notification, resource_id: variant.id }
  }

  /** The id of a recent resource of the kind a notification is about (or the order asked for). */
  private async sampleId(loads: string, orderId: string | undefined): Promise<string | undefined> {
    if (loads === "contact_message") {
      const [row]: Array<{ id: string }> = await this.deps_.manager.query(
        `SELECT "id" FROM "contact_message" ORDER BY "created_at" DESC LIMIT 1`
      )
      return row?.id
    }
    if (loads === "cart") {
      // A cart reminder is previewed with the most recently changed cart that has items, an open one first (step 1).
      const [row]: Array<{ id: string }> = await this.deps_.manager.query(
        `SELECT c."id" FROM "cart" c WHERE EXISTS (SELECT 1 FROM "line_item" li WHERE li."cart_id" = c."id")
         ORDER BY (c."completed_at" IS NULL) DESC, c."updated_at" DESC LIMIT 1`
      )
      return row?.id
    }
    if (orderId !== undefined) return orderId
    const [row]: Array<{ id: string }> = await this.deps_.manager.query(`SELECT "id" FROM "order" ORDER BY "created_at" DESC LIMIT 1`)
    return row?.id
  }
}
