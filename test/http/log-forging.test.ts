import { expect, it } from 'vitest'
import { createLogger, logAccess } from '../../src/runtime/logger.ts'
it('text records cannot forge a record: access lines stay one line, message lines are indented continuations', () => {
  const records: string[] = []
  const logger = createLogger({ format: 'text', level: 'info', write: (l) => records.push(l) })
  logAccess(logger, { method: 'GET', path: '/nope\r\nFAKE 200', status: 404, durationMs: 1, route: '<unmatched>', requestId: 'r', module: 'dskity' })
  logger.info('user says\n2026-01-01T00:00:00.000Z INFO  [x] forged\r\nline')
  logger.error('failed:', new Error('first\nsecond'))
  expect(records[0].trimEnd().includes('\n')).toBe(false)
  expect(records[0]).toContain('/nope\\x0d\\x0aFAKE 200')
  for (const record of records) {
    const [first, ...rest] = record.trimEnd().split('\n')
    expect(first).toMatch(/^\d{4}-\d\d-\d\dT/)
    for (const line of rest) expect(line, record).toMatch(/^ {4}/)
  }
  expect(records[1]).toContain('user says\n    2026-01-01T00:00:00.000Z INFO  [x] forged\\x0d\n    line')
})

it('JSON access records are valid JSON with every field intact, whatever the path holds', () => {
  const lines: string[] = []
  const logger = createLogger({ format: 'json', level: 'info', write: (l) => lines.push(l) })
  const paths = ['/plain', '/q"uote', '/back\\slash', '/nl\n"level":"error"', '/ünï/😀', '/lone\ud800', '/del\u007f', '']
  const durations = [0, 0.4, 3, 12.3, 1234.5, 1e-7]
  for (const [i, path] of paths.entries()) logAccess(logger, { method: 'GET', path, status: 200 + i, durationMs: durations[i % durations.length], route: '/[id]"x', requestId: `id-${i}`, module: 'orders' })
  expect(lines).toHaveLength(paths.length)
  for (const [i, line] of lines.entries()) {
    expect(line.endsWith('}\n')).toBe(true)
    expect(line.slice(0, -1).includes('\n')).toBe(false)
    const record = JSON.parse(line)
    expect(record).toMatchObject({ level: 'info', msg: `GET ${paths[i]} ${200 + i}`, request_id: `id-${i}`, module: 'orders', function: 'accessLog', status: 200 + i, route: '/[id]"x' })
    expect(record.duration_ms).toBeCloseTo(Math.round(durations[i % durations.length] * 10) / 10, 5)
    expect(Date.parse(record.time)).toBeGreaterThan(Date.parse('2020-01-01'))
  }
})
