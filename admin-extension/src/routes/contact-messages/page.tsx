import type { RouteConfig, RouteProps } from "@medusajs/admin"
import { ChatBubbleLeftRight } from "@medusajs/icons"
import { Badge, Button, Container, Heading, Switch, Label, Table, Text } from "@medusajs/ui"
import { useAdminCustomQuery } from "medusa-react"
import { useState } from "react"
import { Link } from "react-router-dom"
import { errorMessage, keys, useAdminAction } from "../../lib/api"
import { Pager } from "../../components/pager"
import { dateTime } from "../../lib/format"
import type { ContactMessage } from "../../lib/types"

const PAGE = 20

/** What storefront visitors wrote through the contact form, newest first. */
const ContactMessages = ({ notify }: RouteProps) => {
  const [unreadOnly, setUnreadOnly] = useState(false)
  const [offset, setOffset] = useState(0)
  const query = { limit: PAGE, offset, ...(unreadOnly ? { unread: "true" } : {}) }
  const list = useAdminCustomQuery<typeof query, { contact_messages: ContactMessage[]; count: number }>(
    "/contact-messages",
    keys.contact(query),
    query,
    { keepPreviousData: true }
  )
  const mark = useAdminAction<{ contact_message: ContactMessage }>("post")
  const count = list.data?.count ?? 0
  return (
    <Container className="flex flex-col gap-y-4" data-testid="contact-messages">
      <div className="flex items-start justify-between">
        <div>
          <Heading level="h1">Contact messages</Heading>
          <Text className="text-ui-fg-subtle">
            Messages from the storefront's contact form. Admins with push enabled are alerted of each.
          </Text>
        </div>
        <div className="flex items-center gap-x-2">
          <Switch id="unread-only" checked={unreadOnly} onCheckedChange={(v) => (setUnreadOnly(v), setOffset(0))} />
          <Label htmlFor="unread-only">Unread only</Label>
        </div>
      </div>
      {list.isError && <Text className="text-ui-fg-error">{errorMessage(list.error)}</Text>}
      <Table>
        <Table.Header>
          <Table.Row>
            <Table.HeaderCell>From</Table.HeaderCell>
            <Table.HeaderCell>Subject</Table.HeaderCell>
            <Table.HeaderCell>Received</Table.HeaderCell>
            <Table.HeaderCell />
          </Table.Row>
        </Table.Header>
        <Table.Body>
          {(list.data?.contact_messages ?? []).map((m) => (
            <Table.Row key={m.id} data-contact-id={m.id} className={m.read_at ? "" : "font-medium"}>
              <Table.Cell>
                <Link to={`/a/contact-messages/${m.id}`} className="text-ui-fg-interactive">
                  {m.name}
                </Link>{" "}
                <span className="text-ui-fg-subtle">{m.email}</span>
              </Table.Cell>
              <Table.Cell className="max-w-xs truncate">{m.subject ?? m.message.slice(0, 80)}</Table.Cell>
              <Table.Cell>{dateTime(m.created_at)}</Table.Cell>
              <Table.Cell className="text-right">
                {!m.read_at && (
                  <Badge color="blue" size="small" className="mr-2">
                    Unread
                  </Badge>
                )}
                <Button
                  size="small"
                  variant="transparent"
                  onClick={() =>
                    mark.run(`/contact-messages/${m.id}`, { read: !m.read_at }).catch((e) => notify.error("Not changed", errorMessage(e)))
                  }
                >
                  {m.read_at ? "Mark unread" : "Mark read"}
                </Button>
              </Table.Cell>
            </Table.Row>
          ))}
        </Table.Body>
      </Table>
      <Pager offset={offset} count={count} pageSize={PAGE} empty="No messages" onChange={setOffset} />
    </Container>
  )
}

export const config: RouteConfig = {
  link: { label: "Contact messages", icon: ChatBubbleLeftRight },
}

export default ContactMessages
