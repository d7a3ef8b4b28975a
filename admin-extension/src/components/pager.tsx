import { Button, Text } from "@medusajs/ui"

type PagerProps = {
  offset: number
  count: number
  pageSize: number
  /** Shown when there is nothing to page through. */
  empty: string
  onChange: (offset: number) => void
}

/** "1–20 of 57" with Previous / Next, under a table. */
export const Pager = ({ offset, count, pageSize, empty, onChange }: PagerProps) => (
  <div className="flex items-center justify-between">
    <Text size="small" className="text-ui-fg-subtle">
      {count ? `${offset + 1}–${Math.min(offset + pageSize, count)} of ${count}` : empty}
    </Text>
    <div className="flex gap-x-2">
      <Button variant="secondary" size="small" disabled={offset === 0} onClick={() => onChange(Math.max(0, offset - pageSize))}>
        Previous
      </Button>
      <Button variant="secondary" size="small" disabled={offset + pageSize >= count} onClick={() => onChange(offset + pageSize)}>
        Next
      </Button>
    </div>
  </div>
)
