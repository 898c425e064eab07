import { defineEventListener } from 'dskity'
import '../../orders/events'

/** Hears `order.created` (emitted by orders) and records a notification. */
export default defineEventListener<'order.created'>(async (order, { kv, logger }) => {
  const list = (await kv.getItem<string[]>('notifications:sent')) ?? []
  list.push(`Order ${order.id}: ${order.quantity} × ${order.productId}`)
  await kv.setItem('notifications:sent', list)
  logger.info(`notified about order ${order.id}`)
})
