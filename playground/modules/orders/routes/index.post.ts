import { randomUUID } from 'node:crypto'
import { defineEventHandler, ProblemDetail, readBody, setResponseStatus, useClients, useModuleSettings } from 'dskity'
import mod from '../module.config'
import { orderKey, type Order } from '../store'
import type { Product } from '../../catalog/products'
import '../events'

/** POST /orders `{ "productId": "p1", "quantity": 2 }` — creates an order, emits `order.created`. */
export default defineEventHandler(async (event) => {
  const body = await readBody<{ productId?: unknown; quantity?: unknown }>(event)
  const { maxItems, currency } = useModuleSettings(event, mod)
  const { kv, events, logger } = useClients(event)
  const quantity = body?.quantity
  if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1) {
    throw new ProblemDetail({ status: 422, title: 'Invalid order', detail: 'quantity must be a whole number > 0' })
  }
  if (quantity > maxItems) throw new ProblemDetail({ status: 422, title: 'Invalid order', detail: `quantity must be ≤ ${maxItems}` })
  const product = typeof body.productId === 'string' ? await kv.getItem<Product>(`catalog:product:${body.productId}`) : null
  if (!product) throw new ProblemDetail({ status: 422, title: 'Invalid order', detail: `unknown productId ${JSON.stringify(body.productId)}` })
  const order: Order = { id: randomUUID(), productId: product.id, quantity, totalCents: product.priceCents * quantity, currency, createdAt: new Date().toISOString() }
  await kv.setItem(orderKey(order.id), order)
  await events.emit('order.created', { id: order.id, productId: order.productId, quantity, totalCents: order.totalCents })
  logger.info(`order ${order.id} created`)
  setResponseStatus(event, 201)
  return order
})
