import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { expect, it } from 'vitest'
import { configSchema } from '../../src/config/schema.ts'
import { createKv } from '../../src/kv/create-kv.ts'

/** `global.gc` when exposed, else the well-known `--expose-gc` + fresh context trick. */
function getGc(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc
  if (exposed) return exposed
  try {
    setFlagsFromString('--expose-gc')
    return runInNewContext('gc') as () => void
  } catch {
    return undefined
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

it('100,000 keys with a 1 s TTL, never read, are gone after 2 s and their memory is reclaimed', async () => {
  const gc = getGc()
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      gc?.()
      await sleep(20)
    }
    return process.memoryUsage().heapUsed
  }
  const kv = createKv(configSchema.parse({}).kv)
  const baseline = await settle()
  const payload = 'x'.repeat(64)
  for (let i = 0; i < 100_000; i++) await kv.storage.setItem(`session:${i}`, { id: i, payload }, { ttl: 1 })
  const peak = await settle()
  const data = (kv.storage.getMount('').driver.getInstance as () => Map<string, unknown>)()

  await sleep(2000)
  expect(await kv.storage.getKeys()).toEqual([])
  // The sweep deleted them: the map is empty without anyone reading the keys.
  expect(data.size).toBe(0)
  const after = await settle()
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1)
  console.info(`[memory-growth] gc=${Boolean(gc)} baseline ${mb(baseline)} MB, peak ${mb(peak)} MB, after ${mb(after)} MB`)
  expect(peak - baseline).toBeGreaterThan(5 * 1024 * 1024)
  // Near baseline: with gc, within 3 MB; without, within a generous 25% of the growth.
  const bound = gc ? 3 * 1024 * 1024 : (peak - baseline) * 0.25
  expect(after - baseline).toBeLessThan(bound)
  await kv.close()
})
