import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { linkBase } from "../../../../../../core/templates/link-policy"
import { locale as parseLocale } from "../../../../../validation/fields"
import { parseTemplateBody } from "../../../../../validation/template-input"
import type PushTemplateService from "../../../../../../services/push-template"
import { services } from "../../../../../helpers"
import { ruleFrom } from "../../../../../template-rules"

/** Saves an admin's change to one notification in one language; used from the next send on. */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const rule = ruleFrom(req, req.params.event, req.params.audience)
  const { options } = services(req)
  const { locale, fields } = parseTemplateBody(req.body, options.preferences.defaultLocale, {
    baseUrl: linkBase(rule.audience, options.links),
    policy: options.links,
  })
  const template = await req.scope.resolve<PushTemplateService>("pushTemplateService").save(rule.event, rule.audience, locale, fields)
  res.json({ template })
}

/** Back to the default text: `?locale=fr` for one language, else every saved change of this notification. */
export async function DELETE(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const rule = ruleFrom(req, req.params.event, req.params.audience)
  const locale = parseLocale(req.query.locale)
  const removed = await req.scope.resolve<PushTemplateService>("pushTemplateService").reset(rule.event, rule.audience, locale)
  res.json({ reset: true, removed })
}
