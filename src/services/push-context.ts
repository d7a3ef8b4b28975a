import type {
  CartService,
  ClaimService,
  CustomerService,
  Fulfillment,
  FindConfig,
  Order,
  OrderService,
  SwapService,
} from "@medusajs/medusa"
import { createHash } from "node:crypto"
import type { EntityManager } from "typeorm"
import { reminderKey } from "../core/carts/cart-reminder-schedule"
import type { ResourceKind } from "../core/catalogue/event-types"
import { normaliseLocale } from "../core/templates/locale"
import { formatMoney } from "../core/templates/money"
import {
  cartContext,
  contactMessageContext,
  customerContext,
  eventDataContext,
  inboundAlertContext,
  orderContext,
  shipmentContext,
  TemplateContext,
} from "../core/templates/template-context"
import type { PushSubscription } from "../models/push-subscription"
import type ContactMessageService from "./contact-message"
import type PushInboundAlertService from "./push-inbound-alert"

/** Medusa's core fulfillment service (its exported name clashes with the provider interface). */
interface FulfillmentReader {
  retrieve(id: string, config?: FindConfig<Fulfillment>): Promise<Fulfillment>
}

type Dependencies = {
  manager: EntityManager
  cartService: CartService
  orderService: OrderService
  customerService: CustomerService
  fulfillmentService: FulfillmentReader
  swapService: SwapService
  claimService: ClaimService
  contactMessageService: ContactMessageService
  pushInboundAlertService: PushInboundAlertService
}

/** What an event concerns, loaded and turned into template variables. */
export interface LoadedEvent {
  /** Template variables, with amounts and dates formatted for the reader's locale. */
  contextFor(locale: string): TemplateContext
  /** The language of the order or customer (their metadata `locale`), when known. */
  readonly locale: string | null
  /** The customer a personal notification goes to, when there is one. */
  readonly customerId: string | null
  /** The order the event concerns: its guest devices receive the personal notification too. */
  readonly orderId: string | null
  /** One device that receives the personal notification too (the device that registered a cart). */
  readonly subscriptionId?: string | null
  /** Identifies this occurrence of the event (e.g. order + fulfillment) for idempotency. */
  readonly resourceKey: string
  readonly resourceId: string | null
  /** The one device a notification about a device (the welcome) goes to, and no other. */
  readonly deviceId?: string | null
  /** The order's total, when the event concerns an order (an admin summary adds them up). */
  readonly amount?: { readonly currency: string; readonly amount: number } | null
}

type EventData = Record<string, unknown>

const ORDER_RELATIONS = ["customer", "items", "shipping_address"]
/** Event-data fields that distinguish two occurrences of one event on the same resource. */
const OCCURRENCE_FIELDS = ["id", "fulfillment_id", "refund_id", "return_id", "payment_id", "claim_id", "swap_id"]

function metadataLocale(metadata: Record<string, unknown> | null | undefined): string | null {
  return normaliseLocale(typeof metadata?.locale === "string" ? metadata.locale : undefined) ?? null
}

function stringField(data: EventData, field: string): string | undefined {
  const value = data[field]
  return typeof value === "string" && value !== "" ? value : undefined
}

/** Loads what a template needs for each kind of resource an event can concern. */
export default class PushContextService {
  private readonly deps_: Dependencies

  constructor(deps: Dependencies) {
    this.deps_ = deps
  }

  /** `null` when the event's data does not name the resource this kind needs. */
  async load(kind: ResourceKind, data: EventData): Promise<LoadedEvent | null> {
    const id = stringField(data, "id")
    const resourceKey = this.occurrenceKey(data)
    const base = eventDataContext(data)
    if (kind === "none") {
      const customerId = stringField(data, "customer_id") ?? null
      return { contextFor: () => base, locale: null, customerId, orderId: null, resourceKey, resourceId: id ?? null }
    }
    if (!id) return null
    switch (kind) {
      case "order":
        return this.withOrder(await this.order(id), base, resourceKey)
      case "order_shipment":
        return this.withShipment(id, stringField(data, "fulfillment_id"), base, resourceKey)
      case "swap_shipment": {
        const swap = await this.deps_.swapService.retrieve(id, { select: ["id", "order_id"] })
        return this.withShipment(swap.order_id, stringField(data, "fulfillment_id"), base, resourceKey)
      }
      case "claim_shipment": {
        const claim = await this.deps_.claimService.retrieve(id, { select: ["id", "order_id"] })
        return this.withShipment(claim.order_id, stringField(data, "fulfillment_id"), base, resourceKey)
      }
      case "order_refund":
        return this.withRefund(id, stringField(data, "refund_id"), base, resourceKey)
      case "contact_message": {
        const message = await this.deps_.contactMessageService.retrieve(id)
        const context = { ...base, ...contactMessageContext(message) }
        return {
          contextFor: () => context,
          locale: null,
          customerId: message.customer_id,
          orderId: null,
          resourceKey,
          resourceId: message.id,
        }
      }
      case "cart":
        return this.withCart(id, data, base)
      case "inbound_alert": {
        const alert = await this.deps_.pushInboundAlertService.retrieve(id)
        const context = { ...base, ...inboundAlertContext(alert) }
        return { contextFor: () => context, locale: null, customerId: null, orderId: null, resourceKey, resourceId: alert.id }
      }
      case "product_alert":
        // Never on a store event: product alerts are sent by PushProductAlertSenderService when stock or a price changes.
        return null
      case "subscription":
        return this.withSubscription(id, base, resourceKey)
    }
  }

  /** A customer device (the welcome): the customer's names, the device's language; `null` once it is gone. */
  private async withSubscription(id: string, base: TemplateContext, resourceKey: string): Promise<LoadedEvent | null> {
    const [device]: PushSubscription[] = await this.deps_.manager.query(`SELECT * FROM "push_subscription" WHERE "id" = $1`, [id])
    if (!device?.customer_id) return null
    const customer = await this.deps_.customerService.retrieve(device.customer_id, { select: ["id", "first_name", "last_name", "email"] })
    const context: TemplateContext = { ...base, ...customerContext(customer) }
    return {
      contextFor: () => context,
      locale: normaliseLocale(device.locale) ?? null,
      customerId: device.customer_id,
      orderId: null,
      deviceId: device.id,
      resourceKey,
      resourceId: device.id,
    }
  }

  /**
   * An abandoned cart (`data.step`: the reminder step): its items and customer; it goes to the
   * cart's customer when that is a registered account (a guest's customer row is shared between
   * guest checkouts with the same e-mail), and to the device that registered the cart.
   */
  private async withCart(id: string, data: EventData, base: TemplateContext): Promise<LoadedEvent> {
    const cart = await this.deps_.cartService.retrieveWithTotals(id, { relations: ["items", "customer", "region"] })
    const items = [...(cart.items ?? [])].sort((a, b) => new Date(a.created_at).getTime() - new Date(b.created_at).getTime())
    // The device that registered the cart, unless the cart has become a registered account's and the device is not theirs.
    const [watch]: Array<{ subscription_id: string | null }> = await this.deps_.manager.query(
      `SELECT w."subscription_id" FROM "push_cart_watch" w
       LEFT JOIN "push_subscription" s ON s."id" = w."subscription_id"
       WHERE w."cart_id" = $1 AND (NOT $2 OR s."customer_id" IS NOT DISTINCT FROM $3)`,
      [id, cart.customer?.has_account === true, cart.customer_id ?? null]
    )
    const step = typeof data.step === "number" && Number.isInteger(data.step) ? data.step : null
    return {
      contextFor: (locale) => ({ ...base, ...cartContext({ ...cart, items }, locale), reminder: { step: step ?? undefined } }),
      locale: metadataLocale(cart.metadata) ?? metadataLocale(cart.customer?.metadata) ?? null,
      customerId: cart.customer?.has_account ? cart.customer_id : null,
      orderId: null,
      subscriptionId: watch?.subscription_id ?? null,
      resourceKey: step === null ? id : reminderKey(id, step),
      resourceId: id,
    }
  }

  private occurrenceKey(data: EventData): string {
    const parts = OCCURRENCE_FIELDS.map((f) => stringField(data, f)).filter((v): v is string => v !== undefined)
    if (parts.length) return parts.join(":")
    return createHash("sha256").update(JSON.stringify(data)).digest("base64url").slice(0, 32)
  }

  private order(id: string): Promise<Order> {
    return this.deps_.orderService.retrieveWithTotals(id, { relations: ORDER_RELATIONS })
  }

  private withOrder(
    order: Order,
    base: TemplateContext,
    resourceKey: string,
    extra: (locale: string) => TemplateContext = () => ({})
  ): LoadedEvent {
    return {
      contextFor: (locale) => ({ ...base, ...orderContext(order, locale), ...extra(locale) }),
      locale: metadataLocale(order.metadata) ?? metadataLocale(order.customer?.metadata) ?? null,
      customerId: order.customer_id ?? null,
      orderId: order.id,
      resourceKey,
      resourceId: order.id,
      amount: order.currency_code && typeof order.total === "number" ? { currency: order.currency_code, amount: order.total } : null,
    }
  }

  private async withShipment(
    orderId: string,
    fulfillmentId: string | undefined,
    base: TemplateContext,
    resourceKey: string
  ): Promise<LoadedEvent> {
    const order = await this.order(orderId)
    const shipment = fulfillmentId
      ? shipmentContext(await this.deps_.fulfillmentService.retrieve(fulfillmentId, { relations: ["tracking_links"] }))
      : {}
    return this.withOrder(order, base, resourceKey, () => shipment)
  }

  private async withRefund(
    orderId: string,
    refundId: string | undefined,
    base: TemplateContext,
    resourceKey: string
  ): Promise<LoadedEvent> {
    const order = await this.deps_.orderService.retrieveWithTotals(orderId, { relations: [...ORDER_RELATIONS, "refunds"] })
    const refund = order.refunds?.find((r) => r.id === refundId) ?? order.refunds?.[order.refunds.length - 1]
    const extra = (locale: string): TemplateContext =>
      refund
        ? {
            refund: {
              id: refund.id,
              amount: formatMoney(refund.amount, order.currency_code, locale),
              reason: refund.reason,
              note: refund.note ?? undefined,
            },
          }
        : {}
    return this.withOrder(order, base, resourceKey, extra)
  }
}
