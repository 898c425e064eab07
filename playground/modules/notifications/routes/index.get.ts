import { defineEventHandler, useClients } from 'dskity'

/** GET /notifications — notifications sent so far. */
export default defineEventHandler(async (event) => ({ sent: (await useClients(event).kv.getItem<string[]>('notifications:sent')) ?? [] }))
