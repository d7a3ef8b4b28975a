"use client"
// Order confirmation: a guest (or a customer) asks for shipping updates for this order.
// The order's cart_id is the proof that this visitor placed it.
import { Order } from "@medusajs/medusa"
import PushOptIn from "@modules/common/components/push-opt-in"

export default function OrderPushOptIn({ order }: { order: Order }) {
  return (
    <div className="py-6">
      <PushOptIn cartId={order.cart_id} label="Send me shipping updates for this order" />
    </div>
  )
}
