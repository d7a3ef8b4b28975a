/**
 * fast-check generators of malformed and hostile requests to every route of the plugin. Each
 * generated request is invalid by construction (every mutation it carries is one the route must
 * refuse), so the right answer is always a 4xx: the suite can assert that without an oracle.
 * Values that must never reach a log or an error answer carry `MARK`.
 */
import fc from "fast-check"

export type Auth = "none" | "bogus" | "customer" | "admin"

export interface HostileRequest {
  route: string
  method: string
  path: string
  auth: Auth
  body?: unknown
  rawBody?: string
  headers: Record<string, string>
}

export interface ValidShapes {
  /** A subscription the test push service would accept (its endpoint is on loopback). */
  subscription: { endpoint: string; expirationTime: null; keys: { p256dh: string; auth: string } }
  /** Every method of every admin route file: without an admin each must answer 401. */
  adminRoutes: ReadonlyArray<{ method: string; path: string }>
}

/** Put into values that must never come back in a log line or an error answer. */
export const MARK = `HOSTILE${Math.random().toString(36).slice(2, 8).toUpperCase()}`

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64url")
const marked = fc.string({ maxLength: 30 }).map((s) => `${MARK}${s}`)

/** Strings an attacker tries everywhere. */
const nasty = fc.constantFrom(
  "",
  " ",
  "\u0000",
  "\u0000\u0007\u001b[31m",
  "'; DROP TABLE push_subscription; --",
  '" OR "1"="1',
  "<script>alert(1)</script>",
  "{{constructor.constructor('return process')()}}",
  "${process.env}",
  "../../../../etc/passwd",
  "%00%0d%0a",
  "\u202e\u2066evil",
  "__proto__",
  "constructor",
  "NaN",
  "-1",
  "1e309",
  "\ud800",
  "😀".repeat(300)
)

const anyString = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: "binary", maxLength: 40 }), nasty, marked)

/** Any JSON-ish value, with a bias to the ones that confuse validators. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  anyString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(anyString, { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 6 }), anyString, { maxKeys: 3 }),
  fc.constant({ __proto__: { admin: true } })
)

/** A value that is not a string (fields that must be text). `null` is excluded: it means "absent". */
const notString = anyValue.filter((v) => v !== null && typeof v !== "string")

/** Endpoints that must be refused. None of them is loopback (the test store accepts loopback). */
export const SSRF_ENDPOINTS: ReadonlyArray<[string, string]> = [
  ["metadata, dotted", "https://169.254.169.254/latest/meta-data"],
  ["metadata, decimal", "https://2852039166/latest"],
  ["metadata, hex", "https://0xa9fea9fe/latest"],
  ["metadata, hex dotted", "https://0xa9.0xfe.0xa9.0xfe/latest"],
  ["metadata, octal", "https://0251.0376.0251.0376/latest"],
  ["metadata, short form", "https://169.16689662/latest"],
  ["private, short form", "https://10.5/x"],
  ["private, dotted", "https://10.0.0.5/x"],
  ["CGNAT", "https://100.64.0.1/x"],
  ["multicast", "https://224.0.0.1/x"],
  ["IPv6 unique local", "https://[fd00::1]/x"],
  ["IPv6 link-local", "https://[fe80::1]/x"],
  ["IPv4-mapped IPv6", "https://[::ffff:169.254.169.254]/x"],
  ["IPv4-mapped IPv6, hex", "https://[::ffff:a9fe:a9fe]/x"],
  ["NAT64 of private", "https://[64:ff9b::a00:5]/x"],
  ["userinfo before a private host", "https://fcm.googleapis.com@169.254.169.254/x"],
  ["userinfo on an allowed host", "https://user:pass@fcm.googleapis.com/fcm/send/x"],
  ["port 8443 on an allowed host", "https://fcm.googleapis.com:8443/fcm/send/x"],
  ["port 80 on an allowed host", "https://fcm.googleapis.com:80/fcm/send/x"],
  ["plain http", "http://fcm.googleapis.com/fcm/send/x"],
  ["suffix trick", "https://fcm.googleapis.com.evil.example/x"],
  ["lookalike wildcard", "https://evilpush.apple.com/x"],
  ["other scheme", "gopher://fcm.googleapis.com/x"],
  ["file", "file:///etc/passwd"],
  ["too long", `https://fcm.googleapis.com/fcm/send/${"a".repeat(2100)}`],
]

const hostileEndpoint = fc.oneof(
  fc.constantFrom(...SSRF_ENDPOINTS.map(([, e]) => e)),
  fc.tuple(fc.constantFrom(...SSRF_ENDPOINTS.map(([, e]) => e)), marked).map(([e, m]) => `${e}/${encodeURIComponent(m)}`),
  fc.webUrl().map((u) => `${u}/${MARK}`),
  fc
    .ipV4()
    .map((ip) => `https://${ip}/${MARK}`)
    .filter((u) => !u.startsWith("https://127.")),
  fc
    .integer({ min: 1, max: 65535 })
    .filter((p) => p !== 443)
    .map((p) => `https://fcm.googleapis.com:${p}/${MARK}`),
  anyString.filter((s) => !/localhost|127\.|\[::1\]/i.test(s)),
  notString
)

const badP256dh = fc.oneof(
  fc
    .uint8Array({ minLength: 0, maxLength: 100 })
    .filter((b) => b.length !== 65)
    .map(b64),
  // 65 bytes with the uncompressed prefix: a random point is (all but surely) not on the curve
  fc.uint8Array({ minLength: 64, maxLength: 64 }).map((b) => b64(Uint8Array.from([4, ...b]))),
  anyString.filter((s) => s.length !== 87),
  notString
)
const badAuth = fc.oneof(
  fc
    .uint8Array({ minLength: 0, maxLength: 40 })
    .filter((b) => b.length !== 16)
    .map(b64),
  marked.map((m) => `${m}+/`),
  anyString.filter((s) => s.length !== 22),
  notString
)
const badLimit = fc.oneof(fc.constantFrom("abc", "0", "-1", "101", "1e3", "", "1.5", "99999999999999999999"), fc.constant(["1", "2"]))
const badOffset = fc.oneof(fc.constantFrom("-1", "x", "1000001", ""), fc.constant(["0", "1"]))

type Mutation = (body: Record<string, unknown>) => void

function setPath(body: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".")
  let node: Record<string, unknown> = body
  for (const part of parts.slice(0, -1)) {
    const next = node[part]
    if (next === null || typeof next !== "object" || Array.isArray(next)) node[part] = {}
    node = node[part] as Record<string, unknown>
  }
  node[parts[parts.length - 1]] = value
}

function deletePath(body: Record<string, unknown>, path: string): void {
  const parts = path.split(".")
  let node: unknown = body
  for (const part of parts.slice(0, -1)) node = (node as Record<string, unknown> | undefined)?.[part]
  if (node && typeof node === "object") delete (node as Record<string, unknown>)[parts[parts.length - 1]]
}

const set = (path: string, value: fc.Arbitrary<unknown>): fc.Arbitrary<Mutation> =>
  value.map((v) => (b: Record<string, unknown>) => setPath(b, path, v))
const remove = (...paths: string[]): fc.Arbitrary<Mutation> =>
  fc.constantFrom(...paths).map((p) => (b: Record<string, unknown>) => deletePath(b, p))
/** A field the route does not accept, at the top or nested. */
const unknownField = (...objects: string[]): fc.Arbitrary<Mutation> =>
  fc
    .tuple(fc.constantFrom(...objects), fc.constantFrom("customer_id", "user_id", "id", "admin", "is_admin", "__proto__", "x"), anyValue)
    .map(([at, key, v]) => (b: Record<string, unknown>) => {
      const target =
        at === ""
          ? b
          : (at.split(".").reduce<unknown>((n, k) => (n as Record<string, unknown> | undefined)?.[k], b) as
              Record<string, unknown> | undefined)
      if (target && typeof target === "object" && !Array.isArray(target))
        Object.defineProperty(target, key, { value: v, enumerable: true, writable: true, configurable: true })
      else setPath(b, `${at ? `${at}.` : ""}extra_field`, v)
    })

const subscriptionMutations = (prefix: string, withCartId: boolean): Array<fc.Arbitrary<Mutation>> => [
  set(`${prefix}subscription.endpoint`, hostileEndpoint),
  set(`${prefix}subscription.keys.p256dh`, badP256dh),
  set(`${prefix}subscription.keys.auth`, badAuth),
  set(
    `${prefix}subscription.expirationTime`,
    fc.oneof(anyString, fc.constantFrom(-1, 9e15, true), fc.array(fc.integer(), { maxLength: 2 }))
  ),
  set(
    `${prefix}subscription`,
    anyValue.filter((v) => v === null || typeof v !== "object" || Array.isArray(v))
  ),
  set(
    `${prefix}subscription.keys`,
    anyValue.filter((v) => v === null || typeof v !== "object" || Array.isArray(v))
  ),
  set(
    `${prefix}locale`,
    fc.oneof(fc.constantFrom("<script>", "", "e", "en__US", "english-language-tag-way-too-long", "en-"), notString, fc.constant(null))
  ),
  set(
    `${prefix}categories`,
    fc.oneof(
      anyString,
      fc.array(fc.constantFrom("A", "", "a b", "x".repeat(41), "<b>"), { minLength: 1, maxLength: 3 }),
      fc.constant(Array.from({ length: 21 }, (_, i) => `c${i}`)),
      fc.integer()
    )
  ),
  set(
    `${prefix}cart_id`,
    withCartId
      ? fc.oneof(fc.constantFrom("' OR 1=1 --", "cart_", "cart_x-y", `cart_${"a".repeat(61)}`, "CART_123"), notString)
      : fc.constant("cart_01ABC")
  ),
  remove(
    `${prefix}subscription`,
    `${prefix}subscription.endpoint`,
    `${prefix}subscription.keys`,
    `${prefix}subscription.keys.p256dh`,
    `${prefix}subscription.keys.auth`
  ),
  unknownField("", "subscription", "subscription.keys"),
]

/** A product alert for a variant the store does not have: refused (400) before a browser is registered, whatever else is wrong. */
const alertMutations: Array<fc.Arbitrary<Mutation>> = [
  set("kind", fc.oneof(notString, fc.constantFrom("", "restock", "BACK_IN_STOCK", "price_drop "))),
  set("variant_id", fc.oneof(notString, fc.constantFrom("", "' OR 1=1 --", "variant_", `variant_${"a".repeat(70)}`, "prod_01ABC"))),
  set("region_id", fc.oneof(notString, fc.constantFrom("", "reg_", "region_1", "reg_01NOSUCH"))),
  set("endpoint", hostileEndpoint),
  remove("variant_id", "kind", "subscription"),
  unknownField("", "subscription"),
]

const proofMutations: Array<fc.Arbitrary<Mutation>> = [
  set("endpoint", hostileEndpoint),
  set("auth", badAuth),
  remove("endpoint", "auth"),
  unknownField(""),
]

const contactMutations: Array<fc.Arbitrary<Mutation>> = [
  set(
    "name",
    fc.oneof(
      notString,
      fc.constantFrom("", "   ", "\u0000\u0007", "\u202e\u200b"),
      fc
        .string({ minLength: 201, maxLength: 260 })
        .filter((s) => s.trim().length > 200 && !/[\u0000-\u001f\u007f-\u009f]/.test(s))
        .map((s) => `${MARK}${s}`)
    )
  ),
  set(
    "email",
    fc.oneof(
      notString,
      fc.constantFrom(
        "",
        "not-an-email",
        "a@b",
        "a@@b.dev",
        "<a@b.dev>",
        "a@b.dev\r\nBcc: c@d.dev",
        "a\u0000@b.dev",
        `${"a".repeat(65)}@b.dev`
      ),
      marked.map((m) => `${m} @@`)
    )
  ),
  set("subject", fc.oneof(notString, fc.constant(`${MARK}${"s".repeat(201)}`))),
  set("message", fc.oneof(notString, fc.constantFrom("", " \u0000 ", "\u200b"), fc.constant(`${MARK}${"m".repeat(5001)}`))),
  remove("name", "email", "message"),
  unknownField(""),
]

const badLink = fc.oneof(
  fc.constantFrom(
    "javascript:alert(1)",
    "//evil.example/x",
    "ftp://x.example/",
    "data:text/html,x",
    "relative/path",
    // other sites: the link rule keeps notifications on the storefront, the admin and link_allowlist
    "https://evil.example/x",
    "https://shop.teststore.dev@evil.example/x",
    "https:\\\\evil.example/x",
    "HTTPS://EVIL.EXAMPLE/"
  ),
  notString
)
const broadcastMutations: Array<fc.Arbitrary<Mutation>> = [
  set("title", fc.oneof(notString, fc.constantFrom("", " "), fc.constant("t".repeat(121)))),
  set("body", fc.oneof(notString, fc.constant("b".repeat(501)))),
  set("category", fc.oneof(notString, fc.constantFrom("", "A", "a b", "x".repeat(41), "<b>"))),
  set("url", badLink),
  set("icon", badLink),
  set("image", badLink),
  set("dry_run", fc.oneof(fc.constantFrom("true", 1, 0, "yes"), fc.constant([true]))),
  remove("title", "body", "category"),
  unknownField(""),
]

const clickMutations: Array<fc.Arbitrary<Mutation>> = [
  set("delivery_id", fc.oneof(notString, anyString, fc.stringMatching(/^pushdel_[A-Za-z0-9]{1,20}$/))),
  set("click_token", fc.oneof(notString, anyString, fc.stringMatching(/^[A-Za-z0-9_-]{43}$/))),
  set("action", fc.oneof(notString, fc.constant("a".repeat(65)))),
  remove("delivery_id", "click_token"),
  unknownField(""),
]

/** A valid body with at least one mutation that makes it invalid, or something that is not a usable body at all. */
function mutatedBody(
  valid: () => Record<string, unknown>,
  mutations: Array<fc.Arbitrary<Mutation>>
): fc.Arbitrary<{ body?: unknown; rawBody?: string }> {
  const mutated = fc.array(fc.oneof(...mutations), { minLength: 1, maxLength: 3 }).map((ms) => {
    const body = valid()
    for (const m of ms) m(body)
    return { body }
  })
  const broken = fc.oneof(
    anyValue.filter((v) => v === null || typeof v !== "object" || Array.isArray(v)).map((body) => ({ body })),
    fc.constantFrom("{", '{"a":', "[1,2", "nul", '{"subscription": {"endpoint": "\\ud800"', "\u0000").map((rawBody) => ({ rawBody })),
    fc.constant({ rawBody: JSON.stringify({ ...valid(), pad: `${MARK}${"x".repeat(20_000)}` }) })
  )
  return fc.oneof({ weight: 5, arbitrary: mutated }, { weight: 1, arbitrary: broken })
}

/** encodeURIComponent, with lone surrogates (which it refuses) sent as their raw UTF-8 bytes would be: %ED%A0%80. */
const encode = (value: unknown): string =>
  String(value).replace(/[\s\S]/gu, (ch) => {
    const code = ch.charCodeAt(0)
    if (ch.length === 1 && code >= 0xd800 && code <= 0xdfff)
      return `%ED%${(0xa0 + ((code >> 6) & 0x1f)).toString(16).toUpperCase()}%${(0x80 + (code & 0x3f)).toString(16).toUpperCase()}`
    return encodeURIComponent(ch)
  })

const query = (pairs: Array<[string, unknown]>): string =>
  pairs.map(([k, v]) => (Array.isArray(v) ? v.map((x) => `${k}=${encode(x)}`).join("&") : `${k}=${encode(v)}`)).join("&")

/** At least one bad query parameter, plus possibly some good or unknown ones. */
function badQuery(params: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<string> {
  const bad = fc.oneof(...Object.entries(params).map(([k, v]) => v.map((x) => [k, x] as [string, unknown])))
  return fc
    .tuple(
      fc.array(bad, { minLength: 1, maxLength: 3 }),
      fc.array(fc.tuple(fc.constantFrom("q", "expand", "fields", "order"), anyString), { maxLength: 2 })
    )
    .map(([b, extra]) => `?${query([...extra, ...b])}`)
}

const xForwardedFor = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.constantFrom("unknown", "1.2.3.4, 5.6.7.8", "::ffff:10.0.0.1", "[::1]:80", "999.999.999.999")
)
const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant("application/json") },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "text/plain",
      "application/json; charset=latin1",
      "application/x-www-form-urlencoded",
      "application/json; charset=utf-16"
    ),
  }
)
const storeAuth = fc.constantFrom<Auth>("none", "none", "bogus", "customer")
const anyAuth = fc.constantFrom<Auth>("none", "bogus", "customer", "admin", "admin", "admin")

function request(
  route: string,
  method: string,
  path: fc.Arbitrary<string>,
  auth: fc.Arbitrary<Auth>,
  body?: fc.Arbitrary<{ body?: unknown; rawBody?: string }>
): fc.Arbitrary<HostileRequest> {
  return fc
    .record({ path, auth, body: body ?? fc.constant<{ body?: unknown; rawBody?: string }>({}), xff: xForwardedFor, type: contentType })
    .map(({ path: p, auth: a, body: b, xff, type }) => ({
      route,
      method,
      path: p,
      auth: a,
      ...b,
      headers: { "x-forwarded-for": xff, ...(b.body !== undefined || b.rawBody !== undefined ? { "content-type": type } : {}) },
    }))
}

/** Every route of the plugin, store and admin, each with invalid input of its own kind. */
export function hostileRequests(valid: ValidShapes): fc.Arbitrary<HostileRequest> {
  const subscribe = () => ({ subscription: structuredClone(valid.subscription) })
  const renew = () => ({
    previous: { endpoint: "https://fcm.googleapis.com/fcm/send/old", auth: valid.subscription.keys.auth },
    subscription: structuredClone(valid.subscription),
  })
  const proof = () => ({ endpoint: valid.subscription.endpoint, auth: valid.subscription.keys.auth })
  const contact = () => ({ name: "Ada", email: "ada@shop.dev", subject: "Hi", message: "Hello" })
  const broadcast = () => ({ title: "Sale", body: "Everything must go", category: "promotions", dry_run: false })
  const click = () => ({ delivery_id: "pushdel_01NOSUCHDELIVERY", click_token: "A".repeat(43) })
  const alert = () => ({ subscription: structuredClone(valid.subscription), variant_id: "variant_01NOSUCHVARIANT", kind: "back_in_stock" })
  const fixed = (p: string) => fc.constant(p)
  const messageId = fc
    .oneof(
      fc.string({ minLength: 1, maxLength: 30 }).map(encode),
      fc.constantFrom("%E0%A4%A", "%", "%zz", "pushmsg_01NOSUCH", "pushmsg_%00", "%2F..%2F"),
      marked.map(encode)
    )
    .filter((s) => s !== "." && s !== "..")
  return fc.oneof(
    request(
      "store subscribe",
      "POST",
      fixed("/store/push/subscriptions"),
      storeAuth,
      mutatedBody(subscribe, subscriptionMutations("", true))
    ),
    request(
      "store renew",
      "POST",
      fixed("/store/push/subscriptions/renew"),
      storeAuth,
      mutatedBody(renew, [...subscriptionMutations("", false), set("previous", fc.oneof(anyString, fc.integer()))])
    ),
    request("store unsubscribe", "DELETE", fixed("/store/push/subscriptions"), storeAuth, mutatedBody(proof, proofMutations)),
    request(
      "store list",
      "GET",
      badQuery({ limit: badLimit, offset: badOffset }).map((q) => `/store/push/subscriptions${q}`),
      storeAuth
    ),
    request("store click", "POST", fixed("/store/push/clicks"), storeAuth, mutatedBody(click, clickMutations)),
    // The click link of a declarative notification: a malformed delivery id, or a malformed token
    // (a well-formed pair redirects, 303, whether or not it is a delivery's: not generated here).
    request(
      "store click link",
      "GET",
      fc.oneof(
        fc
          .tuple(
            fc.oneof(
              fc.constantFrom("order_1", "pushdel_", `pushdel_${"A".repeat(61)}`, "PUSHDEL_1", "pushdel_a-b", "..%2F..%2Fadmin"),
              marked
            ),
            fc.constant("A".repeat(43))
          )
          .map(([id, t]) => `/store/push/clicks/${encodeURIComponent(id)}?t=${t}`),
        fc
          .oneof(fc.constantFrom("short", "A".repeat(44), "A".repeat(42) + "=", "%00", ["A".repeat(43), "A".repeat(43)]), marked)
          .map((t) => `/store/push/clicks/pushdel_01HOSTILE?${query([["t", t]])}`)
      ),
      storeAuth
    ),
    request(
      "store product alert",
      "POST",
      fixed("/store/push/alerts"),
      storeAuth,
      mutatedBody(alert, [...alertMutations, ...subscriptionMutations("", false)])
    ),
    request("store alert list", "POST", fixed("/store/push/alerts/list"), storeAuth, mutatedBody(proof, proofMutations)),
    request("store contact", "POST", fixed("/store/contact-messages"), storeAuth, mutatedBody(contact, contactMutations)),
    request(
      "admin subscribe",
      "POST",
      fixed("/admin/push/subscriptions"),
      anyAuth,
      mutatedBody(subscribe, subscriptionMutations("", false))
    ),
    request("admin unsubscribe", "DELETE", fixed("/admin/push/subscriptions"), anyAuth, mutatedBody(proof, proofMutations)),
    request(
      "admin list devices",
      "GET",
      badQuery({
        customer_id: fc.constantFrom("", "cus-1", "' OR 1=1", "x".repeat(81)),
        user_id: fc.constantFrom("", "usr 1", "%"),
        owner_type: fc.constantFrom("robot", "", "Admin"),
        limit: badLimit,
        offset: badOffset,
      }).map((q) => `/admin/push/subscriptions${q}`),
      anyAuth
    ),
    request(
      "admin test",
      "POST",
      fixed("/admin/push/test"),
      anyAuth,
      fc.oneof(
        fc.constant({}),
        anyValue.map((body) => ({ body }))
      )
    ),
    request("admin broadcast", "POST", fixed("/admin/push/broadcasts"), anyAuth, mutatedBody(broadcast, broadcastMutations)),
    request(
      "admin messages",
      "GET",
      badQuery({
        event_name: fc.constantFrom("", "a b", "x".repeat(101), "order.placed'--"),
        status: fc.constantFrom("fail", ""),
        audience: fc.constantFrom("everyone", ""),
        resource_id: fc.constantFrom("", "a-b", "x".repeat(81)),
        limit: badLimit,
        offset: badOffset,
      }).map((q) => `/admin/push/messages${q}`),
      anyAuth
    ),
    request(
      "admin message",
      "GET",
      messageId.map((id) => `/admin/push/messages/${id}`),
      anyAuth
    ),
    fc
      .record({
        route: fc.constantFrom(...valid.adminRoutes),
        auth: fc.constantFrom<Auth>("none", "bogus", "customer"),
        body: anyValue,
        xff: xForwardedFor,
      })
      .map(({ route, auth, body, xff }) => ({
        route: "any admin route without an admin",
        method: route.method,
        path: route.path,
        auth,
        ...(route.method === "GET" ? {} : { body }),
        headers: { "x-forwarded-for": xff, ...(route.method === "GET" ? {} : { "content-type": "application/json" }) },
      })),
    request(
      "admin contact messages",
      "GET",
      badQuery({ unread: fc.constantFrom("yes", "1", "", "TRUE"), limit: badLimit, offset: badOffset }).map(
        (q) => `/admin/contact-messages${q}`
      ),
      anyAuth
    )
  )
}
