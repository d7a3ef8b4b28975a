import type { ProductDetailsWidgetProps, WidgetConfig } from "@medusajs/admin"
import { Container, Heading, Table, Text } from "@medusajs/ui"
import { useAdminCustomQuery } from "medusa-react"
import { errorMessage, keys } from "../lib/api"
import type { VariantAlertCounts } from "../lib/types"

/** On a product's page: per variant, how many devices wait to hear it is back in stock, or cheaper. */
const ProductAlerts = ({ product }: ProductDetailsWidgetProps) => {
  const query = { product_id: product.id }
  const counts = useAdminCustomQuery<typeof query, { variants: VariantAlertCounts[] }>(
    "/push/product-alerts",
    keys.productAlerts(product.id),
    query
  )
  const rows = counts.data?.variants ?? []
  const title = (variantId: string) => product.variants?.find((v) => v.id === variantId)?.title ?? variantId
  return (
    <Container className="flex flex-col gap-y-4" data-testid="product-alerts">
      <Heading level="h2">Waiting for push alerts</Heading>
      {counts.isError && <Text className="text-ui-fg-error">{errorMessage(counts.error)}</Text>}
      {!rows.length && !counts.isLoading && (
        <Text className="text-ui-fg-subtle">No device waits for a back-in-stock or price-drop alert on this product.</Text>
      )}
      {!!rows.length && (
        <Table>
          <Table.Header>
            <Table.Row>
              <Table.HeaderCell>Variant</Table.HeaderCell>
              <Table.HeaderCell className="text-right">Back in stock</Table.HeaderCell>
              <Table.HeaderCell className="text-right">Price drop</Table.HeaderCell>
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {rows.map((r) => (
              <Table.Row key={r.variant_id} data-variant-id={r.variant_id}>
                <Table.Cell>{title(r.variant_id)}</Table.Cell>
                <Table.Cell className="text-right">{r.back_in_stock}</Table.Cell>
                <Table.Cell className="text-right">{r.price_drop}</Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      )}
    </Container>
  )
}

export const config: WidgetConfig = { zone: "product.details.after" }

export default ProductAlerts
