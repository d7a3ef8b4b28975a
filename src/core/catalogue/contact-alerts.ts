/**
 * Admin alerts for contact messages, capped: the first `limit` messages within any window of
 * `windowMs` each alert admins; past that, one summary per window replaces them. The decision
 * depends only on stored rows (the message's rank among those of the window before it) and its
 * idempotency key on the message's own time, so a redelivered event or a restarted store
 * decides the same way and a summary is sent at most once per window.
 */
export interface ContactAlertPolicy {
  /** Messages per window that each get their own alert. */
  readonly limit: number
  readonly windowMs: number
}

export type ContactAlertPlan = { kind: "single" } | { kind: "summary"; idempotencyKey: string }

/** Where the contact-message summary is recorded: its event name and template key. */
export const CONTACT_SUMMARY_EVENT = "contact_message.summary"

/**
 * `rank`: 1 for the first message within the window that ends at this one, counting it.
 * `createdAt`: when this message was stored.
 */
export function planContactAlert(rank: number, createdAt: Date, policy: ContactAlertPolicy): ContactAlertPlan {
  if (rank <= policy.limit) return { kind: "single" }
  const window = Math.floor(createdAt.getTime() / policy.windowMs)
  return { kind: "summary", idempotencyKey: `${CONTACT_SUMMARY_EVENT}|${policy.windowMs}|${window}` }
}

/** The summary's text: plain, no visitor's words in it. */
export function contactSummaryText(unread: number, windowMs: number): { title: string; body: string } {
  const minutes = Math.max(1, Math.round(windowMs / 60_000))
  return {
    title: `${unread} new contact messages`,
    body: `The contact form is busy: alerts for single messages pause for ${minutes} minutes. Read them in the admin.`,
  }
}
