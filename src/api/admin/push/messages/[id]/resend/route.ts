import type { Logger, MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { randomUUID } from "node:crypto"
import { ConflictError, InvalidRequestError, NotFoundError } from "../../../../../../core/api-errors"
import { describeError } from "../../../../../../core/errors"
import { checkLink, linkBase, LinkPolicy } from "../../../../../../core/link-policy"
import { audienceOf } from "../../../../../../core/delivery/audience"
import type { PushMessage } from "../../../../../../models/push-message"
import type PushDispatcherService from "../../../../../../services/push-dispatcher"
import { services } from "../../../../../helpers"

const MESSAGE_ID = /^pushmsg_[A-Za-z0-9]{1,60}$/

/** A stored message may predate the link rule (or a shorter `link_allowlist`): its links are checked again. */
function checkStoredLinks(message: PushMessage, links: LinkPolicy): void {
  const payload = message.payload as Record<string, unknown>
  for (const field of ["url", "icon", "image"] as const) {
    const value = payload[field]
    if (typeof value !== "string" || value === "") continue
    const checked = checkLink(value, linkBase(message.audience, links), links)
    if (!checked.ok) throw new InvalidRequestError(field, `${field} of this message ${checked.problem}; it cannot be sent again`)
  }
}

/**
 * Sends a recorded message again: a new message with the same payload to the same audience
 * (the audience as it is now: devices added since are included, removed ones are not), recorded
 * like any other. A personal, admin or test message is sent before the answer; a broadcast goes
 * on in the background, its progress in the new message's counts.
 */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const { messages, options, clock } = services(req)
  const id = String(req.params.id)
  const original = MESSAGE_ID.test(id) ? await messages.retrieve(id) : undefined
  if (!original) throw new NotFoundError("No message has this id")
  checkStoredLinks(original, services(req).options.links)
  const created = await messages.createOnce({
    idempotency_key: `resend|${original.id}|${randomUUID()}`,
    event_name: original.event_name,
    audience: audienceOf(original, clock.now()),
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
    dispatcher.dispatch(created).catch((err: unknown) => {
      req.scope.resolve<Logger>("logger").error(`web-push: resend ${created.id} failed to start: ${describeError(err)}`)
    })
  } else {
    message = await dispatcher.dispatch(created)
  }
  res.status(201).json({ message, resent_from: original.id })
}
