import { expect, it } from 'vitest'
import { createLogger, logAccess } from '../../src/runtime/logger.ts'
it('text records stay on one line', () => {
  const lines: string[] = []
  const logger = createLogger({ format: 'text', level: 'info', write: (l) => lines.push(l) })
  logAccess(logger, { method: 'GET', path: '/nope\r\nFAKE 200', status: 404, durationMs: 1, route: '<unmatched>', requestId: 'r', module: 'dskity' })
  logger.info('user says\nforged line')
  for (const line of lines) expect(line.trimEnd().includes('\n')).toBe(false)
  expect(lines.join('')).toContain('/nope\\x0d\\x0aFAKE 200')
})
