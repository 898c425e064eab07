import { fileURLToPath } from 'node:url'
import { Pool } from 'undici'
import { describe, expect, it } from 'vitest'
import { HOSTS, startHost } from './hosts.ts'

// SPEC §10 under load: SIGTERM while 50 keep-alive connections keep sending. Every request sent
// before the signal must succeed; requests sent after it may be refused (connection refused/reset).
// LOAD_APP_SPIN_MS=2 adds synchronous work per request (a lagging event loop), which makes races
// between the signal and requests already on the wire much more likely.
const APP = fileURLToPath(new URL('../fixtures/load-app', import.meta.url))
const CONNECTIONS = 50
const LOAD_BEFORE_MS = 1000
const LOAD_AFTER_MS = 500

interface Outcome {
  sentAt: number
  endedAt: number
  ok: boolean
  /** HTTP status, or the error code/message when there was no response. */
  result: string
}

describe.each(HOSTS)('SIGTERM under load (%s host)', (kind) => {
  it(`${CONNECTIONS} keep-alive connections: no request sent before the signal fails, exit 0, shutdown hook once`, async () => {
    const host = await startHost(kind, APP, { DSKITY_COMMON__LOGGING__LEVEL: 'warn', LOAD_APP_SPIN_MS: process.env.LOAD_APP_SPIN_MS ?? '0' })
    expect(host.output().match(/LOAD-APP startup hook ran/g)).toHaveLength(1)
    const pool = new Pool(host.url, { connections: CONNECTIONS, pipelining: 1, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 30_000 })
    const outcomes: Outcome[] = []
    let stopAt = Infinity
    const worker = async () => {
      while (Date.now() < stopAt) {
        const sentAt = Date.now()
        try {
          const res = await pool.request({ path: '/work/work', method: 'GET' })
          await res.body.text()
          outcomes.push({ sentAt, endedAt: Date.now(), ok: res.statusCode === 200, result: String(res.statusCode) })
        } catch (error) {
          outcomes.push({ sentAt, endedAt: Date.now(), ok: false, result: (error as NodeJS.ErrnoException).code ?? (error as Error).message })
          await new Promise((r) => setTimeout(r, 10)) // refused after the signal: do not spin
        }
      }
    }
    const workers = Array.from({ length: CONNECTIONS }, worker)
    await new Promise((r) => setTimeout(r, LOAD_BEFORE_MS))
    const signalAt = Date.now()
    host.proc.kill('SIGTERM')
    stopAt = signalAt + LOAD_AFTER_MS
    const exitedAfter = host.exited.then((code) => ({ code, ms: Date.now() - signalAt }))
    await Promise.all(workers)
    const { code, ms: exitedAfterMs } = await exitedAfter
    await pool.destroy()

    const before = outcomes.filter((o) => o.sentAt < signalAt)
    const after = outcomes.filter((o) => o.sentAt >= signalAt)
    const failedBefore = before.filter((o) => !o.ok)
    const tally = (list: Outcome[]) => list.reduce<Record<string, number>>((acc, o) => ((acc[o.result] = (acc[o.result] ?? 0) + 1), acc), {})
    console.info(`[${kind}] before SIGTERM: ${before.length} sent ${JSON.stringify(tally(before))}; after: ${after.length} sent ${JSON.stringify(tally(after))}; exit ${code} after ${exitedAfterMs} ms`)

    if (failedBefore.length) console.info(`[${kind}] failed before SIGTERM (ms relative to the signal, sent → ended):`, failedBefore.map((o) => `${o.sentAt - signalAt}→${o.endedAt - signalAt} ${o.result}`).join(', '))
    expect(before.length).toBeGreaterThan(CONNECTIONS * 3) // the load really ran
    expect(failedBefore, `requests sent before SIGTERM that failed: ${JSON.stringify(tally(failedBefore))}`).toEqual([])
    expect(code).toBe(0)
    expect(exitedAfterMs).toBeLessThan(5_000) // in-flight work is ≤ 200 ms; nothing waits for keep-alive timeouts
    expect(host.output().match(/LOAD-APP shutdown hook ran/g)).toHaveLength(1)
  }, 60_000)
})
