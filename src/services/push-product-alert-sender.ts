import { generateEntityId, type Logger, type PricingService, type ProductVariantService } from "@medusajs/medusa"
import type { EntityManager } from "typeorm"
import {
  isPriceDrop,
  PRODUCT_ALERT_EVENTS,
  PRODUCT_ALERTS_CATEGORY,
  productAlertContext,
  type ProductAlertKind,
  type VariantLike,
} from "../core/catalogue/product-alerts"
import { eventKey } from "../core/catalogue/event-types"
import type { EngineClock } from "../core/delivery/clock"
import { describeError } from "../core/errors/plugin-errors"
import { linksForEvent, type ResolvedOptions } from "../core/options/plugin-options"
import { normaliseLocale } from "../core/templates/locale"
import { isEnabled, templateFor } from "../core/templates/localized-template"
import { renderNotification } from "../core/templates/notification-builder"
import { claimableDeviceSql } from "../delivery/audience-sql"
import type { PushMessage } from "../models/push-message"
import type PushDispatcherService from "./push-dispatcher"
import type PushMessageService from "./push-message"
import { recordRendered } from "./push-notification"
import { ALERT_VARIANT_RELATIONS, regionPrice } from "./push-product-alert"
import type PushAutomationService from "./push-automation"
import type PushTemplateService from "./push-template"
import type PushVariantStockService from "./push-variant-stock"
import type { InventoryEvent } from "./push-variant-stock"

type Dependencies = {
  manager: EntityManager
  logger: Logger
  webPushOptions: ResolvedOptions
  webPushClock: EngineClock
  productVariantService: ProductVariantService
  pricingService: PricingService
  pushMessageService: PushMessageService
  pushDispatcherService: PushDispatcherService
  pushTemplateService: PushTemplateService
  pushAutomationService: PushAutomationService
  pushVariantStockService: PushVariantStockService
}

/** The fields of `product-variant.updated` that can put a variant back in stock. */
const STOCK_FIELDS = ["inventory_quantity", "manage_inventory", "allow_backorder"]

/** Days after which a visitor's device with nothing open, and nothing asked or told, is removed. */
export const VISITOR_IDLE_DAYS = 30

/** Variants with open alerts checked per reconcile round. */
const RECONCILE_PAGE = 200

/** Which open alerts one message uses up: all of a variant's of one kind, or a price drop's of one region and asked price. */
interface AlertGroup {
  kind: ProductAlertKind
  regionId: string | null
  requestedAmount: number | null
  price: { current: number | null; previous: number | null; currency: string | null }
}

/** The run of a scheduled automation no other instance has taken: claimed by moving its next run (one row per automation). */
const CLAIM_RUN = `INSERT INTO "push_automation_run" ("name", "next_run_at") VALUES ($1, $2::timestamptz + $3 * interval '1 minute')
  ON CONFLICT ("name") DO UPDATE SET "next_run_at" = EXCLUDED."next_run_at" WHERE "push_automation_run"."next_run_at" <= $2
  RETURNING "name"`

/**
 * Tells the devices that asked: when a watched variant is back in stock, or its price in a region
 * falls below the one a device saw. Each alert is used up by the one message that tells it (the
 * rows are marked in the message's transaction, so two instances, or a redelivered event, tell
 * nobody twice); the message goes through the batched engine like a broadcast.
 */
export default class PushProductAlertSenderService {
  private readonly deps_: Dependencies

  constructor(deps: Dependencies) {
    this.deps_ = deps
  }

  /** `product-variant.updated` (`{ id, fields }`): checks the changed stock or prices of a watched variant at once. */
  async onVariantUpdated(data: unknown): Promise<void> {
    const { id, fields } = (data ?? {}) as { id?: unknown; fields?: unknown }
    if (typeof id !== "string") return
    const changed = Array.isArray(fields) ? fields.filter((f): f is string => typeof f === "string") : []
    // Without a list of fields (another emitter), both are checked.
    const stock = changed.length === 0 || changed.some((f) => STOCK_FIELDS.includes(f))
    const prices = changed.length === 0 || changed.includes("prices")
    await this.check(id, { stock, prices })
  }

  /**
   * An inventory-module event (multi-location stock: a level raised, a reservation given back):
   * the watched variants it concerns are checked for stock at once.
   */
  async onInventoryChanged(event: InventoryEvent, data: unknown): Promise<void> {
    for (const variantId of await this.deps_.pushVariantStockService.watchedVariantsOf(event, data)) {
      await this.check(variantId, { stock: true, prices: false })
    }
  }

  /**
   * Every `reconcile_minutes`, on one instance: checks every watched variant (changes no event
   * reports: a price list, an import). Called beside the due-work round.
   */
  async reconcileDue(): Promise<void> {
    const { productAlerts } = this.deps_.webPushOptions
    const claimed: unknown[] = await this.deps_.manager.query(CLAIM_RUN, [
      "product_alerts",
      this.deps_.webPushClock.now(),
      productAlerts.reconcileMinutes,
    ])
    if (claimed.length === 0) return
    await this.dropLapsedAlerts()
    await this.keepAskingGuestDevices()
    await this.forgetIdleVisitorDevices()
    let after = ""
    for (;;) {
      const rows: Array<{ variant_id: string }> = await this.deps_.manager.query(
        `SELECT DISTINCT "variant_id" FROM "push_variant_alert" WHERE "message_id" IS NULL AND "variant_id" > $1 ORDER BY "variant_id" LIMIT $2`,
        [after, RECONCILE_PAGE]
      )
      for (const { variant_id } of rows) {
        await this.check(variant_id, { stock: true, prices: true }).catch((err: unknown) => {
          this.deps_.logger.warn(`web-push: product alerts of variant ${variant_id} not checked: ${describeError(err)}`)
        })
      }
      if (rows.length < RECONCILE_PAGE) return
      after = rows[rows.length - 1].variant_id
    }
  }

  /** Alerts nobody was told about within `product_alerts.expire_days` of the device's last asking lapse. */
  private async dropLapsedAlerts(): Promise<void> {
    await this.deps_.manager.query(
      `DELETE FROM "push_variant_alert" WHERE "message_id" IS NULL AND "updated_at" < $1::timestamptz - $2 * interval '1 day'`,
      [this.deps_.webPushClock.now(), this.deps_.webPushOptions.productAlerts.expireDays]
    )
  }

  /**
   * A guest's device past its order's time (`guest_subscription_days`) that still waits for a
   * product alert or a cart's reminders becomes a visitor's device: it no longer gets the order's
   * news, and still gets what it asked for.
   */
  private async keepAskingGuestDevices(): Promise<void> {
    await this.deps_.manager.query(
      `UPDATE "push_subscription" s SET "order_id" = NULL, "guest_expires_at" = NULL, "updated_at" = now()
       WHERE s."guest_expires_at" <= $1
         AND (EXISTS (SELECT 1 FROM "push_variant_alert" a WHERE a."subscription_id" = s."id" AND a."message_id" IS NULL)
              OR EXISTS (SELECT 1 FROM "push_cart_watch" w WHERE w."subscription_id" = s."id" AND w."closed_at" IS NULL))`,
      [this.deps_.webPushClock.now()]
    )
  }

  /**
   * A visitor's device gets only what it asked for: once nothing it asked for is open, nor was
   * asked, told or touched for `VISITOR_IDLE_DAYS`, it is removed (its past deliveries stay in the
   * log). A device of a customer, a guest order or an admin is never removed here.
   */
  private async forgetIdleVisitorDevices(): Promise<void> {
    await this.deps_.manager.query(
      `DELETE FROM "push_subscription" s
       WHERE s."customer_id" IS NULL AND s."order_id" IS NULL AND s."user_id" IS NULL
         AND s."updated_at" < $1::timestamptz - $2 * interval '1 day' AND s."created_at" < $1::timestamptz - $2 * interval '1 day'
         AND NOT EXISTS (SELECT 1 FROM "push_variant_alert" a WHERE a."subscription_id" = s."id"
                           AND (a."message_id" IS NULL OR a."notified_at" > $1::timestamptz - $2 * interval '1 day'
                                OR a."created_at" > $1::timestamptz - $2 * interval '1 day'))
         AND NOT EXISTS (SELECT 1 FROM "push_cart_watch" w WHERE w."subscription_id" = s."id"
                           AND (w."closed_at" IS NULL OR w."updated_at" > $1::timestamptz - $2 * interval '1 day'))`,
      [this.deps_.webPushClock.now(), VISITOR_IDLE_DAYS]
    )
  }

  /** Checks one variant's open alerts: back in stock, and price drops per region and asked price. */
  async check(variantId: string, what: { stock: boolean; prices: boolean }): Promise<void> {
    const open: Array<{ kind: ProductAlertKind; region_id: string | null; currency_code: string | null; requested_amount: number | null }> =
      await this.deps_.manager.query(
        `SELECT DISTINCT "kind", "region_id", "currency_code", "requested_amount" FROM "push_variant_alert"
         WHERE "variant_id" = $1 AND "message_id" IS NULL`,
        [variantId]
      )
    const asked = open.filter((a) => (a.kind === "back_in_stock" ? what.stock : what.prices))
    if (asked.length === 0) return
    // A kind the store does not send now (Automations) keeps its alerts open until it does.
    const settings = await this.deps_.pushAutomationService.settings()
    const wanted = asked.filter((a) => settings[a.kind].enabled)
    if (wanted.length === 0) return
    const variant = await this.deps_.productVariantService
      .retrieve(variantId, { relations: ALERT_VARIANT_RELATIONS })
      .catch((err: unknown) => {
        if ((err as { type?: unknown } | null)?.type === "not_found") return null
        throw err
      })
    if (!variant) {
      // Deleted: nothing will ever be told; its open alerts go (a device's list no longer shows them).
      await this.deps_.manager.query(`DELETE FROM "push_variant_alert" WHERE "variant_id" = $1 AND "message_id" IS NULL`, [variantId])
      return
    }
    const groups: AlertGroup[] = []
    if (wanted.some((a) => a.kind === "back_in_stock") && (await this.deps_.pushVariantStockService.inStock(variant))) {
      groups.push({
        kind: "back_in_stock",
        regionId: null,
        requestedAmount: null,
        price: { current: null, previous: null, currency: null },
      })
    }
    const prices = new Map<string, number | null>()
    for (const alert of wanted.filter((a) => a.kind === "price_drop" && a.region_id && a.currency_code)) {
      const region = { id: alert.region_id as string, currency_code: alert.currency_code as string }
      if (!prices.has(region.id)) prices.set(region.id, await regionPrice(this.deps_.pricingService, variantId, region).catch(() => null))
      const current = prices.get(region.id) ?? null
      if (!isPriceDrop(alert.requested_amount, current)) continue
      groups.push({
        kind: "price_drop",
        regionId: region.id,
        requestedAmount: alert.requested_amount,
        price: { current, previous: alert.requested_amount, currency: region.currency_code },
      })
    }
    for (const group of groups) {
      const message = await this.record(variant, group)
      if (message) await this.deps_.pushDispatcherService.dispatch(message)
    }
  }

  /**
   * Records the message of one group and uses its alerts up, in one transaction; null when another
   * instance (or an earlier delivery of the same event) has used them up already, or the
   * notification is turned off.
   */
  private async record(variant: VariantLike, group: AlertGroup): Promise<PushMessage | null> {
    const { webPushOptions: options, webPushClock, pushTemplateService, pushMessageService } = this.deps_
    const event = PRODUCT_ALERT_EVENTS[group.kind]
    const rule = options.rules.find((r) => r.event === event && r.audience === "customer")
    const { defaultLocale } = options.preferences
    const saved = await pushTemplateService.overridesFor(event, "customer")
    if (!rule || !isEnabled(saved, defaultLocale)) return null
    const render = (locale: string) =>
      renderNotification(templateFor(rule, locale, defaultLocale, saved), productAlertContext(variant, group.price, locale), {
        baseUrl: options.storefrontUrl,
        links: linksForEvent(options, event),
        icon: options.defaultIcon,
        badge: options.defaultBadge,
      })
    const where = `a."variant_id" = $1 AND a."kind" = $2 AND a."message_id" IS NULL
      AND a."region_id" IS NOT DISTINCT FROM $3 AND a."requested_amount" IS NOT DISTINCT FROM $4`
    const groupParams = [variant.id, group.kind, group.regionId, group.requestedAmount]
    const localeRows: Array<{ locale: string | null }> = await this.deps_.manager.query(
      `SELECT DISTINCT s."locale" FROM "push_variant_alert" a JOIN "push_subscription" s ON s."id" = a."subscription_id" WHERE ${where}`,
      groupParams
    )
    const locales = new Set([defaultLocale, ...localeRows.map((r) => normaliseLocale(r.locale ?? undefined) ?? defaultLocale)])
    const id = generateEntityId(undefined, "pushmsg")
    const now = webPushClock.now()
    const rendered = render(defaultLocale)
    return this.deps_.manager
      .transaction(async (tx) => {
        const message = await recordRendered(
          pushMessageService.withTransaction(tx),
          rendered,
          { kind: "watchers", messageId: id, category: rule.category || PRODUCT_ALERTS_CATEGORY },
          {
            id,
            idempotency_key: `product_alert|${group.kind}|${variant.id}|${id}`,
            event_name: event,
            template_key: eventKey(event, "customer"),
            resource_id: variant.id,
            localized_payloads: Object.fromEntries([...locales].map((l) => [l, { ...render(l) }])),
          }
        )
        if (!message) return null
        // Only the alerts of devices that can be sent to now are used up (a guest device past its
        // order's time keeps its alerts until the reconcile makes it a visitor's device).
        const used: Array<{ n: number }> = await tx.query(
          `WITH used AS (UPDATE "push_variant_alert" a SET "message_id" = $5, "notified_at" = $6, "updated_at" = now()
                         WHERE ${where} AND EXISTS (SELECT 1 FROM "push_subscription" s WHERE s."id" = a."subscription_id" AND ${claimableDeviceSql("$6")})
                         RETURNING 1)
           SELECT count(*)::int AS n FROM used`,
          [...groupParams, id, now]
        )
        // Nobody left to tell (another instance was first): nothing is recorded.
        if (used[0].n === 0) throw new NothingToTell()
        return message
      })
      .catch((err: unknown) => {
        if (err instanceof NothingToTell) return null
        throw err
      })
  }
}

/** Rolls back a message whose alerts were all used up by another instance first. */
class NothingToTell extends Error {}
