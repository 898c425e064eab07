import { defineEventHandler, getRouterParam, useClients } from 'dskity'
import { cartKey, emptyCart, type Cart } from '../store'

/** GET /cart/:user — the user's cart (empty when none, or when it expired). */
export default defineEventHandler(async (event) => {
  const user = getRouterParam(event, 'user')!
  return (await useClients(event).kv.getItem<Cart>(cartKey(user))) ?? emptyCart(user)
})
