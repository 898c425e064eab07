import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { HOSTS, startHost } from './hosts.ts'

// Hooks and listeners that never settle are bounded by timeouts (issue 3, SPEC §2/§3, case 6).
const HANG_APP = fileURLToPath(new URL('../fixtures/hang-startup-app', import.meta.url))
const LISTENERS_APP = fileURLToPath(new URL('../fixtures/listeners-app', import.meta.url))

describe.each(HOSTS)('timeouts (%s host)', (kind) => {
  it('a startup hook that never settles fails startup after common.lifecycle.startupTimeoutSeconds, naming the module', async () => {
    const host = await startHost(kind, HANG_APP, { DSKITY_COMMON__LIFECYCLE__STARTUP_TIMEOUT_SECONDS: '1' }, { waitReady: false })
    const started = Date.now()
    const code = await Promise.race([host.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 10_000))])
    if (code === 'hung') host.proc.kill('SIGKILL')
    expect(code).not.toBe('hung')
    expect(code).not.toBe(0)
    expect(Date.now() - started).toBeLessThan(6_000)
    expect(host.output()).toMatch(/startup hook of module `stuck` .*did not finish within 1 s/)
    // The module started before it is shut down; the stuck one never started, so its shutdown hook does not run.
    expect(host.output().match(/HANG-APP shutdown early/g)).toHaveLength(1)
    expect(host.output()).not.toMatch(/HANG-APP shutdown stuck/)
  }, 60_000)

  it('SIGTERM while a startup hook hangs: modules already started run their shutdown hooks, exit 0', async () => {
    const host = await startHost(kind, HANG_APP, { DSKITY_COMMON__LIFECYCLE__STARTUP_TIMEOUT_SECONDS: '30', DSKITY_COMMON__SHUTDOWN__GRACE_SECONDS: '1' }, { waitReady: false })
    const deadline = Date.now() + 20_000
    while (!/HANG-APP startup stuck/.test(host.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    expect(host.output()).toMatch(/HANG-APP startup stuck/)
    host.proc.kill('SIGTERM')
    const code = await Promise.race([host.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 10_000))])
    if (code === 'hung') host.proc.kill('SIGKILL')
    expect(code, host.output()).toBe(0)
    expect(host.output().match(/HANG-APP shutdown early/g)).toHaveLength(1)
    expect(host.output()).not.toMatch(/HANG-APP shutdown stuck/)
  }, 60_000)

  it('case 6: a throwing and a hanging listener neither fail nor block emit, and are logged with the request id and counted', async () => {
    const host = await startHost(kind, LISTENERS_APP, { DSKITY_COMMON__LIFECYCLE__LISTENER_TIMEOUT_SECONDS: '1', DSKITY_COMMON__LOGGING__FORMAT: 'json' })
    const requestId = randomUUID()
    const started = Date.now()
    const res = await fetch(`${host.url}/shop/order`, { method: 'POST', headers: { 'x-request-id': requestId } })
    const elapsed = Date.now() - started
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ emitted: true })
    expect(elapsed).toBeGreaterThanOrEqual(900) // waited for the hanging listener's timeout…
    expect(elapsed).toBeLessThan(2_500) // …and no longer
    expect(await (await fetch(`${host.url}/shop/counter`)).json()).toEqual({ count: 1 })

    const metrics = await (await fetch(`${host.url}/metrics`)).text()
    const failures = [...metrics.matchAll(/^dskity_event_listener_failures_total\{([^}]*)\} (\d+)/gm)].filter(([, labels]) => labels.includes('event="order.created"'))
    expect(failures.reduce((sum, [, , n]) => sum + Number(n), 0)).toBeGreaterThanOrEqual(2)
    expect(failures.map(([, labels]) => labels.match(/module="(\w+)"/)?.[1]).sort()).toEqual(['hanger', 'thrower'])

    const records = host
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: string; msg: string; request_id: string | null })
    const errors = records.filter((r) => r.level === 'error' && r.msg.includes('order.created'))
    expect(errors.find((r) => r.msg.includes('thrower'))).toMatchObject({ request_id: requestId })
    expect(errors.find((r) => r.msg.includes('hanger'))).toMatchObject({ request_id: requestId })

    const signalled = Date.now()
    expect(await host.stop()).toBe(0)
    expect(Date.now() - signalled).toBeLessThan(3_000) // the hanging listener does not hold shutdown
    expect(host.output()).not.toMatch(/unhandled ?rejection/i)
  }, 60_000)
})
