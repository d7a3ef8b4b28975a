import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { templateVariables } from "../../../../core/templates/template"
import { SHIPPED_LOCALES } from "../../../../core/templates/translations"
import type PushTemplateService from "../../../../services/push-template"
import { services } from "../../../helpers"

/** Every notification the store sends: its audience, default text, variables and the saved overrides per locale. */
export async function GET(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const { options } = services(req)
  const saved = await req.scope.resolve<PushTemplateService>("pushTemplateService").list()
  const templates = options.rules.map((rule) => {
    const mine = saved.filter((t) => t.event_name === rule.event && t.audience === rule.audience)
    const overrides = Object.fromEntries(
      mine.map((t) => [t.locale, { enabled: t.enabled, title: t.title, body: t.body, url: t.url, icon: t.icon, image: t.image, ttl: t.ttl, urgency: t.urgency }])
    )
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
