import type { RouteProps } from "@medusajs/admin"
import { Container, Heading, Table, Text } from "@medusajs/ui"
import { useAdminCustomQuery } from "medusa-react"
import { useState } from "react"
import { PushNav } from "../../../components/push-nav"
import { TemplateEditor } from "../../../components/template-editor"
import { errorMessage, keys } from "../../../lib/api"
import { AUDIENCE_LABEL } from "../../../lib/format"
import type { PushTemplate } from "../../../lib/types"

/** Every catalogued and mapped event's notification, per audience and locale. */
const Templates = ({ notify }: RouteProps) => {
  const templates = useAdminCustomQuery<Record<string, never>, { templates: PushTemplate[] }>("/push/templates", keys.templates)
  const [selected, setSelected] = useState<string | undefined>()
  const list = templates.data?.templates ?? []
  const current = list.find((t) => `${t.event}:${t.audience}` === selected)
  return (
    <div className="flex flex-col gap-y-4" data-testid="templates">
      <PushNav />
      <Container className="flex flex-col gap-y-4">
        <div>
          <Heading level="h1">Templates</Heading>
          <Text className="text-ui-fg-subtle">
            What each store event sends, per audience and language. Edits are saved over the defaults and can be reset.
          </Text>
        </div>
        {templates.isError && <Text className="text-ui-fg-error">{errorMessage(templates.error)}</Text>}
        <Table>
          <Table.Header>
            <Table.Row>
              <Table.HeaderCell>Event</Table.HeaderCell>
              <Table.HeaderCell>Audience</Table.HeaderCell>
              <Table.HeaderCell>Title</Table.HeaderCell>
              <Table.HeaderCell>Edited locales</Table.HeaderCell>
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {list.map((t) => {
              const id = `${t.event}:${t.audience}`
              const edited = Object.keys(t.overrides)
              return (
                <Table.Row
                  key={id}
                  data-template={id}
                  onClick={() => setSelected(id)}
                  className={"cursor-pointer " + (id === selected ? "bg-ui-bg-base-pressed" : "")}
                >
                  <Table.Cell>{t.event}</Table.Cell>
                  <Table.Cell>{AUDIENCE_LABEL[t.audience] ?? t.audience}</Table.Cell>
                  <Table.Cell className="max-w-xs truncate">{t.default.title}</Table.Cell>
                  <Table.Cell>{edited.length ? edited.join(", ") : "–"}</Table.Cell>
                </Table.Row>
              )
            })}
          </Table.Body>
        </Table>
      </Container>
      {current && <TemplateEditor key={selected} template={current} notify={notify} />}
    </div>
  )
}

export default Templates
