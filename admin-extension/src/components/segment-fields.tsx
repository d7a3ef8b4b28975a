import { Checkbox, Input, Label, Select, Text } from "@medusajs/ui"
import { useAdminCustomerGroups, useAdminRegions } from "medusa-react"
import type { BroadcastSegment } from "../lib/types"

/** The segment as the composer edits it: text fields as typed, turned into a `BroadcastSegment` by `toSegment`. */
export interface SegmentDraft {
  groups: string[]
  regions: string[]
  orders: "any" | "recent" | "never"
  days: string
  locales: string
  since: string
}

export const EMPTY_SEGMENT: SegmentDraft = { groups: [], regions: [], orders: "any", days: "30", locales: "", since: "" }

/** The segment to send (null: the whole category); the server checks each value and names a bad one. */
export function toSegment(draft: SegmentDraft): BroadcastSegment | null {
  const segment: BroadcastSegment = {}
  if (draft.groups.length) segment.customer_group_ids = draft.groups
  if (draft.regions.length) segment.region_ids = draft.regions
  if (draft.orders === "recent") segment.ordered_within_days = Number(draft.days)
  if (draft.orders === "never") segment.never_ordered = true
  const locales = draft.locales
    .split(/[\s,]+/)
    .map((l) => l.trim())
    .filter(Boolean)
  if (locales.length) segment.locales = locales
  if (draft.since) segment.subscribed_since = draft.since
  return Object.keys(segment).length ? segment : null
}

/** A readable summary of a segment ("VIP; ordered in the last 30 days; fr"), or "every customer in the category". */
export function describeSegment(segment: BroadcastSegment | null, names: Record<string, string> = {}): string {
  if (!segment) return "every customer in the category"
  const parts: string[] = []
  const named = (ids: string[]) => ids.map((id) => names[id] ?? id).join(" or ")
  if (segment.customer_group_ids) parts.push(`in ${named(segment.customer_group_ids)}`)
  if (segment.region_ids) parts.push(`last ordered in ${named(segment.region_ids)}`)
  if (segment.ordered_within_days) parts.push(`ordered in the last ${segment.ordered_within_days} days`)
  if (segment.never_ordered) parts.push("never ordered")
  if (segment.locales) parts.push(`language ${segment.locales.join(" or ")}`)
  if (segment.subscribed_since) parts.push(`subscribed since ${segment.subscribed_since.slice(0, 10)}`)
  return parts.join("; ")
}

function Choices(props: { label: string; options: Array<{ id: string; name: string }>; chosen: string[]; set: (ids: string[]) => void }) {
  return (
    <div className="flex flex-col gap-y-1">
      <Label weight="plus">{props.label}</Label>
      {props.options.length === 0 && (
        <Text size="xsmall" className="text-ui-fg-muted">
          None in this store
        </Text>
      )}
      {props.options.map((o) => (
        <div key={o.id} className="flex items-center gap-x-2">
          <Checkbox
            id={`segment-${o.id}`}
            checked={props.chosen.includes(o.id)}
            onCheckedChange={(on) => props.set(on ? [...props.chosen, o.id] : props.chosen.filter((c) => c !== o.id))}
          />
          <Label htmlFor={`segment-${o.id}`}>{o.name}</Label>
        </div>
      ))}
    </div>
  )
}

/** Who among the category's customers: customer groups, regions, order history, language, subscription date. */
export function SegmentFields(props: { draft: SegmentDraft; set: (d: SegmentDraft) => void }) {
  const { customer_groups } = useAdminCustomerGroups({ limit: 100 })
  const { regions } = useAdminRegions({ limit: 100 })
  const { draft, set } = props
  return (
    <div className="grid grid-cols-1 gap-4 md:grid-cols-2" data-testid="broadcast-segment">
      <Choices
        label="Customer groups"
        options={(customer_groups ?? []).map((g) => ({ id: g.id, name: g.name }))}
        chosen={draft.groups}
        set={(groups) => set({ ...draft, groups })}
      />
      <Choices
        label="Regions (of the customer's latest order)"
        options={(regions ?? []).map((r) => ({ id: r.id, name: r.name }))}
        chosen={draft.regions}
        set={(regions) => set({ ...draft, regions })}
      />
      <div className="flex flex-col gap-y-1">
        <Label weight="plus">Orders</Label>
        <Select value={draft.orders} onValueChange={(orders) => set({ ...draft, orders: orders as SegmentDraft["orders"] })}>
          <Select.Trigger>
            <Select.Value />
          </Select.Trigger>
          <Select.Content>
            <Select.Item value="any">Any customer</Select.Item>
            <Select.Item value="recent">Ordered in the last days</Select.Item>
            <Select.Item value="never">Never ordered</Select.Item>
          </Select.Content>
        </Select>
        {draft.orders === "recent" && (
          <Input type="number" min={1} max={3650} value={draft.days} onChange={(e) => set({ ...draft, days: e.target.value })} />
        )}
      </div>
      <div className="flex flex-col gap-y-1">
        <Label htmlFor="segment-locales" weight="plus">
          Device languages
        </Label>
        <Input
          id="segment-locales"
          placeholder="fr, de"
          value={draft.locales}
          onChange={(e) => set({ ...draft, locales: e.target.value })}
        />
        <Text size="xsmall" className="text-ui-fg-muted">
          fr takes fr-CA and fr-FR too; empty: any language
        </Text>
        <Label htmlFor="segment-since" weight="plus">
          Subscribed since
        </Label>
        <Input id="segment-since" type="date" value={draft.since} onChange={(e) => set({ ...draft, since: e.target.value })} />
      </div>
    </div>
  )
}
