import { Text } from "@medusajs/ui"
import { dateTime, isWaitingForWindow } from "../lib/format"
import type { PushMessage } from "../lib/types"

/** How far a message's send has come: delivered, failed and gone against its target count. */
export function SendProgress({ message }: { message: PushMessage }) {
  const total = Math.max(message.target_count, message.delivered_count + message.failed_count + message.gone_count)
  const share = (n: number) => (total ? `${(n / total) * 100}%` : "0%")
  const pending = Math.max(0, total - message.delivered_count - message.failed_count - message.gone_count)
  const finished = total - pending
  const held = message.held_count ?? 0
  const state =
    message.status === "done"
      ? "Done"
      : message.status === "scheduled"
        ? `Scheduled for ${dateTime(message.send_at)}`
        : isWaitingForWindow(message)
          ? "Waiting for delivery window"
          : "Sending"
  return (
    <div data-testid="send-progress" data-status={message.status} data-finished={finished} data-total={total} data-held={held}>
      <div
        className="flex h-3 w-full overflow-hidden rounded-full bg-ui-bg-subtle border border-ui-border-base"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={finished}
      >
        <div className="bg-ui-tag-green-icon" style={{ width: share(message.delivered_count) }} />
        <div className="bg-ui-tag-red-icon" style={{ width: share(message.failed_count) }} />
        <div className="bg-ui-tag-neutral-icon" style={{ width: share(message.gone_count) }} />
      </div>
      <Text size="small" className="text-ui-fg-subtle mt-2">
        {state}: {message.delivered_count} delivered, {message.failed_count} failed, {message.gone_count} gone, {pending} pending of {total}
        {held > 0 &&
          message.status !== "done" &&
          `; ${held} waiting for their delivery window, next opening ${dateTime(message.next_window_opens_at)}`}
      </Text>
    </div>
  )
}
