import type { MedusaRequest } from "@medusajs/medusa"
import { InvalidRequestError, NotConfiguredError, UnauthorizedError } from "../core/errors/api-errors"
import type ContactMessageService from "../services/contact-message"
import type PushMessageService from "../services/push-message"
import type PushAdminSendService from "../services/push-admin-send"
import type PushAutomationService from "../services/push-automation"
import type PushClickService from "../services/push-click"
import type PushProductAlertService from "../services/push-product-alert"
import type PushSubscriptionService from "../services/push-subscription"
import type WebPushService from "../services/web-push"
import type { EngineClock } from "../core/delivery/clock"
import type { ResolvedOptions } from "../core/options/plugin-options"

/** The plugin's services, resolved from the request's scope. */
export interface PluginServices {
  options: ResolvedOptions
  clock: EngineClock
  webPush: WebPushService
  subscriptions: PushSubscriptionService
  messages: PushMessageService
  adminSends: PushAdminSendService
  contactMessages: ContactMessageService
  productAlerts: PushProductAlertService
  automations: PushAutomationService
  clicks: PushClickService
}

/**
 * Resolves the plugin's options and services. With invalid options nothing can be built: the
 * route then answers 503 with the option at fault instead of failing obscurely.
 */
export function services(req: MedusaRequest): PluginServices {
  let options: ResolvedOptions
  try {
    options = req.scope.resolve<ResolvedOptions>("webPushOptions")
  } catch (err) {
    throw new NotConfiguredError(`Web push is not configured: ${(err as Error).message}`)
  }
  return {
    options,
    clock: req.scope.resolve<EngineClock>("webPushClock"),
    webPush: req.scope.resolve<WebPushService>("webPushService"),
    subscriptions: req.scope.resolve<PushSubscriptionService>("pushSubscriptionService"),
    messages: req.scope.resolve<PushMessageService>("pushMessageService"),
    adminSends: req.scope.resolve<PushAdminSendService>("pushAdminSendService"),
    contactMessages: req.scope.resolve<ContactMessageService>("contactMessageService"),
    productAlerts: req.scope.resolve<PushProductAlertService>("pushProductAlertService"),
    automations: req.scope.resolve<PushAutomationService>("pushAutomationService"),
    clicks: req.scope.resolve<PushClickService>("pushClickService"),
  }
}

/** The signed-in customer (session or bearer token), if any. */
export function customerId(req: MedusaRequest): string | undefined {
  return req.user?.customer_id
}

/** The signed-in admin, if any: `{ userId }` with a session or bearer token, the user itself with an API token. */
export function signedInAdminId(req: MedusaRequest): string | undefined {
  const user = req.user
  const id = user?.userId ?? (user && "id" in user ? user.id : undefined)
  return typeof id === "string" && id ? id : undefined
}

/** The signed-in admin, or 401. */
export function adminUserId(req: MedusaRequest): string {
  const id = signedInAdminId(req)
  if (!id) throw new UnauthorizedError("An admin must be signed in")
  return id
}

/** A short description of the browser, never the whole header (it can be used to fingerprint). */
export function userAgentSummary(header: string | undefined): string | null {
  if (!header) return null
  const browser = /(Edg|Firefox|Chrome|Safari|OPR)\/(\d+)/.exec(header)
  const os = /(Windows|Android|iPhone|iPad|Mac OS X|Linux)/.exec(header)
  const parts = [browser ? `${browser[1] === "Edg" ? "Edge" : browser[1]} ${browser[2]}` : undefined, os?.[1]]
  const text = parts.filter(Boolean).join(" on ")
  return text || header.slice(0, 60).replace(/[^\x20-\x7e]/g, "")
}

function integer(value: unknown, field: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : NaN
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new InvalidRequestError(field, `${field} must be a whole number from ${min} to ${max}`)
  }
  return n
}

/** `?limit=&offset=` with bounds. */
export function page(req: MedusaRequest, maxLimit = 100): { limit: number; offset: number } {
  return {
    limit: integer(req.query.limit, "limit", 20, 1, maxLimit),
    offset: integer(req.query.offset, "offset", 0, 0, 1_000_000),
  }
}

/** An optional single-valued string query parameter. */
export function queryString(req: MedusaRequest, field: string, pattern: RegExp): string | undefined {
  const value = req.query[field]
  if (value === undefined) return undefined
  if (typeof value !== "string" || !pattern.test(value)) {
    throw new InvalidRequestError(field, `${field} is not valid`)
  }
  return value
}
