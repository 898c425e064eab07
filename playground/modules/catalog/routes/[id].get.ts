import { defineEventHandler, getRouterParam, ProblemDetail, useClients } from 'dskity'
import { productKey, type Product } from '../products'

/** GET /catalog/:id — one product, or a 404 problem. */
export default defineEventHandler(async (event) => {
  const id = getRouterParam(event, 'id')!
  const product = await useClients(event).kv.getItem<Product>(productKey(id))
  if (!product) throw new ProblemDetail({ status: 404, title: 'Unknown product', detail: `No product with id ${id}`, productId: id })
  return product
})
