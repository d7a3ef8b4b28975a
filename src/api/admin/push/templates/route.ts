import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { overridesByLocale } from "../../../../core/templates/localized-template"
import { templateVariables } from "../../../../core/templates/template"
import { SHIPPED_LOCALES } from "../../../../core/templates/translations"
import type PushTemplateService from "../../../../services/push-template"
import { services } from "../../../helpers"

/** Every notification the store sends: its audience, default text, variables and the saved overrides per locale. */
export async function GET(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const { options } = services(req)
  const saved = await req.scope.resolve<PushTemplateService>("pushTemplateService").list()
  const templates = options.rules.map((rule) => {
    const overrides = overridesByLocale(saved.filter((t) => t.event_name === rule.event && t.audience === rule.audience))
    const { title, body, url, icon, image, ttl, urgency } = rule.template
    return {
      event: rule.event,
      audience: rule.audience,
      category: rule.category,
      loads: rule.loads,
      variables: [...new Set([title, body, url].flatMap((t) => templateVariables(t)))].sort(),
      default: { title, body, url, icon, image, ttl, urgency },
      overrides,
      locales: [...new Set([...SHIPPED_LOCALES, ...Object.keys(rule.locales ?? {}), ...Object.keys(overrides)])],
    }
  })
  res.json({ templates, default_locale: options.preferences.defaultLocale })
}
