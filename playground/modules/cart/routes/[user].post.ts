import { defineEventHandler, getRouterParam, ProblemDetail, readBody, useClients, useModuleSettings } from 'dskity'
import mod from '../module.config'
import { cartKey, emptyCart, type Cart } from '../store'

/**
 * POST /cart/:user `{ "productId": "p1", "quantity": 2 }` — adds to the cart and restarts its TTL
 * (`modules.cart.settings.ttlSeconds`).
 */
export default defineEventHandler(async (event) => {
  const user = getRouterParam(event, 'user')!
  const key = cartKey(user)
  const { ttlSeconds, maxLines } = useModuleSettings(event, mod)
  const body = await readBody<{ productId?: unknown; quantity?: unknown }>(event)
  const { productId, quantity = 1 } = body ?? {}
  if (typeof productId !== 'string' || productId.length === 0) {
    throw new ProblemDetail({ status: 422, title: 'Invalid cart line', detail: 'productId must be a non-empty string' })
  }
  if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1) {
    throw new ProblemDetail({ status: 422, title: 'Invalid cart line', detail: 'quantity must be a whole number > 0' })
  }
  const { kv } = useClients(event)
  const cart = (await kv.getItem<Cart>(key)) ?? emptyCart(user)
  const line = cart.lines.find((l) => l.productId === productId)
  if (line) line.quantity += quantity
  else if (cart.lines.length >= maxLines) throw new ProblemDetail({ status: 422, title: 'Cart full', detail: `a cart holds at most ${maxLines} products` })
  else cart.lines.push({ productId, quantity })
  cart.updatedAt = new Date().toISOString()
  await kv.setItem(key, cart, { ttl: ttlSeconds })
  return { ...cart, expiresInSeconds: ttlSeconds }
})
