import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { InvalidRequestError } from "../../../../../core/errors/api-errors"
import { linkBase } from "../../../../../core/templates/link-policy"
import type { TemplateOverride } from "../../../../../core/templates/localized-template"
import { objectBody, onlyKnown } from "../../../../validation/fields"
import { parseTemplateBody, TemplateLinks } from "../../../../validation/template-input"
import type PushPreviewService from "../../../../../services/push-preview"
import { services } from "../../../../helpers"
import { ruleFrom } from "../../../../template-rules"

const ORDER_ID = /^order_[A-Za-z0-9]{1,60}$/

/** The unsaved edit in `template`, checked as a save would be; a bad field is named `template.<field>`. */
function templateEdit(raw: unknown, locale: string, defaultLocale: string, links: TemplateLinks): TemplateOverride {
  const edit = objectBody(raw, "template")
  try {
    return parseTemplateBody({ ...edit, locale }, defaultLocale, links).fields
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
  const body = objectBody(req.body ?? {})
  onlyKnown(body, ["event", "audience", "locale", "template", "order_id"])
  for (const field of ["event", "audience"]) {
    if (typeof body[field] !== "string") throw new InvalidRequestError(field, `${field} is required`)
  }
  const rule = ruleFrom(req, body.event, body.audience)
  const { options } = services(req)
  const { defaultLocale } = options.preferences
  const links = { baseUrl: linkBase(rule.audience, options.links), policy: options.links }
  const { locale } = parseTemplateBody({ locale: body.locale }, defaultLocale, links)
  const edit = body.template === undefined ? undefined : templateEdit(body.template, locale, defaultLocale, links)
  const orderId = body.order_id
  if (orderId !== undefined && rule.loads !== "contact_message" && (typeof orderId !== "string" || !ORDER_ID.test(orderId))) {
    throw new InvalidRequestError("order_id", "order_id must be an order id")
  }
  const preview = await req.scope
    .resolve<PushPreviewService>("pushPreviewService")
    .render(rule, locale, edit, typeof orderId === "string" ? orderId : undefined)
  res.json({ notification: preview.notification, locale, resource_id: preview.resource_id })
}
