import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { InvalidRequestError, NotFoundError } from "../../../../../core/api-errors"
import { linkBase } from "../../../../../core/link-policy"
import { templateFor, TemplateOverride } from "../../../../../core/localized-template"
import { renderNotification } from "../../../../../core/notification-builder"
import { parseTemplateBody, TemplateLinks } from "../../../../../core/template-input"
import type PushContextService from "../../../../../services/push-context"
import type PushTemplateService from "../../../../../services/push-template"
import { services } from "../../../../helpers"
import { ruleFrom } from "../../../../template-rules"

const ORDER_ID = /^order_[A-Za-z0-9]{1,60}$/

/** The id of a recent resource of the kind a notification is about, for a preview with real data. */
async function sampleId(req: MedusaRequest, loads: string, orderId: unknown): Promise<string | undefined> {
  if (loads === "contact_message") {
    const [row] = await req.scope.resolve<{ query(sql: string): Promise<Array<{ id: string }>> }>("manager").query(
      `SELECT "id" FROM "contact_message" ORDER BY "created_at" DESC LIMIT 1`
    )
    return row?.id
  }
  if (orderId !== undefined) {
    if (typeof orderId !== "string" || !ORDER_ID.test(orderId)) throw new InvalidRequestError("order_id", "order_id must be an order id")
    return orderId
  }
  const [row] = await req.scope.resolve<{ query(sql: string): Promise<Array<{ id: string }>> }>("manager").query(
    `SELECT "id" FROM "order" ORDER BY "created_at" DESC LIMIT 1`
  )
  return row?.id
}

/** The unsaved edit in `template`, checked as a save would be; a bad field is named `template.<field>`. */
function templateEdit(raw: unknown, locale: string, defaultLocale: string, links: TemplateLinks): TemplateOverride {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new InvalidRequestError("template", "template must be an object")
  try {
    return parseTemplateBody({ ...raw, locale }, defaultLocale, links).fields
  } catch (err) {
    if (err instanceof InvalidRequestError && err.field) throw new InvalidRequestError(`template.${err.field}`, `template.${err.message}`)
    throw err
  }
}

/**
 * Renders a notification as a reader would get it, with a real recent order (or `order_id`) or
 * contact message: the saved template, or the unsaved edit in `template`.
 */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const body = (req.body ?? {}) as Record<string, unknown>
  const unknown = Object.keys(body).find((k) => !["event", "audience", "locale", "template", "order_id"].includes(k))
  if (unknown) throw new InvalidRequestError(unknown, `${unknown} is not an accepted field`)
  for (const field of ["event", "audience"]) {
    if (typeof body[field] !== "string") throw new InvalidRequestError(field, `${field} is required`)
  }
  const rule = ruleFrom(req, body.event, body.audience)
  const { options } = services(req)
  const { defaultLocale } = options.preferences
  const links = { baseUrl: linkBase(rule.audience, options.links), policy: options.links }
  const { locale } = parseTemplateBody({ locale: body.locale }, defaultLocale, links)
  const edit = body.template === undefined ? undefined : templateEdit(body.template, locale, defaultLocale, links)
  const saved = await req.scope.resolve<PushTemplateService>("pushTemplateService").overridesFor(rule.event, rule.audience)
  const merged = edit ? { ...saved, [locale]: { ...saved[locale], ...edit } } : saved
  const id = await sampleId(req, rule.loads, body.order_id)
  const kind = rule.loads === "contact_message" || rule.loads === "none" ? rule.loads : "order"
  const loaded = id ? await req.scope.resolve<PushContextService>("pushContextService").load(kind, { id }).catch(() => null) : null
  if (!loaded) throw new NotFoundError("There is no order or message yet to preview this notification with")
  const notification = renderNotification(templateFor(rule, locale, defaultLocale, merged), loaded.contextFor(locale), {
    baseUrl: links.baseUrl,
    links: options.links,
    icon: options.defaultIcon,
    badge: options.defaultBadge,
  })
  res.json({ notification, locale, resource_id: id })
}
