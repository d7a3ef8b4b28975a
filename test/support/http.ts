/** A JSON answer from the app. */
export interface JsonResponse<T = Record<string, unknown>> {
  status: number
  body: T
  headers: Headers
}

export interface RequestOptions {
  body?: unknown
  /** A raw body sent as is (malformed JSON, oversized bodies). */
  rawBody?: string
  /** `Authorization: Bearer` token (customer or admin). */
  token?: string
  /** Admin API token (`x-medusa-access-token`). */
  apiToken?: string
  headers?: Record<string, string>
}

/** A small JSON client for the Medusa HTTP API, as a storefront or the admin would call it. */
export class HttpClient {
  constructor(readonly baseUrl: string) {}

  async request<T = Record<string, unknown>>(method: string, path: string, opts: RequestOptions = {}): Promise<JsonResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers }
    if (opts.token) headers.authorization = `Bearer ${opts.token}`
    if (opts.apiToken) headers["x-medusa-access-token"] = opts.apiToken
    let body: string | undefined = opts.rawBody
    if (opts.body !== undefined) body = JSON.stringify(opts.body)
    if (body !== undefined) headers["content-type"] ??= "application/json"
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body })
    const text = await res.text()
    let parsed: unknown = text
    try {
      parsed = text ? JSON.parse(text) : {}
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T, headers: res.headers }
  }

  /** Like `request`, but fails with the answer's text unless the status is the expected one. */
  async expect<T = Record<string, unknown>>(status: number, method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.request<T>(method, path, opts)
    if (res.status !== status) {
      throw new Error(`${method} ${path}: expected ${status}, got ${res.status}: ${JSON.stringify(res.body).slice(0, 500)}`)
    }
    return res.body
  }
}
