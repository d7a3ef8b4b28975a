import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import type PushStatsService from "../../../../services/push-stats"

/** Figures for the admin's Web Push page (see `PushStatsService.figures`). */
export async function GET(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  res.json({ stats: await req.scope.resolve<PushStatsService>("pushStatsService").figures() })
}
