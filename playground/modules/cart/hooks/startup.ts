import { defineHook } from 'dskity'
import mod from '../module.config'

const PROBE_KEY = 'cart:_probe'

/**
 * Registers the `cart` readiness check: a write and a read-back through `kv`, so `/health/ready`
 * fails while carts cannot be saved (a read-only or unreachable store), not only while it is down.
 */
export default defineHook(mod, ({ kv, logger, registerReadinessCheck, settings }) => {
  registerReadinessCheck('cart', async () => {
    const token = `${process.pid}-${Date.now()}`
    await kv.setItem(PROBE_KEY, token, { ttl: 5 })
    if ((await kv.getItem(PROBE_KEY)) === null) throw new Error('a cart write could not be read back')
  })
  logger.info(`cart started (ttlSeconds=${settings.ttlSeconds}, maxLines=${settings.maxLines})`)
})
