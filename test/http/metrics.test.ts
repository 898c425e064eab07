import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { createMetrics } from '../../src/runtime/metrics.ts'
import { fixtureApp } from './_setup.ts'

/** promtool ships in Debian's `prometheus` package; CI must have it. */
const promtool = spawnSync('promtool', ['--version']).status === 0
if (!promtool) {
  if (process.env.CI === 'true') throw new Error('promtool is missing: install the Debian package `prometheus` (apt-get install -y prometheus)')
  console.warn('\n[metrics.test] promtool not installed (Debian package `prometheus`): skipping `promtool check metrics`\n')
}

function httpSeries(text: string): string[] {
  return text.split('\n').filter((l) => l.startsWith('http_'))
}

function promtoolCheck(text: string) {
  const file = join(mkdtempSync(join(tmpdir(), 'dskity-metrics-')), 'metrics.txt')
  writeFileSync(file, text)
  const run = spawnSync('sh', ['-c', `promtool check metrics < "${file}"`], { encoding: 'utf8' })
  return { status: run.status, output: `${run.stdout}${run.stderr}` }
}

describe('metrics (case 8)', async () => {
  const { client } = await fixtureApp()

  test('1,000 unknown paths and 1,000 ids under a module add no http_ series after the first few', async () => {
    for (let i = 0; i < 5; i++) {
      await client.get(`/warmup-${i}`)
      await client.get(`/api/items/${i}`)
      await client.get('/metrics')
    }
    const before = httpSeries((await client.get<string>('/metrics')).text).length
    for (let i = 0; i < 1000; i++) {
      await client.get(`/unknown/${randomUUID()}?q=${i}`)
      await client.get(`/api/items/${randomUUID()}`)
    }
    const text = (await client.get<string>('/metrics')).text
    expect(httpSeries(text).length).toBe(before)
    expect(text).toMatch(/http_requests_total\{method="GET",route="\/api\/items\/:id",status="200"\} 100[5-9]/)
    expect(text).toMatch(/http_requests_total\{method="GET",route="<unmatched>",status="404"\} 100[5-9]/)
    expect(text).not.toMatch(/warmup|unknown\//)
  })

  test('unknown methods are counted as OTHER, never as their raw name', async () => {
    await client.request('PROPFIND', '/api/ping').catch(() => {})
    const text = (await client.get<string>('/metrics')).text
    expect(text).not.toMatch(/method="PROPFIND"/)
  })

  test('a label value with a double quote is escaped', async () => {
    expect((await client.get('/api/emit')).status).toBe(200)
    const text = (await client.get<string>('/metrics')).text
    expect(text).toContain('dskity_events_emitted_total{event="say \\"hi\\""} 1')
  })

  test.skipIf(!promtool)('promtool check metrics passes on the real /metrics output', async () => {
    const res = await client.get<string>('/metrics')
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const { status, output } = promtoolCheck(res.text)
    expect(output).toBe('')
    expect(status).toBe(0)
  })

  test.skipIf(!promtool)('promtool also passes with hostile label values (quotes, backslashes, newlines)', async () => {
    const metrics = createMetrics({ defaultMetrics: false })
    metrics.eventEmitted('a "quoted" \\ back\nslash')
    metrics.listenerFailed('x"y', 'mod\\ule')
    metrics.observeRequest('GET', '/a/"b"', 200, 0.01)
    const { status, output } = promtoolCheck(await metrics.render())
    expect(output).toBe('')
    expect(status).toBe(0)
  })
})
