import type { OrderDetailsWidgetProps, WidgetConfig } from "@medusajs/admin"
import { Button, Container, Heading, Table, Text } from "@medusajs/ui"
import { useAdminCustomQuery } from "medusa-react"
import { Link } from "react-router-dom"
import { InSummary } from "../components/alert-summary"
import { PushStatus } from "../components/status"
import { errorMessage, keys, useAdminAction } from "../lib/api"
import { AUDIENCE_LABEL, dateTime } from "../lib/format"
import type { PushMessage } from "../lib/types"

/** On an order's page: the push notifications sent about it, with their outcome, and resend. */
const OrderPushes = ({ order, notify }: OrderDetailsWidgetProps) => {
  const query = { resource_id: order.id, limit: 50 }
  const messages = useAdminCustomQuery<typeof query, { messages: PushMessage[]; count: number }>(
    "/push/messages",
    keys.messages(query),
    query
  )
  const resend = useAdminAction<{ message: PushMessage }>("post")
  const list = messages.data?.messages ?? []
  return (
    <Container className="flex flex-col gap-y-4" data-testid="order-pushes">
      <Heading level="h2">Push notifications</Heading>
      {messages.isError && <Text className="text-ui-fg-error">{errorMessage(messages.error)}</Text>}
      {!list.length && !messages.isLoading && (
        <Text className="text-ui-fg-subtle">No push notification was sent about this order (the customer may not have enabled them).</Text>
      )}
      {!!list.length && (
        <Table>
          <Table.Header>
            <Table.Row>
              <Table.HeaderCell>Notification</Table.HeaderCell>
              <Table.HeaderCell>To</Table.HeaderCell>
              <Table.HeaderCell>Status</Table.HeaderCell>
              <Table.HeaderCell className="text-right">Delivered of</Table.HeaderCell>
              <Table.HeaderCell>Sent</Table.HeaderCell>
              <Table.HeaderCell />
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {list.map((m) => (
              <Table.Row key={m.id} data-message-id={m.id}>
                <Table.Cell>
                  <Link to={`/a/web-push/messages/${m.id}`} className="text-ui-fg-interactive">
                    {m.payload.title ?? m.event_name}
                  </Link>
                </Table.Cell>
                <Table.Cell>{AUDIENCE_LABEL[m.audience] ?? m.audience}</Table.Cell>
                <Table.Cell>
                  <PushStatus status={m.status} />
                </Table.Cell>
                <Table.Cell className="text-right">
                  {m.summary_id ? (
                    <InSummary summaryId={m.summary_id} />
                  ) : (
                    <>
                      {m.delivered_count} of {m.target_count}
                      {m.failed_count ? `, ${m.failed_count} failed` : ""}
                      {m.gone_count ? `, ${m.gone_count} gone` : ""}
                    </>
                  )}
                </Table.Cell>
                <Table.Cell>{dateTime(m.created_at)}</Table.Cell>
                <Table.Cell className="text-right">
                  <Button
                    size="small"
                    variant="secondary"
                    data-testid="resend"
                    disabled={resend.pending}
                    onClick={() =>
                      resend
                        .run(`/push/messages/${m.id}/resend`)
                        .then(({ message }) =>
                          notify.success("Sent again", `${message.delivered_count} of ${message.target_count} device(s) reached`)
                        )
                        .catch((e) => notify.error("Not sent", errorMessage(e)))
                    }
                  >
                    Resend
                  </Button>
                </Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      )}
    </Container>
  )
}

export const config: WidgetConfig = { zone: "order.details.after" }

export default OrderPushes
