import type { Logger, MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { randomUUID } from "node:crypto"
import { ConflictError, NotFoundError } from "../../../../../../core/api-errors"
import { audienceOf } from "../../../../../../lib/audience"
import type { PushMessage } from "../../../../../../models/push-message"
import type PushDispatcherService from "../../../../../../services/push-dispatcher"
import { services } from "../../../../../helpers"

const MESSAGE_ID = /^pushmsg_[A-Za-z0-9]{1,60}$/

/**
 * Sends a recorded message again: a new message with the same payload to the same audience
 * (the audience as it is now: devices added since are included, removed ones are not), recorded
 * like any other. A personal, admin or test message is sent before the answer; a broadcast goes
 * on in the background, its progress in the new message's counts.
 */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const { messages, webPush } = services(req)
  const id = String(req.params.id)
  const original = MESSAGE_ID.test(id) ? await messages.retrieve(id) : undefined
  if (!original) throw new NotFoundError("No message has this id")
  const created = await messages.createOnce({
    idempotency_key: `resend|${original.id}|${randomUUID()}`,
    event_name: original.event_name,
    audience: audienceOf(original, webPush.now()),
    template_key: original.template_key,
    resource_id: original.resource_id,
    payload: original.payload,
    ttl: original.ttl,
    urgency: original.urgency,
    topic: original.topic,
  })
  if (!created) throw new ConflictError("The message could not be recorded again; try again")
  const dispatcher = req.scope.resolve<PushDispatcherService>("pushDispatcherService")
  let message: PushMessage = created
  if (created.audience === "broadcast") {
    dispatcher.dispatch(created).catch((err: Error) => {
      req.scope.resolve<Logger>("logger").error(`web-push: resend ${created.id} failed to start: ${err.name}: ${err.message}`)
    })
  } else {
    message = await dispatcher.dispatch(created)
  }
  res.status(201).json({ message, resent_from: original.id })
}
