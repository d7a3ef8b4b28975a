import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { InvalidRequestError } from "../../../../core/errors/api-errors"
import { PeriodError, resolvePeriod, type Period } from "../../../../core/attribution/figures"
import type PushStatsService from "../../../../services/push-stats"
import { queryString, services } from "../../../helpers"

const DAY = /^\d{4}-\d{2}-\d{2}$/

/** `?from=&to=` (UTC days, both included; by default the last 30 days to today by the engine's clock). */
function period(req: MedusaRequest): Period {
  const from = queryString(req, "from", DAY)
  const to = queryString(req, "to", DAY)
  try {
    return resolvePeriod(from, to, services(req).clock.now())
  } catch (err) {
    if (err instanceof PeriodError) throw new InvalidRequestError(err.field, err.message)
    throw err
  }
}

/** Figures for the admin's Web Push page (see `PushStatsService.figures`), revenue attribution over `?from=&to=`. */
export async function GET(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  res.json({ stats: await req.scope.resolve<PushStatsService>("pushStatsService").figures(period(req)) })
}
