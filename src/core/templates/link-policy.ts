import { hostMatches } from "../security/endpoint-policy"
import { fillPlaceholders } from "./template"

/**
 * Where a notification may send its reader (the `url` opened on click) and load its pictures from
 * (`icon`, `image`): the store's own storefront and admin, and the hosts the store owner lists in
 * `link_allowlist`. A stolen or careless admin session must not turn every notification into a
 * redirect to another site.
 */
export interface LinkPolicy {
  /** `storefront_url`: customer and broadcast links are resolved against it. */
  readonly storefrontUrl: string
  /** `admin_url`: admin links are resolved against it. */
  readonly adminUrl: string
  /** `link_allowlist`: lower-case host names; `*.example.com` matches any subdomain of example.com. */
  readonly allowedHosts: readonly string[]
}

export type LinkCheck = { readonly ok: true; readonly url: string } | { readonly ok: false; readonly problem: string }

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/
// C0 controls, DEL and C1 controls: the URL parser drops some of them silently, so a link carrying
// one is not what it looks like.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/
// `//host`, `\\host`, `/\host`, `\/host`: a browser reads each as "another host, same scheme".
const OTHER_HOST = /^[/\\]{2}/

/**
 * Resolves a link against the base URL, keeping a base path such as `/de`; an http(s) link (any
 * text starting with `http:` or `https:`, as a browser reads it) is kept as it is.
 */
export function resolveLink(link: string, baseUrl: string): string {
  if (/^https?:/i.test(link)) return link
  const base = baseUrl.replace(/\/+$/, "")
  return link.startsWith("/") ? `${base}${link}` : `${base}/${link}`
}

function origin(url: string): string | undefined {
  try {
    return new URL(url).origin
  } catch {
    return undefined
  }
}

/**
 * The link rule, in one place. A path is resolved against `baseUrl` (the storefront for customers
 * and broadcasts, the admin for admin notifications); a full URL must be http(s), carry no user
 * name or password, and be on the storefront's or the admin's origin (scheme, host and port), or
 * use https on a host in `link_allowlist`. What is checked is the URL as a browser parses it, so
 * tricks such as `https://shop.example@evil.example`, `//evil.example` or backslashes are judged
 * by the host they really reach. Answers the resolved link, or what is wrong with it.
 */
export function checkLink(link: string, baseUrl: string, policy: LinkPolicy): LinkCheck {
  const value = link.trim()
  if (CONTROL.test(value)) return { ok: false, problem: "must not contain control characters" }
  if (OTHER_HOST.test(value)) return { ok: false, problem: "must not start with // or \\\\ (that names another host)" }
  if (SCHEME.test(value) && !/^https?:/i.test(value)) return { ok: false, problem: "must be a path or an http(s) URL" }
  const resolved = resolveLink(value === "" ? "/" : value, baseUrl)
  let url: URL
  try {
    url = new URL(resolved)
  } catch {
    return { ok: false, problem: "must be a path or an http(s) URL" }
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { ok: false, problem: "must be a path or an http(s) URL" }
  if (url.username !== "" || url.password !== "") return { ok: false, problem: "must not carry a user name or password" }
  const home = url.origin === origin(policy.storefrontUrl) || url.origin === origin(policy.adminUrl)
  const allowed = url.protocol === "https:" && hostMatches(url.hostname, policy.allowedHosts)
  if (!home && !allowed) {
    return { ok: false, problem: "must be a path, or a link to the storefront, the admin or a host in the link_allowlist option" }
  }
  return { ok: true, url: resolved }
}

/** The resolved link when the rule allows it, else `undefined`. */
export function allowedLink(link: string, baseUrl: string, policy: LinkPolicy): string | undefined {
  const checked = checkLink(link, baseUrl, policy)
  return checked.ok ? checked.url : undefined
}

/** The base URL links of an audience are resolved against: the admin's for admin notifications, else the storefront's. */
export function linkBase(audience: string, policy: Pick<LinkPolicy, "storefrontUrl" | "adminUrl">): string {
  return audience === "admin" ? policy.adminUrl : policy.storefrontUrl
}

/**
 * A template's link, placeholders and all (`/order/confirmed/{{order.id}}`): judged by what it
 * resolves to with stand-in values (a placeholder's fallback, else `x`), not by the placeholder.
 * The rendered link is checked again when it is sent, with the real values.
 */
export function checkTemplateLink(template: string, baseUrl: string, policy: LinkPolicy): LinkCheck {
  return checkLink(fillPlaceholders(template, "x"), baseUrl, policy)
}
