import type { RouteProps } from "@medusajs/admin"
import { Badge, Button, Container, Heading, Input, Label, Switch, Text } from "@medusajs/ui"
import { useAdminCustomQuery } from "medusa-react"
import { useState } from "react"
import { PushNav } from "../../../components/push-nav"
import { TemplateEditor } from "../../../components/template-editor"
import { errorMessage, keys, useAdminAction } from "../../../lib/api"
import type { Automation, PushTemplate } from "../../../lib/types"

/** `60, 1440` -> [60, 1440]; the store checks the rule and names what is wrong. */
function parseDelays(text: string): number[] {
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((part) => Number(part))
}

/** `[60, 1440]` -> `1 h, 1 day`. */
function describeDelays(delays: readonly number[]): string {
  return delays
    .map((m) => (m % 1440 === 0 ? `${m / 1440} day${m === 1440 ? "" : "s"}` : m % 60 === 0 ? `${m / 60} h` : `${m} min`))
    .join(", ")
}

function AutomationCard({
  automation,
  templates,
  onEdit,
  notify,
}: {
  automation: Automation
  templates: PushTemplate[]
  onEdit: (id: string) => void
  notify: RouteProps["notify"]
}) {
  const save = useAdminAction<{ automation: Automation }>("post")
  const reset = useAdminAction<{ automation: Automation }>("delete")
  const [delays, setDelays] = useState(automation.delays_minutes.join(", "))
  const path = `/push/automations/${automation.key}`
  const change = (body: Record<string, unknown>, done: string) =>
    save
      .run(path, body)
      .then(() => notify.success(automation.title, done))
      .catch((e) => notify.error(`${automation.title} not changed`, errorMessage(e)))
  return (
    <Container className="flex flex-col gap-y-3" data-automation={automation.key}>
      <div className="flex items-start justify-between gap-x-4">
        <div>
          <Heading level="h2">{automation.title}</Heading>
          <Text className="text-ui-fg-subtle">{automation.description}</Text>
        </div>
        <div className="flex items-center gap-x-2">
          <Label htmlFor={`automation-${automation.key}`}>{automation.enabled ? "On" : "Off"}</Label>
          <Switch
            id={`automation-${automation.key}`}
            checked={automation.enabled}
            disabled={save.pending}
            onCheckedChange={(on) => change({ enabled: on }, on ? "Switched on" : "Switched off")}
          />
        </div>
      </div>
      <Text size="small" className="text-ui-fg-muted" data-testid="automation-figures">
        {automation.waiting !== null && `${automation.waiting} waiting · `}
        {automation.last_30_days.messages} sent in 30 days, reaching {automation.last_30_days.delivered} devices
      </Text>
      {automation.key === "abandoned_cart" && (
        <div className="flex items-end gap-x-2">
          <div className="flex flex-col gap-y-1">
            <Label htmlFor="automation-delays">Reminders after (minutes since the cart's last change)</Label>
            <Input id="automation-delays" value={delays} onChange={(e) => setDelays(e.target.value)} placeholder="60, 1440" />
          </div>
          <Button
            variant="secondary"
            disabled={save.pending}
            onClick={() => change({ delays_minutes: parseDelays(delays) }, `Reminders after ${describeDelays(parseDelays(delays))}`)}
          >
            Save delays
          </Button>
          <Text size="small" className="text-ui-fg-subtle">
            Now: {describeDelays(automation.delays_minutes)}
          </Text>
        </div>
      )}
      <div className="flex flex-wrap items-center gap-2">
        {templates.map((t) => (
          <Button
            key={t.event}
            size="small"
            variant="secondary"
            data-testid="automation-edit-template"
            onClick={() => onEdit(`${t.event}:${t.audience}`)}
          >
            Edit template: {t.default.title}
          </Button>
        ))}
        {automation.changed_by_admin ? (
          <Button
            size="small"
            variant="transparent"
            disabled={reset.pending}
            onClick={() =>
              reset
                .run(path)
                .then(() => notify.success(automation.title, `Follows the ${automation.option} option again`))
                .catch((e) => notify.error("Not reset", errorMessage(e)))
            }
          >
            Reset to the {automation.option} option
          </Button>
        ) : (
          <Badge size="small">Set by the {automation.option} option</Badge>
        )}
      </div>
    </Container>
  )
}

/** The automations: what the plugin sends on its own (cart reminders) or at a reader's request (product alerts, the welcome). */
const Automations = ({ notify }: RouteProps) => {
  const automations = useAdminCustomQuery<Record<string, never>, { automations: Automation[] }>("/push/automations", keys.automations)
  const templates = useAdminCustomQuery<Record<string, never>, { templates: PushTemplate[] }>("/push/templates", keys.templates)
  const [editing, setEditing] = useState<string | undefined>()
  const all = templates.data?.templates ?? []
  const current = all.find((t) => `${t.event}:${t.audience}` === editing)
  return (
    <div className="flex flex-col gap-y-4" data-testid="automations">
      <PushNav />
      <div>
        <Heading level="h1">Automations</Heading>
        <Text className="text-ui-fg-subtle">
          Notifications the store sends on its own or because a reader asked. A change here holds at once on every instance, until reset to
          the plugin options.
        </Text>
      </div>
      {automations.isError && <Text className="text-ui-fg-error">{errorMessage(automations.error)}</Text>}
      {(automations.data?.automations ?? []).map((a) => (
        <AutomationCard
          key={`${a.key}:${a.delays_minutes.join(",")}`}
          automation={a}
          templates={all.filter((t) => t.audience === "customer" && a.events.includes(t.event))}
          onEdit={setEditing}
          notify={notify}
        />
      ))}
      {current && <TemplateEditor key={editing} template={current} notify={notify} />}
    </div>
  )
}

export default Automations
