import { defineEventListener } from 'dskity'

/** Listens to `__NAME__.item-added` (the file name is the event name). */
export default defineEventListener<'__NAME__.item-added'>(async (payload, { logger }) => {
  logger.info('item added', payload)
})
