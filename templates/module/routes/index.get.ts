import { defineEventHandler, useClients, useModuleSettings } from 'dskity'
import mod from '../module.config'

/** GET /__NAME__ — the module's greeting and the items stored so far. */
export default defineEventHandler(async (event) => {
  const { greeting } = useModuleSettings(event, mod)
  const { kv } = useClients(event)
  const items = (await kv.getItem<string[]>('__NAME__:items')) ?? []
  return { module: '__NAME__', greeting, items }
})
