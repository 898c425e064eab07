import { defineHook } from 'dskity'

export default defineHook(async ({ logger }) => {
  logger.info('__NAME__ stopped')
})
