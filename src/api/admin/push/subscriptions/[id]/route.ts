import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { NotFoundError } from "../../../../../core/errors/api-errors"
import type PushSubscriptionService from "../../../../../services/push-subscription"

const SUBSCRIPTION_ID = /^pushsub_[A-Za-z0-9]{1,60}$/

/** An admin removes any device (a customer's or an admin's) by its id. */
export async function DELETE(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const id = String(req.params.id)
  if (!SUBSCRIPTION_ID.test(id) || !(await req.scope.resolve<PushSubscriptionService>("pushSubscriptionService").removeById(id)))
    throw new NotFoundError("No device has this id")
  res.json({ id, object: "push_subscription", deleted: true })
}
