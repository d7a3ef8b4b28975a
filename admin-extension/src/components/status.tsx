import { StatusBadge } from "@medusajs/ui"
import { dateTime, isWaitingForWindow } from "../lib/format"
import type { PushMessage } from "../lib/types"

const COLORS: Record<string, "green" | "red" | "orange" | "grey" | "blue"> = {
  delivered: "green",
  done: "green",
  sending: "blue",
  scheduled: "blue",
  pending: "grey",
  retrying: "orange",
  gone: "grey",
  rejected: "red",
  failed: "red",
}

/** A message's or a delivery's status, coloured as the admin colours states. */
export function PushStatus({ status }: { status: string }) {
  return <StatusBadge color={COLORS[status] ?? "grey"}>{status}</StatusBadge>
}

/** A message's status; "waiting for delivery window" with the next opening when that is all it waits for. */
export function MessageStatus({ message }: { message: PushMessage }) {
  if (!isWaitingForWindow(message)) return <PushStatus status={message.status} />
  return (
    <span data-testid="message-waiting" title={`Next opening ${dateTime(message.next_window_opens_at)}`}>
      <StatusBadge color="orange">waiting for delivery window</StatusBadge>
      <span className="ml-2 txt-small text-ui-fg-subtle">next opening {dateTime(message.next_window_opens_at)}</span>
    </span>
  )
}
