import { expect, it } from 'vitest'
import { fixtureServer } from './_setup.ts'

it('an IPv6 listen address is advertised as a valid URL (in brackets)', async () => {
  const server = await fixtureServer({}, '::1')
  expect(server.url).toMatch(/^http:\/\/\[::1\]:\d+$/)
  expect(() => new URL(server.url)).not.toThrow()
  expect(server.runtime.options.common.advertiseUrl).toBe(server.url)
  expect((await fetch(`${server.url}/health/live`)).status).toBe(200)
})
