import { defineHook } from 'dskity'
import { subscription } from '../readings'

/** Stops handling readings before the modules this one depends on (and the KV store) go away. */
export default defineHook(async () => {
  const stop = subscription.stop
  subscription.stop = undefined
  await stop?.()
})
