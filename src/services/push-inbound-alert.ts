import { EventBusService, generateEntityId, TransactionBaseService } from "@medusajs/medusa"
import { createHash } from "node:crypto"
import type { EntityManager } from "typeorm"
import { InvalidRequestError, NotFoundError, UnauthorizedError } from "../core/errors/api-errors"
import type { EngineClock } from "../core/delivery/clock"
import { parseChatwoot, verifyChatwoot } from "../core/inbound/chatwoot"
import { parseCrisp, verifyCrisp } from "../core/inbound/crisp"
import { parseGeneric } from "../core/inbound/generic"
import { sameBytes } from "../core/inbound/signature-checks"
import { verifyStandardWebhook } from "../core/inbound/standard-webhooks"
import type { InboundAlert, InboundParse, RequestHeaders, Verification } from "../core/inbound/types"
import type { ResolvedInboundSource } from "../core/options/inbound-options"
import type { ResolvedOptions } from "../core/options/plugin-options"
import { resolveLink } from "../core/templates/link-policy"
import { PushInboundAlert } from "../models/push-inbound-alert"

type Dependencies = {
  manager: EntityManager
  eventBusService: EventBusService
  webPushOptions: ResolvedOptions
  webPushClock: EngineClock
}

/** What became of an inbound request that passed verification. */
export type InboundReceipt =
  | { readonly kind: "accepted"; readonly id: string }
  /** The sender's id was seen before (a retry, or a replay): nothing stored, nobody alerted. */
  | { readonly kind: "duplicate" }
  /** Valid, but nothing for admins (an agent's own reply, a private note, another event). */
  | { readonly kind: "ignored"; readonly reason: string }

/** A request to the hook, as the route read it: the body's exact bytes, not parsed yet. */
export interface InboundRequest {
  readonly headers: RequestHeaders
  readonly body: Buffer
  /** The token in the hook's path, for sources that take one. */
  readonly token?: string
}

/** An inbound source as the admin sees it (never its secret or token). */
export interface InboundSourceView {
  readonly name: string
  readonly provider: string
  /** `signature`: requests are signed with the secret; `token`: the hook's URL holds a token. */
  readonly verification: "signature" | "token"
  readonly event: string
  /** The hook's path on the store's backend (with the token for token sources). */
  readonly hook_path: string
  readonly last_received_at: Date | null
  readonly received_count: number
}

/** A request that passed {@link PushInboundAlertService.verify}. */
export interface VerifiedRequest {
  readonly source: ResolvedInboundSource
  /** The sender's id for this delivery (Standard Webhooks' `webhook-id`), if any. */
  readonly deliveryId: string | null
  /** For a signing source, what it signed (timestamp and body), hashed: the same request again has the same key. */
  readonly signedKey: string | null
}

/** The timestamp header each signature covers, with the body. */
const SIGNED_TIMESTAMP: Readonly<Record<string, string>> = {
  "standard-webhooks": "webhook-timestamp",
  "chatwoot-signature": "x-chatwoot-timestamp",
  "crisp-signature": "x-crisp-request-timestamp",
}

function signedContentKey(source: ResolvedInboundSource, request: InboundRequest): string | null {
  const header = SIGNED_TIMESTAMP[source.verification.kind]
  if (header === undefined) return null
  const timestamp = request.headers[header]
  const hash = createHash("sha256")
    .update(`${String(timestamp)}.`)
    .update(request.body)
    .digest("base64url")
  return `signed:${hash}`
}

/** The hooks' base path; a source's hook is `<base>/<name>`, or `<base>/<name>/<token>`. */
export const INBOUND_HOOK_BASE = "/hooks/web-push/alerts"

function sameToken(given: string, expected: string): boolean {
  // Digests first, so that the comparison takes as long whatever the length given.
  const digest = (token: string): Buffer => createHash("sha256").update(token).digest()
  return sameBytes(digest(given), digest(expected))
}

/**
 * Alerts from other systems (`inbound_sources`): each request is verified against its source's
 * secret (or URL token) before its body is parsed, parsed by the source's provider, stored once
 * per sender id, and emitted as the admin event `inbound.<name>` in the same transaction; the
 * notification pipeline then alerts admins as for any store event.
 */
export default class PushInboundAlertService extends TransactionBaseService {
  private readonly deps_: Dependencies

  constructor(deps: Dependencies) {
    super(deps)
    this.deps_ = deps
  }

  /** The configured source of that name, or 404 (the same for every unknown name). */
  source(name: string): ResolvedInboundSource {
    const found = this.deps_.webPushOptions.inboundSources.find((s) => s.name === name)
    if (!found) throw new NotFoundError("There is no inbound alert source of that name")
    return found
  }

  /**
   * Checks that a request comes from the source, before its body is parsed: 404 for an unknown
   * source, 401 for a missing or wrong signature, an old or future timestamp, or a wrong token.
   * Answers the source and the sender's id for this delivery (Standard Webhooks' `webhook-id`).
   */
  verify(name: string, request: InboundRequest): VerifiedRequest {
    const source = this.source(name)
    const verified = this.check(source, request)
    if (!verified.ok) throw new UnauthorizedError(`The request is not signed by this source (${verified.reason})`)
    return { source, deliveryId: verified.deliveryId, signedKey: signedContentKey(source, request) }
  }

  /** Reads a verified request's JSON by its source's provider and stores it once per sender id (400 naming a generic body's field). */
  async accept(verified: VerifiedRequest, json: unknown): Promise<InboundReceipt> {
    const { source, deliveryId, signedKey } = verified
    const parsed = this.parse(source, json)
    if (parsed.kind === "ignored") return parsed
    // Standard Webhooks names each message (`webhook-id`, signed); chat tools name theirs in the
    // signed body. A payload without an id is known by what was signed, so a replay stores nothing.
    const named = source.verification.kind === "standard-webhooks" ? (deliveryId ?? parsed.alert.externalId) : parsed.alert.externalId
    const externalId = named ?? signedKey
    return this.record(source, { ...parsed.alert, externalId }, false)
  }

  /** "Send a test alert" from the admin: a stored alert like any other, marked as a test. */
  async sendTest(name: string): Promise<InboundReceipt> {
    const source = this.source(name)
    const alert: InboundAlert = {
      externalId: null,
      title: `Test alert from ${source.name}`,
      name: "Web Push test",
      text: `Alerts from ${source.name} reach this device.`,
      url: null,
      kind: "test",
    }
    return this.record(source, alert, true)
  }

  async retrieve(id: string): Promise<PushInboundAlert> {
    const found = await this.activeManager_.getRepository(PushInboundAlert).findOne({ where: { id } })
    if (!found) throw new NotFoundError(`Inbound alert ${id} was not found`)
    return found
  }

  /** Every configured source with when it last sent an alert and how many it sent (tests excluded). */
  async overview(): Promise<InboundSourceView[]> {
    const rows: Array<{ source: string; last: Date; count: number }> = await this.activeManager_.query(
      `SELECT "source", max("created_at") AS "last", count(*)::int AS "count" FROM "push_inbound_alert"
       WHERE NOT "is_test" GROUP BY "source"`
    )
    const stats = new Map(rows.map((r) => [r.source, r]))
    return this.deps_.webPushOptions.inboundSources.map((source) => ({
      name: source.name,
      provider: source.provider,
      verification: source.verification.kind === "token" ? "token" : "signature",
      event: source.event,
      hook_path: `${INBOUND_HOOK_BASE}/${source.name}${source.verification.kind === "token" ? `/${source.verification.token}` : ""}`,
      last_received_at: stats.get(source.name)?.last ?? null,
      received_count: stats.get(source.name)?.count ?? 0,
    }))
  }

  private check(source: ResolvedInboundSource, request: InboundRequest): Verification {
    const now = this.deps_.webPushClock.now().getTime()
    const v = source.verification
    if (v.kind === "token") {
      if (request.token === undefined) return { ok: false, reason: "missing_token" }
      return sameToken(request.token, v.token) ? { ok: true, deliveryId: null } : { ok: false, reason: "bad_token" }
    }
    // A signing source has no token URL: a token there is no way around the signature.
    if (request.token !== undefined) return { ok: false, reason: "signed_source" }
    if (v.kind === "standard-webhooks") return verifyStandardWebhook(request.headers, request.body, v.key, now)
    if (v.kind === "chatwoot-signature") return verifyChatwoot(request.headers, request.body, v.secret, now)
    return verifyCrisp(request.headers, request.body, v.secret, now)
  }

  private parse(source: ResolvedInboundSource, json: unknown): InboundParse {
    if (source.provider === "chatwoot") return parseChatwoot(json, { baseUrl: source.baseUrl })
    if (source.provider === "crisp") return parseCrisp(json)
    const generic = parseGeneric(json)
    if (generic.kind === "invalid") throw new InvalidRequestError(generic.field, generic.message)
    return generic
  }

  /** Stores the alert unless its sender id was seen, and stages `inbound.<name>` in the same transaction. */
  private async record(source: ResolvedInboundSource, alert: InboundAlert, isTest: boolean): Promise<InboundReceipt> {
    // Not `atomicPhase_`: it keeps its transaction on the instance, and requests may share one.
    return this.deps_.manager.transaction(async (manager) => {
      const rows: Array<{ id: string }> = await manager.query(
        `INSERT INTO "push_inbound_alert" ("id", "source", "provider", "external_id", "title", "name", "text", "url", "kind", "is_test", "created_at", "updated_at")
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
         ON CONFLICT ("source", "external_id") WHERE "external_id" IS NOT NULL DO NOTHING
         RETURNING "id"`,
        [
          generateEntityId(undefined, "pia"),
          source.name,
          source.provider,
          alert.externalId,
          alert.title,
          alert.name,
          alert.text,
          // A path leads into the admin: stored whole, as a chat tool's link is.
          alert.url?.startsWith("/") ? resolveLink(alert.url, this.deps_.webPushOptions.adminUrl) : alert.url,
          alert.kind,
          isTest,
          this.deps_.webPushClock.now(),
        ]
      )
      if (rows.length === 0) return { kind: "duplicate" as const }
      await this.deps_.eventBusService.withTransaction(manager).emit(source.event, { id: rows[0].id })
      return { kind: "accepted" as const, id: rows[0].id }
    })
  }
}
