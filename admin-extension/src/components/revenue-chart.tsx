import { Text } from "@medusajs/ui"
import { money } from "../lib/format"
import type { RevenueDay } from "../lib/types"

const WIDTH = 600
const HEIGHT = 120

/** The currency with the most revenue over the days (the chart draws one currency; the totals name all). */
function mainCurrency(days: RevenueDay[]): string | undefined {
  const totals = new Map<string, number>()
  for (const d of days) for (const r of d.revenue) totals.set(r.currency_code, (totals.get(r.currency_code) ?? 0) + r.amount)
  return [...totals].sort((a, b) => b[1] - a[1])[0]?.[0]
}

/** Attributed revenue per day (UTC), bars in plain SVG, in the currency that earned the most. */
export function RevenueChart({ days }: { days: RevenueDay[] }) {
  const currency = mainCurrency(days)
  const amounts = days.map((d) => d.revenue.find((r) => r.currency_code === currency)?.amount ?? 0)
  const max = Math.max(1, ...amounts)
  const slot = WIDTH / Math.max(1, days.length)
  return (
    <div data-testid="revenue-chart" data-currency={currency ?? ""}>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        className="h-32 w-full"
        preserveAspectRatio="none"
        role="img"
        aria-label="Attributed revenue per day"
      >
        {days.map((d, i) => {
          const h = (amounts[i] / max) * (HEIGHT - 2)
          return (
            <rect
              key={d.day}
              x={i * slot + slot * 0.1}
              y={HEIGHT - h}
              width={slot * 0.8}
              height={h}
              className="fill-ui-tag-green-icon"
              data-day={d.day}
              data-amount={amounts[i]}
            >
              <title>{`${d.day}: ${money(d.revenue)}`}</title>
            </rect>
          )
        })}
        <line x1={0} x2={WIDTH} y1={HEIGHT - 0.5} y2={HEIGHT - 0.5} className="stroke-ui-border-base" />
      </svg>
      <div className="flex justify-between mt-1">
        <Text size="xsmall" className="text-ui-fg-muted">
          {days[0]?.day ?? ""}
        </Text>
        <Text size="xsmall" className="text-ui-fg-muted">
          {currency
            ? `${currency.toUpperCase()}, highest day ${money([{ currency_code: currency, amount: max }])}`
            : "No attributed orders yet"}
        </Text>
        <Text size="xsmall" className="text-ui-fg-muted">
          {days[days.length - 1]?.day ?? ""}
        </Text>
      </div>
    </div>
  )
}
