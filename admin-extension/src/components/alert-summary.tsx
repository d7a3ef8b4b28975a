import { Badge, Text } from "@medusajs/ui"
import { Link } from "react-router-dom"
import { dateTime, isSummaryEvent, summarisedEvent } from "../lib/format"
import type { PushMessage } from "../lib/types"

/**
 * Admin alert floods (`admin_alerts`): past its event's limit in a window, an alert is not sent on
 * its own but counted in the window's summary message (`<event>.summary`), sent when the window ends.
 */

const summaryPath = (id: string) => `/a/web-push/messages/${id}`

/** In place of a folded alert's counts (all zero): "In summary", linking to the summary message. */
export function InSummary({ summaryId }: { summaryId: string }) {
  return (
    <Link
      to={summaryPath(summaryId)}
      className="text-ui-fg-interactive"
      data-testid="in-summary"
      title="Past its event's alert limit in the window: not sent on its own, counted in this summary"
    >
      In summary
    </Link>
  )
}

/** A message's event as the log lists it: a summary reads "Summary of <event>". */
export function EventName({ event }: { event: string }) {
  if (!isSummaryEvent(event)) return <>{event}</>
  return (
    <span data-testid="summary-event">
      <Badge size="small" color="blue">
        Summary
      </Badge>{" "}
      of {summarisedEvent(event)}
    </span>
  )
}

/** On a message's page: where a folded alert went, or what a summary sums up and when it goes. */
export function SummaryNote({ message }: { message: PushMessage }) {
  if (message.summary_id) {
    return (
      <Text className="text-ui-fg-subtle" data-testid="summary-note">
        Not sent on its own: {message.event_name} went past its alert limit in this window, so this alert was counted in the window's
        summary, sent when the window ends. <InSummary summaryId={message.summary_id} />
      </Text>
    )
  }
  if (!isSummaryEvent(message.event_name)) return null
  return (
    <Text className="text-ui-fg-subtle" data-testid="summary-note">
      A summary of the {summarisedEvent(message.event_name)} alerts past the limit in one window
      {message.status === "scheduled"
        ? `; sent when the window ends (${dateTime(message.send_at)}), counting every alert until then.`
        : "."}
    </Text>
  )
}
