import { Container, Heading, Table, Text } from "@medusajs/ui"
import { useAdminCustomQuery } from "medusa-react"
import { Link } from "react-router-dom"
import { keys } from "../lib/api"
import { dateTime, eventLabel, money, percent } from "../lib/format"
import type { AttributionFigures, PushMessage, PushStats } from "../lib/types"
import { RevenueChart } from "./revenue-chart"

/** The stats with revenue attribution over the default period (the last 30 UTC days). */
export function useStats() {
  return useAdminCustomQuery<Record<string, never>, { stats: PushStats }>("/push/stats", keys.stats)
}

/** A message's clicks, click rate, credited orders and revenue, in one line. */
export function MessageAttribution({ message }: { message: PushMessage }) {
  return (
    <Text size="small" className="text-ui-fg-subtle" data-testid="message-attribution">
      {message.clicked_count} click{message.clicked_count === 1 ? "" : "s"} ({percent(message.click_rate)} of delivered) ·{" "}
      <span data-testid="message-orders">
        {message.orders} order{message.orders === 1 ? "" : "s"}
      </span>{" "}
      · <span data-testid="message-revenue">{money(message.revenue)}</span>
    </Text>
  )
}

function Period({ figures }: { figures: AttributionFigures }) {
  return (
    <Text size="small" className="text-ui-fg-subtle">
      {figures.window_hours
        ? `${figures.from} to ${figures.to} (UTC). An order counts for the last notification its customer clicked within ${figures.window_hours} hours before it.`
        : "Attribution is off (attribution_window_hours: 0)."}
    </Text>
  )
}

/** Orders and revenue credited to notifications over the period, per day, and per event and template. */
export function AttributionOverview({ figures, chart = true }: { figures: AttributionFigures; chart?: boolean }) {
  return (
    <Container className="flex flex-col gap-y-4" data-testid="attribution-overview">
      <div>
        <Heading level="h2">Revenue from notifications</Heading>
        <Period figures={figures} />
      </div>
      <Text data-testid="attribution-totals">
        {figures.orders} order{figures.orders === 1 ? "" : "s"} · {money(figures.revenue)}
      </Text>
      {chart && <RevenueChart days={figures.daily} />}
      <Table>
        <Table.Header>
          <Table.Row>
            <Table.HeaderCell>Event</Table.HeaderCell>
            <Table.HeaderCell className="text-right">Messages</Table.HeaderCell>
            <Table.HeaderCell className="text-right">Delivered</Table.HeaderCell>
            <Table.HeaderCell className="text-right">Clicks</Table.HeaderCell>
            <Table.HeaderCell className="text-right">Orders</Table.HeaderCell>
            <Table.HeaderCell className="text-right">Revenue</Table.HeaderCell>
          </Table.Row>
        </Table.Header>
        <Table.Body>
          {figures.by_event.map((e) => (
            <Table.Row key={`${e.event_name}/${e.template_key}`}>
              <Table.Cell title={e.template_key}>{eventLabel(e.event_name)}</Table.Cell>
              <Table.Cell className="text-right">{e.messages}</Table.Cell>
              <Table.Cell className="text-right">{e.delivered}</Table.Cell>
              <Table.Cell className="text-right">
                {e.clicks} ({percent(e.click_rate)})
              </Table.Cell>
              <Table.Cell className="text-right">{e.orders}</Table.Cell>
              <Table.Cell className="text-right">{money(e.revenue)}</Table.Cell>
            </Table.Row>
          ))}
        </Table.Body>
      </Table>
    </Container>
  )
}

/** The period's broadcasts with their clicks, credited orders and revenue. */
export function BroadcastFigures() {
  const stats = useStats()
  const figures = stats.data?.stats.attribution
  if (!figures) return null
  return (
    <Container className="flex flex-col gap-y-4" data-testid="broadcast-figures">
      <div>
        <Heading level="h2">Recent broadcasts</Heading>
        <Period figures={figures} />
      </div>
      <Table>
        <Table.Header>
          <Table.Row>
            <Table.HeaderCell>Broadcast</Table.HeaderCell>
            <Table.HeaderCell>Sent</Table.HeaderCell>
            <Table.HeaderCell className="text-right">Delivered</Table.HeaderCell>
            <Table.HeaderCell className="text-right">Clicks</Table.HeaderCell>
            <Table.HeaderCell className="text-right">Orders</Table.HeaderCell>
            <Table.HeaderCell className="text-right">Revenue</Table.HeaderCell>
          </Table.Row>
        </Table.Header>
        <Table.Body>
          {figures.broadcasts.map((b) => (
            <Table.Row key={b.id}>
              <Table.Cell>
                <Link to={`/a/web-push/messages/${b.id}`} className="text-ui-fg-interactive">
                  {b.title ?? b.id}
                </Link>
              </Table.Cell>
              <Table.Cell>{dateTime(b.created_at)}</Table.Cell>
              <Table.Cell className="text-right">{b.delivered}</Table.Cell>
              <Table.Cell className="text-right">
                {b.clicks} ({percent(b.click_rate)})
              </Table.Cell>
              <Table.Cell className="text-right">{b.orders}</Table.Cell>
              <Table.Cell className="text-right">{money(b.revenue)}</Table.Cell>
            </Table.Row>
          ))}
        </Table.Body>
      </Table>
      {!figures.broadcasts.length && <Text className="text-ui-fg-subtle">No broadcasts in this period</Text>}
    </Container>
  )
}
