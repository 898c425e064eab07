import { defineEventHandler, getRouterParam, sendNoContent, useClients } from 'dskity'
import { cartKey } from '../store'

/** DELETE /cart/:user — empties the cart (204 whether or not it existed). */
export default defineEventHandler(async (event) => {
  await useClients(event).kv.removeItem(cartKey(getRouterParam(event, 'user')))
  return sendNoContent(event)
})
