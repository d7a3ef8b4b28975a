import { PluginOptionsError } from "../errors/plugin-errors"
import { parseChatwootBaseUrl } from "../inbound/chatwoot"
import { parseWebhookSecret } from "../inbound/standard-webhooks"
import type { InboundProvider } from "../inbound/types"
import { isPlainObject, refuseUnknownKeys } from "./option-values"

/**
 * `inbound_sources`: other systems that alert admins (a chat tool, a payment dispute, a stock sync),
 * each posting to `POST /hooks/web-push/alerts/<name>`. Keyed by the source's name, which also
 * names its admin event, `inbound.<name>`.
 */
export type InboundSourcesOption = Record<string, InboundSourceOption>

export interface InboundSourceOption {
  /**
   * How the body reads: `chatwoot` (its `message_created` webhook), `crisp` (its `message:send`
   * web hook), or `generic` (`{ title, body?, url?, event?, id? }`, signed the Standard Webhooks way).
   * @defaultValue "generic"
   */
  provider?: InboundProvider
  /**
   * The signing secret: for `generic` a Standard Webhooks secret (`whsec_` + base64 of 24 to 64
   * bytes); for `chatwoot` the webhook's secret (Chatwoot 4.11.2 and later); for `crisp` the
   * plugin's signing secret. Keep it in an environment variable. Give `secret` or `token`, not both.
   */
  secret?: string
  /**
   * For a sender that cannot sign (Crisp website hooks, Chatwoot before 4.11.2): a long random
   * token (32 to 128 of `A-Z a-z 0-9 _ -`) that becomes the last part of the hook's URL.
   */
  token?: string
  /** `chatwoot` only: the dashboard's address, for the link to the conversation. @defaultValue "https://app.chatwoot.com" */
  base_url?: string
  /**
   * Medusa user roles whose admins get these alerts until they choose for themselves.
   * @defaultValue ["admin", "member"] for chat tools, ["admin"] for `generic`
   */
  roles?: string[]
}

/** How a source's requests prove they come from it. */
export type InboundVerification =
  | { readonly kind: "standard-webhooks"; readonly key: Buffer }
  | { readonly kind: "chatwoot-signature"; readonly secret: string }
  | { readonly kind: "crisp-signature"; readonly secret: string }
  | { readonly kind: "token"; readonly token: string }

export interface ResolvedInboundSource {
  readonly name: string
  /** The admin event its alerts are: `inbound.<name>`. */
  readonly event: string
  readonly provider: InboundProvider
  readonly verification: InboundVerification
  /** Chatwoot's dashboard address (links to the conversation); null for other providers. */
  readonly baseUrl: string | null
  /** Roles alerted until an admin chooses. */
  readonly roles: readonly string[]
  /** The hosts its alerts' links lead to (the chat tool), allowed in notification links. */
  readonly linkHosts: readonly string[]
}

/** A source's name: a URL path segment and the end of an event name. */
export const INBOUND_SOURCE_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/
const PROVIDERS: readonly InboundProvider[] = ["chatwoot", "crisp", "generic"]
const KEYS = ["provider", "secret", "token", "base_url", "roles"] as const
const TOKEN = /^[A-Za-z0-9_-]{32,128}$/
const MIN_SECRET_CHARS = 16
const ROLE = /^[a-z][a-z0-9_-]{0,39}$/
const CRISP_APP_HOST = "app.crisp.chat"
const CHATWOOT_CLOUD = "https://app.chatwoot.com"

/** The admin event of an inbound source. */
export function inboundEvent(name: string): string {
  return `inbound.${name}`
}

/** Whether a provider is a chat tool (its alerts are "new chat message from ..."). */
export function isChatProvider(provider: InboundProvider): boolean {
  return provider !== "generic"
}

function verification(provider: InboundProvider, raw: Record<string, unknown>, path: string): InboundVerification {
  const { secret, token } = raw
  if (secret !== undefined && token !== undefined) {
    throw new PluginOptionsError(path, "takes either secret (a signing secret) or token (an unguessable URL), not both")
  }
  if (token !== undefined) {
    if (typeof token !== "string" || !TOKEN.test(token)) {
      throw new PluginOptionsError(
        `${path}.token`,
        "must be 32 to 128 characters of A-Z a-z 0-9 _ - (npx medusa-plugin-web-push inbound-secret makes one)"
      )
    }
    return { kind: "token", token }
  }
  if (typeof secret !== "string" || secret === "") {
    throw new PluginOptionsError(path, "needs a secret (to verify signed requests) or a token (for senders that cannot sign)")
  }
  if (provider === "generic") {
    try {
      return { kind: "standard-webhooks", key: parseWebhookSecret(secret) }
    } catch (err) {
      throw new PluginOptionsError(`${path}.secret`, (err as Error).message)
    }
  }
  if (secret.length < MIN_SECRET_CHARS) throw new PluginOptionsError(`${path}.secret`, `must be at least ${MIN_SECRET_CHARS} characters`)
  return provider === "chatwoot" ? { kind: "chatwoot-signature", secret } : { kind: "crisp-signature", secret }
}

function roles(value: unknown, provider: InboundProvider, path: string): string[] {
  if (value === undefined) return isChatProvider(provider) ? ["admin", "member"] : ["admin"]
  if (!Array.isArray(value) || value.some((r) => typeof r !== "string" || !ROLE.test(r))) {
    throw new PluginOptionsError(path, 'must be a list of Medusa user roles, such as ["admin", "member"]')
  }
  return [...new Set(value as string[])]
}

function source(name: string, raw: unknown): ResolvedInboundSource {
  const path = `inbound_sources.${name}`
  if (!INBOUND_SOURCE_NAME.test(name)) {
    throw new PluginOptionsError(path, "is not a source name: lower-case letters, digits, _ and -, at most 40, such as chat")
  }
  if (!isPlainObject(raw)) throw new PluginOptionsError(path, 'must be an object such as { provider: "chatwoot", secret: "..." }')
  refuseUnknownKeys(raw, KEYS, path)
  const provider = raw.provider ?? "generic"
  if (!PROVIDERS.includes(provider as InboundProvider)) {
    throw new PluginOptionsError(`${path}.provider`, `must be one of ${PROVIDERS.join(", ")}`)
  }
  const p = provider as InboundProvider
  if (raw.base_url !== undefined && p !== "chatwoot") throw new PluginOptionsError(`${path}.base_url`, "is for chatwoot sources only")
  let baseUrl: string | null = null
  if (p === "chatwoot") {
    try {
      baseUrl = parseChatwootBaseUrl(raw.base_url === undefined ? CHATWOOT_CLOUD : (raw.base_url as string))
    } catch (err) {
      throw new PluginOptionsError(`${path}.base_url`, (err as Error).message)
    }
  }
  const linkHosts = p === "crisp" ? [CRISP_APP_HOST] : baseUrl ? [new URL(baseUrl).hostname] : []
  return {
    name,
    event: inboundEvent(name),
    provider: p,
    verification: verification(p, raw, path),
    baseUrl,
    roles: roles(raw.roles, p, `${path}.roles`),
    linkHosts,
  }
}

/** Validates `inbound_sources`; errors name the option path (never a secret). */
export function resolveInboundSources(value: unknown): ResolvedInboundSource[] {
  if (value === undefined) return []
  if (!isPlainObject(value)) {
    throw new PluginOptionsError(
      "inbound_sources",
      'must be an object keyed by source name, such as { chat: { provider: "chatwoot", secret: "..." } }'
    )
  }
  return Object.entries(value).map(([name, raw]) => source(name, raw))
}
