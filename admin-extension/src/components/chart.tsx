import { Text } from "@medusajs/ui"
import type { DayOutcomes } from "../lib/types"

const SERIES = [
  { key: "delivered", label: "Delivered", className: "bg-ui-tag-green-icon" },
  { key: "failed", label: "Failed", className: "bg-ui-tag-red-icon" },
  { key: "gone", label: "Gone", className: "bg-ui-tag-neutral-icon" },
] as const

/** Stacked bars per day: delivered, failed and gone deliveries over the last days. */
export function DeliveryChart({ series }: { series: DayOutcomes[] }) {
  const max = Math.max(1, ...series.map((d) => d.delivered + d.failed + d.gone))
  return (
    <div data-testid="delivery-chart">
      <div className="flex h-40 items-end gap-x-1">
        {series.map((d) => {
          const total = d.delivered + d.failed + d.gone
          return (
            <div
              key={d.day}
              className="flex h-full flex-1 flex-col justify-end"
              title={`${d.day}: ${d.delivered} delivered, ${d.failed} failed, ${d.gone} gone`}
            >
              <div className="flex flex-col-reverse overflow-hidden rounded-sm" style={{ height: `${(total / max) * 100}%` }}>
                {SERIES.map((s) => (
                  <div key={s.key} className={s.className} style={{ height: total ? `${(d[s.key] / total) * 100}%` : 0 }} />
                ))}
              </div>
            </div>
          )
        })}
      </div>
      <div className="flex gap-x-1 mt-1">
        {series.map((d, i) => (
          <Text key={d.day} size="xsmall" className="flex-1 text-center text-ui-fg-muted">
            {i % 2 === 0 ? d.day.slice(5) : ""}
          </Text>
        ))}
      </div>
      <div className="flex gap-x-4 mt-2">
        {SERIES.map((s) => (
          <span key={s.key} className="flex items-center gap-x-1.5">
            <span className={`inline-block h-2 w-2 rounded-full ${s.className}`} />
            <Text size="small" className="text-ui-fg-subtle">
              {s.label}
            </Text>
          </span>
        ))}
      </div>
    </div>
  )
}
