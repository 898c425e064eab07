import { defineEventHandler, getRouterParam, ProblemDetail, readValidatedBody, useClients, useModuleSettings } from 'dskity'
import { z } from 'zod'
import mod from '../module.config'
import { cartKey, emptyCart, type Cart } from '../store'

/** What a cart line must look like; anything else is a 422 problem listing the issues. */
const CartLine = z.object({ productId: z.string().min(1), quantity: z.number().int().positive().default(1) })

/**
 * POST /cart/:user `{ "productId": "p1", "quantity": 2 }` — adds to the cart and restarts its TTL
 * (`modules.cart.settings.ttlSeconds`).
 */
export default defineEventHandler(async (event) => {
  const user = getRouterParam(event, 'user')!
  const key = cartKey(user)
  const { ttlSeconds, maxLines } = useModuleSettings(event, mod)
  const { productId, quantity } = await readValidatedBody(event, CartLine)
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
