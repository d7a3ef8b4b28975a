import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import type { EntityManager } from "typeorm"
import { NotFoundError } from "../../../../../core/api-errors"

const SUBSCRIPTION_ID = /^pushsub_[A-Za-z0-9]{1,60}$/

/** An admin removes any device (a customer's or an admin's) by its id. */
export async function DELETE(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const id = String(req.params.id)
  if (!SUBSCRIPTION_ID.test(id)) throw new NotFoundError("No device has this id")
  const [, count] = await req.scope
    .resolve<EntityManager>("manager")
    .query(`DELETE FROM "push_subscription" WHERE "id" = $1`, [id])
  if (!count) throw new NotFoundError("No device has this id")
  res.json({ id, object: "push_subscription", deleted: true })
}
