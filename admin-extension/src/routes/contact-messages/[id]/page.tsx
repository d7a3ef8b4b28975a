import type { RouteProps } from "@medusajs/admin"
import { Button, Container, Heading, Text } from "@medusajs/ui"
import { useAdminCustomQuery } from "medusa-react"
import { useEffect, useRef } from "react"
import { Link, useParams } from "react-router-dom"
import { errorMessage, keys, useAdminAction } from "../../../lib/api"
import { dateTime } from "../../../lib/format"
import { mailtoHref } from "../../../lib/mailto"
import type { ContactMessage } from "../../../lib/types"

/** One contact message; opening it marks it read. */
const ContactMessageDetail = ({ notify }: RouteProps) => {
  const { id = "" } = useParams()
  const detail = useAdminCustomQuery<Record<string, never>, { contact_message: ContactMessage }>(
    `/contact-messages/${id}`,
    keys.contactMessage(id)
  )
  const mark = useAdminAction<{ contact_message: ContactMessage }>("post")
  const marked = useRef(false)
  const message = detail.data?.contact_message
  useEffect(() => {
    if (message && !message.read_at && !marked.current) {
      marked.current = true
      mark.run(`/contact-messages/${message.id}`, { read: true }).catch(() => undefined)
    }
  }, [message, mark])
  if (detail.isError) return <Text className="text-ui-fg-error">{errorMessage(detail.error)}</Text>
  return (
    <Container className="flex flex-col gap-y-4" data-testid="contact-message">
      <Link to="/a/contact-messages" className="txt-small text-ui-fg-subtle">
        ← Contact messages
      </Link>
      {message && (
        <>
          <div>
            <Heading level="h1">{message.subject ?? "(no subject)"}</Heading>
            <Text className="text-ui-fg-subtle">
              {message.name} &lt;<a href={mailtoHref(message.email)}>{message.email}</a>&gt; · {dateTime(message.created_at)}
              {message.customer_id && (
                <>
                  {" · "}
                  <Link to={`/a/customers/${message.customer_id}`} className="text-ui-fg-interactive">
                    customer
                  </Link>
                </>
              )}
            </Text>
          </div>
          <Text className="whitespace-pre-line">{message.message}</Text>
          <div className="flex gap-x-2">
            <a href={mailtoHref(message.email, `Re: ${message.subject ?? ""}`)}>
              <Button variant="primary">Reply by e-mail</Button>
            </a>
            <Button
              variant="secondary"
              onClick={() =>
                mark
                  .run(`/contact-messages/${message.id}`, { read: false })
                  .then(() => notify.success("Marked unread", message.name))
                  .catch((e) => notify.error("Not changed", errorMessage(e)))
              }
            >
              Mark unread
            </Button>
          </div>
        </>
      )}
    </Container>
  )
}

export default ContactMessageDetail
