import type { RouteProps } from "@medusajs/admin"
import { Button, Container, Heading, Table, Text } from "@medusajs/ui"
import { useParams, useNavigate } from "react-router-dom"
import { SummaryNote } from "../../../../components/alert-summary"
import { MessageAttribution } from "../../../../components/attribution"
import { SendProgress } from "../../../../components/progress"
import { describeSegment } from "../../../../components/segment-fields"
import { PushNav } from "../../../../components/push-nav"
import { MessageStatus, PushStatus } from "../../../../components/status"
import { errorMessage, useAdminAction, usePolledMessage } from "../../../../lib/api"
import { AUDIENCE_LABEL, dateTime } from "../../../../lib/format"
import type { Delivery, PushMessage } from "../../../../lib/types"

/** One notification: what it said, its progress, and each device's delivery. */
const MessageDetail = ({ notify }: RouteProps) => {
  const { id = "" } = useParams()
  const navigate = useNavigate()
  const detail = usePolledMessage<{ message: PushMessage; deliveries: Delivery[] }>(id, { limit: 500 })
  const resend = useAdminAction<{ message: PushMessage }>("post")
  if (detail.isError) return <Text className="text-ui-fg-error">{errorMessage(detail.error)}</Text>
  const message = detail.data?.message
  return (
    <div className="flex flex-col gap-y-4">
      <PushNav />
      {message && (
        <Container className="flex flex-col gap-y-4" data-testid="message-detail">
          <div className="flex items-start justify-between">
            <div>
              <Heading level="h1">{message.payload.title}</Heading>
              <Text className="text-ui-fg-subtle">{message.payload.body}</Text>
              <div className="mt-1">
                <MessageStatus message={message} />
              </div>
              <Text size="small" className="text-ui-fg-muted mt-1">
                {message.event_name} · {AUDIENCE_LABEL[message.audience] ?? message.audience} · {dateTime(message.created_at)} ·{" "}
                {message.payload.url}
              </Text>
              <MessageAttribution message={message} />
              {message.audience === "broadcast" && (
                <Text size="small" className="text-ui-fg-muted" data-testid="message-segment">
                  {message.category} · {describeSegment(message.segment)}
                </Text>
              )}
            </div>
            <Button
              variant="secondary"
              isLoading={resend.pending}
              onClick={() =>
                resend
                  .run(`/push/messages/${message.id}/resend`)
                  .then(({ message: again }) => {
                    notify.success("Sent again", `${again.target_count} device(s)`)
                    navigate(`/a/web-push/messages/${again.id}`)
                  })
                  .catch((e) => notify.error("Not sent", errorMessage(e)))
              }
            >
              Resend
            </Button>
          </div>
          <SummaryNote message={message} />
          {!message.summary_id && <SendProgress message={message} />}
          <Table>
            <Table.Header>
              <Table.Row>
                <Table.HeaderCell>Device</Table.HeaderCell>
                <Table.HeaderCell>Status</Table.HeaderCell>
                <Table.HeaderCell>Attempts</Table.HeaderCell>
                <Table.HeaderCell>Code</Table.HeaderCell>
                <Table.HeaderCell>Error</Table.HeaderCell>
                <Table.HeaderCell>Delivered</Table.HeaderCell>
                <Table.HeaderCell>Clicked</Table.HeaderCell>
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {(detail.data?.deliveries ?? []).map((d) => (
                <Table.Row key={d.id}>
                  <Table.Cell className="font-mono">{d.subscription_id}</Table.Cell>
                  <Table.Cell>
                    <PushStatus status={d.status} />
                    {d.status === "scheduled" && (
                      <span className="ml-2 txt-small text-ui-fg-subtle">
                        waiting for delivery window, opens {dateTime(d.next_attempt_at)}
                      </span>
                    )}
                  </Table.Cell>
                  <Table.Cell>{d.attempts}</Table.Cell>
                  <Table.Cell>{d.last_status_code ?? "–"}</Table.Cell>
                  <Table.Cell>{d.last_error ?? "–"}</Table.Cell>
                  <Table.Cell>{dateTime(d.delivered_at)}</Table.Cell>
                  <Table.Cell>{dateTime(d.clicked_at)}</Table.Cell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table>
        </Container>
      )}
    </div>
  )
}

export default MessageDetail
