import { defineEventHandler, getRouterParam, ProblemDetail, useClients } from 'dskity'
import { orderKey, type Order } from '../../store'
import type { Product } from '../../../catalog/products'

/** GET /orders/:id/items — the order's lines with product names. */
export default defineEventHandler(async (event) => {
  const { kv } = useClients(event)
  const order = await kv.getItem<Order>(orderKey(getRouterParam(event, 'id')!))
  if (!order) throw new ProblemDetail({ status: 404, title: 'Unknown order' })
  const product = await kv.getItem<Product>(`catalog:product:${order.productId}`)
  return { items: [{ productId: order.productId, name: product?.name ?? null, quantity: order.quantity }] }
})
