import { describe, expect, it } from 'vitest'
import { createMetrics } from '../../src/runtime/metrics.ts'

describe('http metrics exposition', () => {
  it('renders cumulative buckets, sum and count per method/route/status', async () => {
    const m = createMetrics({ defaultMetrics: false })
    for (const s of [0.0005, 0.001, 0.003, 0.2, 20]) m.observeRequest('GET', '/orders/:id', 200, s)
    m.observeRequest('BREW', '/x"y', 418, 0.01)
    const text = await m.render()
    const line = (le: string) => text.match(new RegExp(`http_request_duration_seconds_bucket\\{method="GET",route="/orders/:id",status="200",le="${le.replace('+', '\\+')}"\\} (\\d+)`))?.[1]
    expect([line('0.001'), line('0.005'), line('0.1'), line('0.25'), line('10'), line('+Inf')]).toEqual(['2', '3', '3', '4', '4', '5'])
    expect(text).toMatch(/http_request_duration_seconds_sum\{method="GET",route="\/orders\/:id",status="200"\} 20\.2045/)
    expect(text).toMatch(/http_requests_total\{method="GET",route="\/orders\/:id",status="200"\} 5/)
    // Unknown methods collapse to OTHER; quotes in label values are escaped.
    expect(text).toContain('http_requests_total{method="OTHER",route="/x\\"y",status="418"} 1')
  })
})
