/** The template editor with its live preview (the Templates and Automations pages). */
import type { RouteProps } from "@medusajs/admin"
import { Badge, Button, Container, Heading, Input, Label, Switch, Text, Textarea } from "@medusajs/ui"
import { useMedusa } from "medusa-react"
import { useEffect, useMemo, useState } from "react"
import { errorMessage, useAdminAction } from "../lib/api"
import { AUDIENCE_LABEL, eventLabel } from "../lib/format"
import type { PushTemplate, RenderedPreview, TemplateFields } from "../lib/types"

const URGENCIES = ["very-low", "low", "normal", "high"]
const TEXT_FIELDS = ["title", "body", "url", "icon", "image"] as const

type Draft = { enabled: boolean; title: string; body: string; url: string; icon: string; image: string; ttl: string; urgency: string }

function draftOf(template: PushTemplate, locale: string): Draft {
  const o: TemplateFields = template.overrides[locale] ?? {}
  const d = template.default
  return {
    enabled: o.enabled ?? true,
    title: o.title ?? d.title,
    body: o.body ?? d.body,
    url: o.url ?? d.url,
    icon: o.icon ?? d.icon ?? "",
    image: o.image ?? d.image ?? "",
    ttl: String(o.ttl ?? d.ttl),
    urgency: o.urgency ?? d.urgency,
  }
}

function templateOf(draft: Draft): TemplateFields {
  const ttl = Number(draft.ttl)
  return {
    enabled: draft.enabled,
    title: draft.title,
    body: draft.body,
    url: draft.url,
    ...(draft.icon.trim() ? { icon: draft.icon.trim() } : {}),
    ...(draft.image.trim() ? { image: draft.image.trim() } : {}),
    ...(Number.isInteger(ttl) && ttl >= 0 ? { ttl } : {}),
    urgency: draft.urgency,
  }
}

function useDebounced<T>(value: T, ms: number): T {
  const [current, setCurrent] = useState(value)
  useEffect(() => {
    const timer = setTimeout(() => setCurrent(value), ms)
    return () => clearTimeout(timer)
  }, [value, ms])
  return current
}

/** How the notification will look, rendered by the server with a real recent order. */
function Preview({ template, locale, draft }: { template: PushTemplate; locale: string; draft: Draft }) {
  const { client } = useMedusa()
  const request = useDebounced(
    JSON.stringify({ event: template.event, audience: template.audience, locale, template: templateOf(draft) }),
    350
  )
  const [preview, setPreview] = useState<RenderedPreview | undefined>()
  const [error, setError] = useState<string | undefined>()
  useEffect(() => {
    let current = true
    const body = JSON.parse(request) as Record<string, unknown>
    delete (body.template as TemplateFields).enabled
    client.admin.custom
      .post("/push/templates/preview", body)
      .then((answer) => current && (setPreview(answer as unknown as RenderedPreview), setError(undefined)))
      .catch((err: unknown) => current && setError(errorMessage(err)))
    return () => {
      current = false
    }
  }, [request, client])
  return (
    <div className="flex flex-col gap-y-2">
      <Label weight="plus">Preview</Label>
      {error && (
        <Text className="text-ui-fg-error" data-testid="template-preview-error">
          {error}
        </Text>
      )}
      {preview && (
        <div
          className="rounded-lg border border-ui-border-base bg-ui-bg-subtle p-4 shadow-elevation-card-rest"
          data-testid="template-preview"
        >
          <div className="flex gap-x-3">
            {preview.notification.icon && <img src={preview.notification.icon} alt="" className="h-10 w-10 rounded" />}
            <div className="min-w-0">
              <Text weight="plus" data-testid="template-preview-title">
                {preview.notification.title}
              </Text>
              <Text className="text-ui-fg-subtle whitespace-pre-line" data-testid="template-preview-body">
                {preview.notification.body}
              </Text>
              <Text size="xsmall" className="text-ui-fg-muted truncate">
                {preview.notification.url}
              </Text>
            </div>
          </div>
          {preview.notification.image && <img src={preview.notification.image} alt="" className="mt-3 max-h-40 rounded" />}
          <Text size="xsmall" className="text-ui-fg-muted mt-2">
            {preview.resource_id ? `Rendered with ${preview.resource_id}` : "Nothing recent to render with: shown with sample data"}
          </Text>
        </div>
      )}
    </div>
  )
}

export function TemplateEditor({ template, notify }: { template: PushTemplate; notify: RouteProps["notify"] }) {
  const locales = template.locales.length ? template.locales : ["en"]
  const [locale, setLocale] = useState(locales[0])
  const [newLocale, setNewLocale] = useState("")
  const [draft, setDraft] = useState<Draft>(() => draftOf(template, locales[0]))
  const save = useAdminAction<{ template: PushTemplate }>("post")
  const reset = useAdminAction<unknown>("delete")
  const path = `/push/templates/${encodeURIComponent(template.event)}/${encodeURIComponent(template.audience)}`
  useEffect(() => setDraft(draftOf(template, locale)), [template, locale])
  const set = (field: keyof Draft, value: string | boolean) => setDraft((d) => ({ ...d, [field]: value }))
  const allLocales = useMemo(() => [...new Set([...locales, locale])], [locales, locale])
  const overridden = !!template.overrides[locale]

  return (
    <Container className="flex flex-col gap-y-4" data-testid="template-editor">
      <div className="flex items-start justify-between">
        <div>
          <Heading level="h2">
            {eventLabel(template.event)} · {AUDIENCE_LABEL[template.audience] ?? template.audience}
          </Heading>
          <Text size="small" className="text-ui-fg-subtle">
            {template.event} · {template.category}
          </Text>
        </div>
        <div className="flex items-center gap-x-2">
          <Switch id="template-enabled" checked={draft.enabled} onCheckedChange={(v) => set("enabled", v)} />
          <Label htmlFor="template-enabled">Enabled</Label>
        </div>
      </div>
      <div className="flex flex-wrap items-end gap-2">
        <div className="flex flex-col gap-y-1">
          <Label htmlFor="template-locale" size="small">
            Locale
          </Label>
          <select
            id="template-locale"
            value={locale}
            onChange={(e) => setLocale(e.target.value)}
            className="bg-ui-bg-field shadow-buttons-neutral txt-compact-small rounded-md h-8 px-2"
          >
            {allLocales.map((l) => (
              <option key={l} value={l}>
                {l}
                {template.overrides[l] ? " (edited)" : ""}
              </option>
            ))}
          </select>
        </div>
        <Input
          size="small"
          placeholder="add a locale: fr, de-CH"
          value={newLocale}
          onChange={(e) => setNewLocale(e.target.value)}
          className="w-40"
        />
        <Button
          size="small"
          variant="secondary"
          disabled={!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/.test(newLocale.trim())}
          onClick={() => (setLocale(newLocale.trim()), setNewLocale(""))}
        >
          Add locale
        </Button>
      </div>
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <div className="flex flex-col gap-y-3">
          {TEXT_FIELDS.map((field) => (
            <div key={field} className="flex flex-col gap-y-1">
              <Label htmlFor={`template-${field}`} size="small" weight="plus" className="capitalize">
                {field}
              </Label>
              {field === "body" ? (
                <Textarea id={`template-${field}`} rows={3} value={draft[field]} onChange={(e) => set(field, e.target.value)} />
              ) : (
                <Input id={`template-${field}`} value={draft[field]} onChange={(e) => set(field, e.target.value)} />
              )}
            </div>
          ))}
          <div className="flex gap-x-3">
            <div className="flex flex-col gap-y-1">
              <Label htmlFor="template-ttl" size="small" weight="plus">
                TTL (seconds)
              </Label>
              <Input id="template-ttl" type="number" min={0} value={draft.ttl} onChange={(e) => set("ttl", e.target.value)} />
            </div>
            <div className="flex flex-col gap-y-1">
              <Label htmlFor="template-urgency" size="small" weight="plus">
                Urgency
              </Label>
              <select
                id="template-urgency"
                value={draft.urgency}
                onChange={(e) => set("urgency", e.target.value)}
                className="bg-ui-bg-field shadow-buttons-neutral txt-compact-small rounded-md h-8 px-2"
              >
                {URGENCIES.map((u) => (
                  <option key={u}>{u}</option>
                ))}
              </select>
            </div>
          </div>
          <div>
            <Label size="small" weight="plus">
              Variables
            </Label>
            <div className="flex flex-wrap gap-1 mt-1">
              {template.variables.map((v) => (
                <Badge key={v} size="small" className="font-mono">{`{{${v}}}`}</Badge>
              ))}
            </div>
          </div>
        </div>
        <Preview template={template} locale={locale} draft={draft} />
      </div>
      <div className="flex gap-x-2">
        <Button
          isLoading={save.pending}
          data-testid="template-save"
          onClick={() =>
            save
              .run(path, { locale, ...templateOf(draft) })
              .then(() => notify.success("Template saved", `${template.event} (${locale})`))
              .catch((e) => notify.error("Not saved", errorMessage(e)))
          }
        >
          Save
        </Button>
        <Button
          variant="secondary"
          disabled={!overridden}
          isLoading={reset.pending}
          data-testid="template-reset"
          onClick={() =>
            reset
              .run(`${path}?locale=${encodeURIComponent(locale)}`)
              .then(() => notify.success("Reset to default", `${template.event} (${locale})`))
              .catch((e) => notify.error("Not reset", errorMessage(e)))
          }
        >
          Reset to default
        </Button>
      </div>
    </Container>
  )
}
