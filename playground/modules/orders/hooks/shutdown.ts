import { defineHook } from 'dskity'

export default defineHook(({ logger }) => {
  logger.info('orders stopped')
})
