import { defineHook } from 'dskity'
import mod from '../module.config'

export default defineHook(mod, ({ logger, settings }) => {
  logger.info(`orders started (maxItems=${settings.maxItems}, currency=${settings.currency})`)
})
