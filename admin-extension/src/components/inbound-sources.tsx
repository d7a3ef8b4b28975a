import type { SettingProps } from "@medusajs/admin"
import { Badge, Button, Container, Copy, Heading, Text } from "@medusajs/ui"
import { useAdminCustomQuery } from "medusa-react"
import { useState } from "react"
import { Link } from "react-router-dom"
import { errorMessage, errorStatus, keys, useAdminAction } from "../lib/api"
import { dateTime } from "../lib/format"
import type { InboundSource } from "../lib/types"

const PROVIDER_LABEL: Record<InboundSource["provider"], string> = {
  chatwoot: "Chatwoot",
  crisp: "Crisp",
  generic: "Generic JSON alert",
}

/** How the source's requests prove they come from it. */
function verificationLabel(source: InboundSource): string {
  if (source.verification === "token") return "Secret token in the URL"
  const scheme = source.provider === "generic" ? "Standard Webhooks" : (PROVIDER_LABEL[source.provider] ?? source.provider)
  return `Signed with the source's secret (${scheme} signature)`
}

/** A token source's URL with its token (the last path segment) hidden. */
function maskedHookUrl(source: InboundSource): string {
  if (source.verification !== "token") return source.hook_url
  return source.hook_url.replace(/\/[^/]+$/, "/••••••••••••••••")
}

/** The hook URL to paste into the provider: copy, and for a token URL (a secret) show / hide. */
function HookUrl({ source }: { source: InboundSource }) {
  const [shown, setShown] = useState(false)
  const secret = source.verification === "token"
  return (
    <div className="flex items-center gap-x-2 min-w-0">
      <code
        className="font-mono txt-compact-small truncate"
        title={secret && !shown ? undefined : source.hook_url}
        data-testid="inbound-hook-url"
      >
        {secret && !shown ? maskedHookUrl(source) : source.hook_url}
      </code>
      {secret && (
        <Button variant="transparent" size="small" onClick={() => setShown((s) => !s)} data-testid="inbound-show-url">
          {shown ? "Hide" : "Show"}
        </Button>
      )}
      <Copy content={source.hook_url} asChild>
        <Button variant="secondary" size="small" data-testid="inbound-copy-url">
          Copy
        </Button>
      </Copy>
    </div>
  )
}

type TestAnswer = { accepted: boolean; id?: string }

/** One source: what it is, when it last alerted, its URL and a test alert. */
function SourceCard({ source, notify }: { source: InboundSource; notify: SettingProps["notify"] }) {
  const test = useAdminAction<TestAnswer>("post")
  const [result, setResult] = useState<string | undefined>()
  async function sendTest() {
    setResult(undefined)
    try {
      const answer = await test.run(`/push/inbound-sources/${encodeURIComponent(source.name)}/test`, {})
      setResult(
        answer.accepted
          ? `Test alert sent as ${source.event}: admins who chose it get "Test alert from ${source.name}".`
          : "The test alert was not stored."
      )
    } catch (err) {
      notify.error("Test alert not sent", errorMessage(err))
    }
  }
  return (
    <div className="rounded-lg border border-ui-border-base p-4 flex flex-col gap-y-3" data-inbound-source={source.name}>
      <div className="flex items-center gap-x-2">
        <Text weight="plus">{source.name}</Text>
        <Badge size="small" color="green">
          Enabled
        </Badge>
        <Text size="small" className="text-ui-fg-muted">
          {source.event}
        </Text>
      </div>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2 txt-small">
        <dt className="text-ui-fg-subtle">Provider</dt>
        <dd>{PROVIDER_LABEL[source.provider] ?? source.provider}</dd>
        <dt className="text-ui-fg-subtle">Verification</dt>
        <dd>{verificationLabel(source)}</dd>
        <dt className="text-ui-fg-subtle">Last received</dt>
        <dd data-testid="inbound-last-received">{source.last_received_at ? dateTime(source.last_received_at) : "never"}</dd>
        <dt className="text-ui-fg-subtle">Alerts received</dt>
        <dd data-testid="inbound-received-count">{source.received_count}</dd>
        <dt className="text-ui-fg-subtle">Hook URL</dt>
        <dd className="min-w-0">
          <HookUrl source={source} />
        </dd>
      </dl>
      <div className="flex items-center gap-x-3">
        <Button variant="secondary" size="small" onClick={sendTest} isLoading={test.pending} data-testid="inbound-test">
          Send a test alert
        </Button>
        {result && (
          <Text size="small" className="text-ui-fg-subtle" data-testid="inbound-test-result">
            {result}{" "}
            <Link to="/a/web-push" className="text-ui-fg-interactive">
              Delivery log
            </Link>
          </Text>
        )}
      </div>
    </div>
  )
}

/** Settings > Web Push: the systems that alert admins through the plugin's hooks (`inbound_sources`). */
export function InboundSources({ notify }: { notify: SettingProps["notify"] }) {
  const sources = useAdminCustomQuery<Record<string, never>, { sources: InboundSource[] }>("/push/inbound-sources", keys.inboundSources)
  const list = sources.data?.sources ?? []
  return (
    <Container className="flex flex-col gap-y-4" data-testid="inbound-sources">
      <div>
        <Heading level="h2">Inbound alerts</Heading>
        <Text className="text-ui-fg-subtle">
          Other systems (a chat tool, a payment provider, a stock sync) alert admins by posting to the store's hook. Paste a source's URL
          into the provider; admins choose its alerts under "Alert me about".
        </Text>
      </div>
      {sources.isError && (
        <Text className="text-ui-fg-subtle">
          {errorStatus(sources.error) === 404
            ? "Inbound alerts are not available in this version of the plugin."
            : errorMessage(sources.error)}
        </Text>
      )}
      {sources.data && !list.length && (
        <Text className="text-ui-fg-subtle" data-testid="inbound-none">
          No source is configured. Add one to the plugin's <code className="font-mono">inbound_sources</code> option, such as{" "}
          <code className="font-mono">{'{ chat: { provider: "chatwoot", secret: process.env.CHATWOOT_WEBHOOK_SECRET } }'}</code>.
        </Text>
      )}
      {list.map((source) => (
        <SourceCard key={source.name} source={source} notify={notify} />
      ))}
    </Container>
  )
}
