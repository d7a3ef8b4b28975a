import type { RouteConfig, RouteProps } from "@medusajs/admin"
import { BellAlert } from "@medusajs/icons"
import { Container, Heading, Input, Label, Table, Text } from "@medusajs/ui"
import { useAdminCustomQuery } from "medusa-react"
import { useState } from "react"
import { Link } from "react-router-dom"
import { EventName, InSummary } from "../../components/alert-summary"
import { useStats } from "../../components/attribution"
import { RevenueChart } from "../../components/revenue-chart"
import { DeliveryChart } from "../../components/chart"
import { Pager } from "../../components/pager"
import { PushNav } from "../../components/push-nav"
import { MessageStatus } from "../../components/status"
import { errorMessage, keys } from "../../lib/api"
import { AUDIENCE_LABEL, dateTime, money, percent } from "../../lib/format"
import type { PushMessage } from "../../lib/types"

const PAGE = 20

function NativeSelect(props: { id: string; value: string; onChange: (v: string) => void; options: Array<[string, string]> }) {
  return (
    <select
      id={props.id}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
      className="bg-ui-bg-field shadow-buttons-neutral txt-compact-small rounded-md h-8 px-2 text-ui-fg-base"
    >
      {props.options.map(([value, label]) => (
        <option key={value} value={value}>
          {label}
        </option>
      ))}
    </select>
  )
}

/** Sent notifications with their counts, filters, and a chart of the last 14 days. */
const DeliveryLog = (_props: RouteProps) => {
  const [event, setEvent] = useState("")
  const [status, setStatus] = useState("")
  const [audience, setAudience] = useState("")
  const [offset, setOffset] = useState(0)
  const filter = {
    event_name: event.trim() || undefined,
    status: status || undefined,
    audience: audience || undefined,
    limit: PAGE,
    offset,
  }
  const stats = useStats()
  const messages = useAdminCustomQuery<typeof filter, { messages: PushMessage[]; count: number }>(
    "/push/messages",
    keys.messages(filter),
    filter,
    {
      keepPreviousData: true,
    }
  )
  const count = messages.data?.count ?? 0
  return (
    <div className="flex flex-col gap-y-4" data-testid="delivery-log">
      <PushNav />
      <Container className="flex flex-col gap-y-4">
        <div>
          <Heading level="h1">Delivery log</Heading>
          <Text className="text-ui-fg-subtle">Deliveries per day over the last 14 days (UTC).</Text>
        </div>
        {stats.data && <DeliveryChart series={stats.data.stats.series} />}
      </Container>
      {stats.data && (
        <Container className="flex flex-col gap-y-4">
          <div>
            <Heading level="h2">Attributed revenue</Heading>
            <Text className="text-ui-fg-subtle">
              Orders credited to a clicked notification, per day over the last 30 days (UTC): {money(stats.data.stats.attribution.revenue)}
            </Text>
          </div>
          <RevenueChart days={stats.data.stats.attribution.daily} />
        </Container>
      )}
      <Container className="flex flex-col gap-y-4">
        <div className="flex flex-wrap items-end gap-4">
          <div className="flex flex-col gap-y-1">
            <Label htmlFor="log-event" size="small">
              Event
            </Label>
            <Input
              id="log-event"
              size="small"
              placeholder="order.shipment_created"
              value={event}
              onChange={(e) => (setEvent(e.target.value), setOffset(0))}
            />
          </div>
          <div className="flex flex-col gap-y-1">
            <Label htmlFor="log-status" size="small">
              Status
            </Label>
            <NativeSelect
              id="log-status"
              value={status}
              onChange={(v) => (setStatus(v), setOffset(0))}
              options={[
                ["", "Any"],
                ["scheduled", "Scheduled"],
                ["sending", "Sending"],
                ["done", "Done"],
                ["failed", "Failed"],
              ]}
            />
          </div>
          <div className="flex flex-col gap-y-1">
            <Label htmlFor="log-audience" size="small">
              Audience
            </Label>
            <NativeSelect
              id="log-audience"
              value={audience}
              onChange={(v) => (setAudience(v), setOffset(0))}
              options={[
                ["", "Any"],
                ["customer", "Customer"],
                ["admin", "Admins"],
                ["broadcast", "Broadcast"],
                ["test", "Test"],
              ]}
            />
          </div>
        </div>
        {messages.isError && <Text className="text-ui-fg-error">{errorMessage(messages.error)}</Text>}
        <Table>
          <Table.Header>
            <Table.Row>
              <Table.HeaderCell>Notification</Table.HeaderCell>
              <Table.HeaderCell>Event</Table.HeaderCell>
              <Table.HeaderCell>Audience</Table.HeaderCell>
              <Table.HeaderCell>Status</Table.HeaderCell>
              <Table.HeaderCell className="text-right">Delivered / failed / gone of</Table.HeaderCell>
              <Table.HeaderCell className="text-right">Clicks</Table.HeaderCell>
              <Table.HeaderCell className="text-right">Orders</Table.HeaderCell>
              <Table.HeaderCell>Sent</Table.HeaderCell>
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {(messages.data?.messages ?? []).map((m) => (
              <Table.Row key={m.id} data-message-id={m.id}>
                <Table.Cell>
                  <Link to={`/a/web-push/messages/${m.id}`} className="text-ui-fg-interactive">
                    {m.payload.title ?? m.id}
                  </Link>
                </Table.Cell>
                <Table.Cell>
                  <EventName event={m.event_name} />
                </Table.Cell>
                <Table.Cell>{AUDIENCE_LABEL[m.audience] ?? m.audience}</Table.Cell>
                <Table.Cell title={m.last_error ?? undefined}>
                  <MessageStatus message={m} />
                  {m.status === "failed" && m.last_error && <span className="ml-2 txt-small text-ui-fg-error">{m.last_error}</span>}
                </Table.Cell>
                <Table.Cell className="text-right">
                  {m.summary_id ? (
                    <InSummary summaryId={m.summary_id} />
                  ) : m.status === "scheduled" && m.send_at ? (
                    `sends ${dateTime(m.send_at)}`
                  ) : (
                    `${m.delivered_count} / ${m.failed_count} / ${m.gone_count} of ${m.target_count}`
                  )}
                </Table.Cell>
                <Table.Cell className="text-right">
                  {m.clicked_count} ({percent(m.click_rate)})
                </Table.Cell>
                <Table.Cell className="text-right" data-testid="message-orders">
                  {m.orders ? `${m.orders}: ${money(m.revenue)}` : "–"}
                </Table.Cell>
                <Table.Cell>{dateTime(m.created_at)}</Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
        <Pager offset={offset} count={count} pageSize={PAGE} empty="No notifications match" onChange={setOffset} />
      </Container>
    </div>
  )
}

export const config: RouteConfig = {
  link: { label: "Web Push", icon: BellAlert },
}

export default DeliveryLog
