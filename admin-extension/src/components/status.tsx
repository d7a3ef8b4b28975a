import { StatusBadge } from "@medusajs/ui"

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
