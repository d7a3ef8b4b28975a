import type { RouteProps } from "@medusajs/admin"
import { Button, Container, Heading, Input, Label, Prompt, Text, Textarea } from "@medusajs/ui"
import { useEffect, useMemo, useState } from "react"
import { Link } from "react-router-dom"
import { BroadcastFigures } from "../../../components/attribution"
import { SendProgress } from "../../../components/progress"
import { describeSegment, EMPTY_SEGMENT, SegmentDraft, SegmentFields, toSegment } from "../../../components/segment-fields"
import { PushNav } from "../../../components/push-nav"
import { errorMessage, useAdminAction, usePolledMessage } from "../../../lib/api"
import { dateTime, devices } from "../../../lib/format"
import type { BroadcastReach, PushMessage } from "../../../lib/types"

interface Draft {
  title: string
  body: string
  url: string
  image: string
  category: string
}

const EMPTY: Draft = { title: "", body: "", url: "", image: "", category: "promotions" }

/** "1 now, 2 waiting for their delivery window (from <time>)", or "" when none waits. */
function heldText(reach: BroadcastReach): string {
  if (!reach.held_for_window) return ""
  return `${reach.sending_now} now, ${reach.held_for_window} waiting for their delivery window (from ${dateTime(reach.next_window_opens_at)})`
}

function Field(props: { id: keyof Draft; label: string; hint?: string; draft: Draft; set: (d: Draft) => void; multiline?: boolean }) {
  const value = props.draft[props.id]
  const change = (v: string) => props.set({ ...props.draft, [props.id]: v })
  return (
    <div className="flex flex-col gap-y-1">
      <Label htmlFor={`broadcast-${props.id}`} weight="plus">
        {props.label}
      </Label>
      {props.multiline ? (
        <Textarea id={`broadcast-${props.id}`} value={value} onChange={(e) => change(e.target.value)} rows={3} />
      ) : (
        <Input id={`broadcast-${props.id}`} value={value} onChange={(e) => change(e.target.value)} />
      )}
      {props.hint && (
        <Text size="xsmall" className="text-ui-fg-muted">
          {props.hint}
        </Text>
      )}
    </div>
  )
}

/** An announcement to every customer who opted into a category: count first, confirm, then watch it go out. */
const Broadcast = ({ notify }: RouteProps) => {
  const [draft, setDraft] = useState<Draft>(EMPTY)
  const [segmentDraft, setSegmentDraft] = useState<SegmentDraft>(EMPTY_SEGMENT)
  const [countError, setCountError] = useState<string | undefined>()
  const [counted, setCounted] = useState<{ for: string; count: number; reach: BroadcastReach } | undefined>()
  const [confirming, setConfirming] = useState(false)
  const [sentId, setSentId] = useState<string | undefined>()
  const post = useAdminAction<BroadcastReach & { message?: PushMessage }>("post")
  const body = useMemo(
    () => ({
      title: draft.title,
      body: draft.body,
      category: draft.category.trim(),
      ...(draft.url.trim() ? { url: draft.url.trim() } : {}),
      ...(draft.image.trim() ? { image: draft.image.trim() } : {}),
      segment: toSegment(segmentDraft),
    }),
    [draft, segmentDraft]
  )
  const key = JSON.stringify(body)
  // One key per composed message: a retried click answers the first send instead of sending twice.
  const idempotencyKey = useMemo(() => `bc-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`, [key])
  const progress = usePolledMessage<{ message: PushMessage }>(sentId, { limit: 1 }, 700)

  async function count(quiet = false) {
    try {
      const answer = await post.run("/push/broadcasts", { ...body, dry_run: true })
      setCounted({ for: key, count: answer.recipient_count, reach: answer })
      setCountError(undefined)
    } catch (err) {
      setCountError(errorMessage(err))
      if (!quiet) notify.error("Cannot count recipients", errorMessage(err))
    }
  }

  const ready = draft.title.trim() && draft.body.trim() && draft.category.trim()
  // A live count while the admin edits (debounced), so the count shown is the message's; a bad value shows the server's message.
  useEffect(() => {
    if (!ready || sentId) return
    const timer = setTimeout(() => void count(true), 600)
    return () => clearTimeout(timer)
  }, [key, !!ready])

  async function send() {
    setConfirming(false)
    try {
      const answer = await post.run("/push/broadcasts", body, { "Idempotency-Key": idempotencyKey })
      setSentId(answer.message?.id)
    } catch (err) {
      notify.error("Broadcast not sent", errorMessage(err))
    }
  }

  const countIsCurrent = counted?.for === key
  return (
    <div className="flex flex-col gap-y-4" data-testid="broadcast">
      <PushNav />
      <Container className="flex flex-col gap-y-4">
        <div>
          <Heading level="h1">Broadcast</Heading>
          <Text className="text-ui-fg-subtle">
            A notification to the customer devices that opted into a category, or to a segment of them.
          </Text>
        </div>
        <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
          <Field id="title" label="Title" draft={draft} set={setDraft} />
          <Field id="category" label="Category" hint="Customers who opted into this category receive it" draft={draft} set={setDraft} />
          <div className="md:col-span-2">
            <Field id="body" label="Message" draft={draft} set={setDraft} multiline />
          </div>
          <Field id="url" label="Link" hint="A storefront path (/collections/sale) or a full URL" draft={draft} set={setDraft} />
          <Field id="image" label="Image" hint="Optional image URL" draft={draft} set={setDraft} />
        </div>
        <div className="flex flex-col gap-y-2">
          <Heading level="h2">Segment</Heading>
          <Text size="small" className="text-ui-fg-subtle">
            Narrow the category's customers; every choice must hold. Leave it empty to reach them all.
          </Text>
          <SegmentFields draft={segmentDraft} set={setSegmentDraft} />
          {countError && (
            <Text size="small" className="text-ui-fg-error" data-testid="broadcast-segment-error">
              {countError}
            </Text>
          )}
        </div>
        <div className="flex items-center gap-x-2">
          <Button
            variant="secondary"
            disabled={!ready}
            isLoading={post.pending && !countIsCurrent}
            onClick={() => void count()}
            data-testid="broadcast-count"
          >
            Count recipients
          </Button>
          {countIsCurrent && (
            <>
              <Text data-testid="broadcast-recipients">
                {counted.reach.held_for_window
                  ? `${devices(counted.count)}: ${heldText(counted.reach)}`
                  : `${devices(counted.count)} will receive it now`}
                {` (${describeSegment(counted.reach.segment)})`}
              </Text>
              <Prompt open={confirming} onOpenChange={setConfirming}>
                <Prompt.Trigger asChild>
                  <Button variant="primary" disabled={!counted.count || !!sentId} data-testid="broadcast-send">
                    Send to {devices(counted.count)}
                  </Button>
                </Prompt.Trigger>
                <Prompt.Content>
                  <Prompt.Header>
                    <Prompt.Title>Send this broadcast?</Prompt.Title>
                    <Prompt.Description>
                      "{draft.title}" goes to {counted.count} customer device{counted.count === 1 ? "" : "s"} in "{body.category}" (
                      {describeSegment(counted.reach.segment)})
                      {counted.reach.held_for_window ? `: ${heldText(counted.reach)}.` : ", all now."} It cannot be called back.
                    </Prompt.Description>
                  </Prompt.Header>
                  <Prompt.Footer>
                    <Prompt.Cancel>Cancel</Prompt.Cancel>
                    <Prompt.Action onClick={send} data-testid="broadcast-confirm">
                      Send
                    </Prompt.Action>
                  </Prompt.Footer>
                </Prompt.Content>
              </Prompt>
            </>
          )}
        </div>
      </Container>
      {sentId && progress.data && (
        <Container className="flex flex-col gap-y-2">
          <Heading level="h2">Progress</Heading>
          <SendProgress message={progress.data.message} />
          <div className="flex gap-x-2">
            <Link to={`/a/web-push/messages/${sentId}`} className="txt-small text-ui-fg-interactive">
              Deliveries
            </Link>
            {progress.data.message.status === "done" && (
              <Button
                variant="transparent"
                size="small"
                onClick={() => (setSentId(undefined), setDraft(EMPTY), setSegmentDraft(EMPTY_SEGMENT), setCounted(undefined))}
              >
                New broadcast
              </Button>
            )}
          </div>
        </Container>
      )}
      <BroadcastFigures />
    </div>
  )
}

export default Broadcast
