import { defineEventHandler, getRouterParam, ProblemDetail, useClients } from 'dskity'
import { orderKey, type Order } from '../store'

/** GET /orders/:id — one order. */
export default defineEventHandler(async (event) => {
  const id = getRouterParam(event, 'id')!
  const order = await useClients(event).kv.getItem<Order>(orderKey(id))
  if (!order) throw new ProblemDetail({ status: 404, title: 'Unknown order', detail: `No order with id ${id}` })
  return order
})
