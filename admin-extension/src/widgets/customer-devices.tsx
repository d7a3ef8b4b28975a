import type { CustomerDetailsWidgetProps, WidgetConfig } from "@medusajs/admin"
import { Badge, Button, Container, Heading, Table, Text } from "@medusajs/ui"
import { useAdminCustomQuery } from "medusa-react"
import { errorMessage, keys, useAdminAction } from "../lib/api"
import { dateTime } from "../lib/format"
import type { Device } from "../lib/types"

/** On a customer's page: the devices where they allowed push notifications, with remove. */
const CustomerDevices = ({ customer, notify }: CustomerDetailsWidgetProps) => {
  const query = { customer_id: customer.id, limit: 50 }
  const devices = useAdminCustomQuery<typeof query, { subscriptions: Device[] }>(
    "/push/subscriptions",
    keys.devices({ customer_id: customer.id }),
    query
  )
  const remove = useAdminAction<unknown>("delete")
  const list = devices.data?.subscriptions ?? []
  return (
    <Container className="flex flex-col gap-y-4" data-testid="customer-devices">
      <Heading level="h2">Push devices</Heading>
      {devices.isError && <Text className="text-ui-fg-error">{errorMessage(devices.error)}</Text>}
      {!list.length && !devices.isLoading && (
        <Text className="text-ui-fg-subtle">This customer has not enabled push notifications on any device.</Text>
      )}
      {!!list.length && (
        <Table>
          <Table.Header>
            <Table.Row>
              <Table.HeaderCell>Browser</Table.HeaderCell>
              <Table.HeaderCell>Receives</Table.HeaderCell>
              <Table.HeaderCell>Added</Table.HeaderCell>
              <Table.HeaderCell>Last delivery</Table.HeaderCell>
              <Table.HeaderCell />
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {list.map((d) => (
              <Table.Row key={d.id} data-device-id={d.id}>
                <Table.Cell>
                  {d.user_agent ?? "Unknown browser"}
                  {d.locale && <span className="text-ui-fg-subtle"> · {d.locale}</span>}
                </Table.Cell>
                <Table.Cell>
                  {d.categories.map((c) => (
                    <Badge key={c} size="small" className="mr-1">
                      {c}
                    </Badge>
                  ))}
                </Table.Cell>
                <Table.Cell>{dateTime(d.created_at)}</Table.Cell>
                <Table.Cell>{dateTime(d.last_success_at)}</Table.Cell>
                <Table.Cell className="text-right">
                  <Button
                    size="small"
                    variant="transparent"
                    onClick={() =>
                      remove
                        .run(`/push/subscriptions/${d.id}`)
                        .then(() => notify.success("Device removed", d.user_agent ?? d.id))
                        .catch((e) => notify.error("Not removed", errorMessage(e)))
                    }
                  >
                    Remove
                  </Button>
                </Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      )}
    </Container>
  )
}

export const config: WidgetConfig = { zone: "customer.details.after" }

export default CustomerDevices
