// Two real playground processes on the shared Redis find each other through the service registry
// (SPEC §6, issue 4 "Done when"): both listed with their real URLs, a SIGKILLed one expires after
// ttlSeconds, a SIGTERMed one deregisters itself at once.
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServiceInstance } from '../../src/clients/registry.ts'
import { startHost, type RunningHost } from '../e2e/hosts.ts'
import { serviceAvailable } from '../service-available.ts'

const up = await serviceAvailable('Redis', 6379)
const PLAYGROUND = fileURLToPath(new URL('../../playground', import.meta.url))
const prefix = `dskity-test-instances-${process.pid}-${Date.now()}`
const TTL_SECONDS = 2
const env = (ttlSeconds: number) => ({
  DSKITY_KV__STORE: 'redis',
  DSKITY_KV__REDIS__URL: 'redis://127.0.0.1:6379/0',
  DSKITY_KV__REDIS__KEY_PREFIX: prefix,
  DSKITY_COMMON__REGISTRY__TTL_SECONDS: String(ttlSeconds),
  DSKITY_COMMON__REGISTRY__HEARTBEAT_INTERVAL_SECONDS: '1',
})
// A separate connection, to look at the records as Redis holds them.
const raw = new Redis('redis://127.0.0.1:6379/0', { lazyConnect: true })
const hosts: RunningHost[] = []

beforeAll(async () => {
  if (!up) return
  // Started in parallel: two independent processes, like two replicas behind a load balancer. The one
  // that will be SIGKILLed has ttlSeconds=2; the survivor a long TTL, so that its record can only
  // vanish quickly by deregistration.
  hosts.push(...(await Promise.all([startHost('in-process', PLAYGROUND, env(TTL_SECONDS)), startHost('in-process', PLAYGROUND, env(60))])))
})

afterAll(async () => {
  for (const host of hosts) if (host.proc.exitCode === null && host.proc.signalCode === null) host.proc.kill('SIGKILL')
  await Promise.all(hosts.map((h) => h.exited))
  if (up) {
    const keys = await scan(`${prefix}:*`)
    if (keys.length) await raw.del(...keys)
  }
  raw.disconnect()
})

describe.skipIf(!up)('registry: two playground instances on one Redis', () => {
  it('each one lists both instances, with their real URLs and process ids', async () => {
    const [a, b] = hosts
    expect(a.url).not.toBe(b.url)
    for (const host of hosts) {
      const listed = await instances(host)
      expect(listed.map((i) => i.url).sort(), host.output()).toEqual([a.url, b.url].sort())
      expect(listed.every((i) => i.name === 'playground')).toBe(true)
      // The advertised modules are the ones the instance serves (GET /), in start order.
      const { modules } = (await (await fetch(`${host.url}/`)).json()) as { modules: string[] }
      expect(modules).toContain('cart')
      expect(listed.find((i) => i.url === host.url)!.modules).toEqual(modules)
      // instanceId is `<host>-<pid>-<random>`: each record belongs to the process serving that URL.
      for (const h of hosts) expect(listed.find((i) => i.url === h.url)!.instanceId).toContain(`-${h.proc.pid}-`)
    }
    // Written under kv.redis.keyPrefix, with a native Redis TTL of each instance's ttlSeconds.
    const keys = await scan(`${prefix}:registry:playground:*`)
    expect(keys).toHaveLength(2)
    for (const [host, ttl] of [[a, TTL_SECONDS], [b, 60]] as const) {
      const pttl = await raw.pttl(keys.find((k) => k.includes(`-${host.proc.pid}-`))!)
      expect(pttl).toBeGreaterThan(0)
      expect(pttl).toBeLessThanOrEqual(ttl * 1000)
    }
  })

  it('a SIGKILLed instance disappears from the other one\'s list after ttlSeconds', async () => {
    const [killed, survivor] = hosts
    killed.proc.kill('SIGKILL')
    await killed.exited
    const killedAt = Date.now()
    let gone: number | undefined
    while (gone === undefined && Date.now() - killedAt < 5000) {
      const urls = (await instances(survivor)).map((i) => i.url)
      expect(urls).toContain(survivor.url)
      if (!urls.includes(killed.url)) gone = Date.now() - killedAt
      else await new Promise((r) => setTimeout(r, 100))
    }
    expect(gone, `still listed 5 s after SIGKILL (ttlSeconds=${TTL_SECONDS})`).toBeDefined()
    expect(gone!).toBeLessThanOrEqual(TTL_SECONDS * 1000 + 500)
  })

  it('a SIGTERMed instance removes its own record before exiting (not by expiry)', async () => {
    const survivor = hosts[1]
    const [key] = await scan(`${prefix}:registry:playground:*`)
    expect(key).toContain(`-${survivor.proc.pid}-`)
    // Its TTL is 60 s: gone right after exit means deleted, not expired.
    expect(await raw.pttl(key)).toBeGreaterThan(30_000)
    expect(await survivor.stop()).toBe(0)
    expect(await raw.exists(key), survivor.output()).toBe(0)
    expect(survivor.output()).not.toMatch(/deregister failed/)
  })
})

// --- internal ---

async function instances(host: RunningHost): Promise<ServiceInstance[]> {
  const res = await fetch(`${host.url}/_core/services.json`, { signal: AbortSignal.timeout(5000) })
  expect(res.status).toBe(200)
  const body = (await res.json()) as { service: string; instances: ServiceInstance[] }
  expect(body.service).toBe('playground')
  return body.instances
}

async function scan(pattern: string): Promise<string[]> {
  const keys: string[] = []
  let cursor = '0'
  do {
    const [next, batch] = await raw.scan(cursor, 'MATCH', pattern, 'COUNT', 1000)
    cursor = next
    keys.push(...batch)
  } while (cursor !== '0')
  return keys.sort()
}
