import { defineHook } from 'dskity'
import mod from '../module.config'

export default defineHook(mod, async ({ logger, settings }) => {
  logger.info(`__NAME__ started (maxItems=${settings.maxItems})`)
})
