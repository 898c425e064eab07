import { defineEventHandler, ProblemDetail, readBody, setResponseStatus, useClients, useModuleSettings } from 'dskity'
import mod from '../module.config'

/** POST /__NAME__ with `{ "item": "..." }` — stores an item and emits `__NAME__.item-added`. */
export default defineEventHandler(async (event) => {
  const body = await readBody<{ item?: unknown }>(event)
  if (typeof body?.item !== 'string' || body.item.length === 0) {
    throw new ProblemDetail({ status: 422, title: 'Invalid item', detail: '`item` must be a non-empty string' })
  }
  const { maxItems } = useModuleSettings(event, mod)
  const { kv, events } = useClients(event)
  const items = (await kv.getItem<string[]>('__NAME__:items')) ?? []
  if (items.length >= maxItems) throw new ProblemDetail({ status: 409, title: 'Too many items', detail: `at most ${maxItems} items` })
  items.push(body.item)
  await kv.setItem('__NAME__:items', items)
  await events.emit('__NAME__.item-added', { item: body.item })
  setResponseStatus(event, 201)
  return { item: body.item, count: items.length }
})
