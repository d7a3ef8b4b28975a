import { useQuery, useQueryClient } from "@tanstack/react-query"
import { useMedusa } from "medusa-react"
import { useCallback, useState } from "react"

/** Query keys of the plugin's data, so a change refreshes every view of it. */
export const keys = {
  all: ["web-push"] as const,
  config: ["web-push", "config"] as const,
  stats: ["web-push", "stats"] as const,
  devices: (filter: Record<string, string | undefined>) => ["web-push", "devices", filter] as const,
  messages: (filter: Record<string, string | number | undefined>) => ["web-push", "messages", filter] as const,
  message: (id: string) => ["web-push", "message", id] as const,
  templates: ["web-push", "templates"] as const,
  preferences: ["web-push", "preferences"] as const,
  contact: (filter: Record<string, string | number | undefined>) => ["web-push", "contact-messages", filter] as const,
  contactMessage: (id: string) => ["web-push", "contact-message", id] as const,
  inboundSources: ["web-push", "inbound-sources"] as const,
  automations: ["web-push", "automations"] as const,
  productAlerts: (productId: string) => ["web-push", "product-alerts", productId] as const,
}

function isPluginKey(key: readonly unknown[]): boolean {
  return key[0] === keys.all[0] || key.some((part) => Array.isArray(part) && part[0] === keys.all[0])
}

/** The message of an API error (`{ type, message, field }`), or of any other error. */
export function errorMessage(err: unknown): string {
  const e = err as { response?: { data?: { message?: unknown } }; message?: unknown }
  const fromApi = e?.response?.data?.message
  if (typeof fromApi === "string" && fromApi) return fromApi
  return typeof e?.message === "string" && e.message ? e.message : "Something went wrong"
}

/** The HTTP status of an API error, if it has one. */
export function errorStatus(err: unknown): number | undefined {
  return (err as { response?: { status?: number } })?.response?.status
}

type Method = "post" | "delete"

/**
 * A call to one of the plugin's admin routes whose path is only known when it is made (an id in
 * it), through the admin's own client (its session), invalidating the plugin's queries after.
 */
export function useAdminAction<TResponse>(method: Method) {
  const { client } = useMedusa()
  const queryClient = useQueryClient()
  const [pending, setPending] = useState(false)
  const run = useCallback(
    async (path: string, body?: Record<string, unknown>, headers?: Record<string, string>): Promise<TResponse> => {
      setPending(true)
      try {
        const answer =
          method === "post"
            ? await client.admin.custom.post(path, body ?? {}, undefined, headers)
            : await client.admin.custom.delete(path, undefined, headers)
        // medusa-react keys a custom query as [path, query, our key]: match our key anywhere.
        await queryClient.invalidateQueries({ predicate: (q) => isPluginKey(q.queryKey) })
        return answer as unknown as TResponse
      } finally {
        setPending(false)
      }
    },
    [client, queryClient, method]
  )
  return { run, pending }
}

/** A GET whose path is only known at render time, through the admin's client. */
export function useAdminGet() {
  const { client } = useMedusa()
  return useCallback(
    <T>(path: string, query?: Record<string, unknown>) => client.admin.custom.get(path, query) as unknown as Promise<T>,
    [client]
  )
}

/**
 * A message (`GET /admin/push/messages/:id`), polled while it is still being sent so counts and
 * progress bars move until it is done.
 */
export function usePolledMessage<T extends { message: { status: string } }>(
  id: string | undefined,
  query?: Record<string, unknown>,
  intervalMs = 1000
) {
  const get = useAdminGet()
  return useQuery<T, Error>({
    queryKey: [...keys.message(id ?? "none"), query ?? {}],
    queryFn: () => get<T>(`/push/messages/${id}`, query),
    enabled: !!id,
    refetchInterval: (data) => (data && data.message.status === "done" ? false : intervalMs),
  })
}
