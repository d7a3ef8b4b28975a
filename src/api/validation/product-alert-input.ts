import { PRODUCT_ALERT_KINDS, type ProductAlertKind } from "../../core/catalogue/product-alerts"
import { InvalidRequestError } from "../../core/errors/api-errors"
import type { AlertRequest } from "../../services/push-product-alert"
import { objectBody, onlyKnown } from "./fields"
import type { EndpointPolicy } from "../../core/security/endpoint-policy"
import type { SubscriptionInput } from "../../services/push-subscription"
import { parseEndpointProof, parseSubscriptionBody, type EndpointProof } from "./request-validation"

/** A Medusa id (`variant_01H...`, `reg_01H...`): letters, digits and `_`, at most 64. */
const MEDUSA_ID = /^[A-Za-z0-9_]{1,64}$/

function medusaId(value: unknown, field: string, prefix: string): string {
  if (typeof value !== "string" || !MEDUSA_ID.test(value) || !value.startsWith(prefix)) {
    throw new InvalidRequestError(field, `${field} must be an id such as ${prefix}01H...`)
  }
  return value
}

function pick(body: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(fields.filter((f) => body[f] !== undefined).map((f) => [f, body[f]]))
}

/** The device's proof taken out of a larger body: the other fields are checked by the caller. */
function proofOf(body: Record<string, unknown>): EndpointProof {
  return parseEndpointProof({ endpoint: body.endpoint, auth: body.auth })
}

/** Which device asks: one the store knows (its endpoint and auth secret), or a browser's whole subscription (registered if new). */
export type AlertDevice = { proof: EndpointProof } | { subscription: SubscriptionInput }

/**
 * `POST /store/push/alerts`: `{ endpoint, auth, variant_id, kind, region_id? }`, or with the
 * browser's `subscription` (and `locale`, `time_zone`) instead of `endpoint` and `auth`.
 */
export function parseAlertRequest(raw: unknown, policy: EndpointPolicy): { device: AlertDevice; request: AlertRequest } {
  const body = objectBody(raw)
  onlyKnown(body, ["endpoint", "auth", "subscription", "locale", "time_zone", "variant_id", "kind", "region_id"])
  let device: AlertDevice
  if (body.subscription !== undefined) {
    const extra = ["endpoint", "auth"].find((f) => body[f] !== undefined)
    if (extra) throw new InvalidRequestError(extra, `${extra} goes inside subscription when a subscription is sent`)
    device = { subscription: parseSubscriptionBody(pick(body, ["subscription", "locale", "time_zone"]), policy, { allowCartId: false }) }
  } else {
    const extra = ["locale", "time_zone"].find((f) => body[f] !== undefined)
    if (extra) throw new InvalidRequestError(extra, `${extra} is sent with a subscription only`)
    device = { proof: proofOf(body) }
  }
  const variantId = medusaId(body.variant_id, "variant_id", "variant_")
  if (!(PRODUCT_ALERT_KINDS as readonly unknown[]).includes(body.kind)) {
    throw new InvalidRequestError("kind", `kind must be one of ${PRODUCT_ALERT_KINDS.join(", ")}`)
  }
  const kind = body.kind as ProductAlertKind
  if (kind === "back_in_stock" && body.region_id !== undefined) {
    throw new InvalidRequestError("region_id", "region_id is for price drop alerts only")
  }
  const regionId = body.region_id === undefined ? undefined : medusaId(body.region_id, "region_id", "reg_")
  return { device, request: { variantId, kind, regionId } }
}

/** `POST /store/push/alerts/list` and `DELETE /store/push/alerts/:id`: `{ endpoint, auth }`. */
export function parseAlertProof(raw: unknown): EndpointProof {
  return parseEndpointProof(raw)
}

/** An alert id in the path. */
export function alertId(value: unknown): string {
  return medusaId(value, "id", "pushalert_")
}
