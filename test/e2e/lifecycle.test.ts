import { fileURLToPath } from 'node:url'
import { Agent, request } from 'undici'
import { describe, expect, it } from 'vitest'
import { HOSTS, startHost } from './hosts.ts'

const APP = fileURLToPath(new URL('../fixtures/lifecycle-app', import.meta.url))
const order = (output: string, kind: 'startup' | 'shutdown') => [...output.matchAll(new RegExp(`LIFECYCLE ${kind} (\\w+)`, 'g'))].map((m) => m[1])

describe.each(HOSTS)('lifecycle (%s host)', (kind) => {
  it('starts modules in dependency order and stops them in exact reverse, then exits 0', async () => {
    const host = await startHost(kind, APP)
    expect(order(host.output(), 'startup')).toEqual(['first', 'second', 'third'])
    expect(await host.stop()).toBe(0)
    expect(order(host.output(), 'shutdown')).toEqual(['third', 'second', 'first'])
  })

  it('a second signal within 1 s is ignored (npm forwards Ctrl-C twice); a later one exits at once with 1', async () => {
    const host = await startHost(kind, APP, { LIFECYCLE_SLOW_SHUTDOWN_MS: '20000', DSKITY_COMMON__SHUTDOWN__HOOK_TIMEOUT_SECONDS: '30' })
    host.proc.kill('SIGTERM')
    const deadline = Date.now() + 10_000
    while (!/LIFECYCLE shutdown third/.test(host.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25))
    host.proc.kill('SIGTERM') // well within 1 s of the first: ignored
    await new Promise((r) => setTimeout(r, 1300))
    expect(host.proc.exitCode).toBeNull()
    const sent = Date.now()
    host.proc.kill('SIGINT')
    expect(await host.exited).toBe(1)
    expect(Date.now() - sent).toBeLessThan(2000)
    expect(host.output()).toMatch(/SIGINT again: exiting now/)
    expect(order(host.output(), 'shutdown')).toEqual(['third']) // the slow hook was cut short
  }, 30_000)

  it('a failing startup hook shuts down the started modules in reverse and exits non-zero naming the module', async () => {
    const host = await startHost(kind, APP, { FAIL_STARTUP: 'second' }, { waitReady: false })
    const code = await host.exited
    expect(code).not.toBe(0)
    expect(host.output()).toMatch(/module `second` failed to start: second cannot start/)
    expect(order(host.output(), 'startup')).toEqual(['first'])
    expect(order(host.output(), 'shutdown')).toEqual(['first'])
  })

  it('invalid module settings from env stop startup naming the module, the key and the reason', async () => {
    const host = await startHost(kind, APP, { DSKITY_MODULES__SECOND__SETTINGS__MAX_ITEMS: 'abc' }, { waitReady: false })
    expect(await host.exited).not.toBe(0)
    expect(host.output()).toMatch(/module `second`: invalid settings:\s+- modules\.second\.settings\.maxItems: .*number.* \[from DSKITY_MODULES__SECOND__SETTINGS__MAX_ITEMS\]/)
    expect(order(host.output(), 'startup')).toEqual([])
  })

  it('env module settings keep their declared type', async () => {
    const host = await startHost(kind, APP, { DSKITY_MODULES__SECOND__SETTINGS__MAX_ITEMS: '5', DSKITY_MODULES__SECOND__SETTINGS__LABEL: '4.0' })
    const res = await fetch(`${host.url}/second/settings`)
    expect(await res.json()).toEqual({ maxItems: 5, label: '4.0' })
    await host.stop()
  })

  it('case 7: SIGTERM during a keep-alive request lets it finish and exits promptly', async () => {
    const host = await startHost(kind, APP)
    const agent = new Agent({ keepAliveTimeout: 60_000, keepAliveMaxTimeout: 60_000 })
    // Warm the connection so the slow request travels on a kept-alive socket.
    await (await request(`${host.url}/health/live`, { dispatcher: agent })).body.text()
    const started = Date.now()
    const slow = request(`${host.url}/first/slow?ms=1500`, { dispatcher: agent })
    await new Promise((r) => setTimeout(r, 400))
    host.proc.kill('SIGTERM')
    const res = await slow
    expect(res.statusCode).toBe(200)
    expect(await res.body.json()).toEqual({ slept: 1500 })
    const code = await host.exited
    const total = Date.now() - started
    expect(code).toBe(0)
    expect(total).toBeLessThan(1500 + 1500)
    expect(order(host.output(), 'shutdown')).toEqual(['third', 'second', 'first'])
    await agent.close()
  })
})

describe('a second signal', () => {
  it('arriving at once (npm forwarding Ctrl-C) is ignored; a later one exits 1 at once', async () => {
    const host = await startHost('in-process', APP)
    const slow = fetch(`${host.url}/first/slow?ms=3000`).catch(() => undefined)
    await new Promise((r) => setTimeout(r, 200))
    host.proc.kill('SIGINT')
    host.proc.kill('SIGINT')
    await new Promise((r) => setTimeout(r, 1300))
    expect(host.proc.exitCode).toBeNull()
    host.proc.kill('SIGTERM')
    expect(await host.exited).toBe(1)
    expect(host.output()).toMatch(/SIGTERM again: exiting now/)
    await slow
  })
})
