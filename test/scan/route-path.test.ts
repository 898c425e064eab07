import { describe, expect, it } from 'vitest'
import { joinRoutePath, routeFromFile } from '../../src/scan/route-path.ts'

describe('routeFromFile (Nitro conventions)', () => {
  it.each([
    ['index.get.ts', 'get', '/'],
    ['index.post.ts', 'post', '/'],
    ['[id].get.ts', 'get', '/:id'],
    ['[id]/items.get.ts', 'get', '/:id/items'],
    ['[...path].ts', undefined, '/**:path'],
    ['[...].ts', undefined, '/**'],
    ['stats.ts', undefined, '/stats'],
    ['(admin)/users.delete.ts', 'delete', '/users'],
    ['nested/index.put.mjs', 'put', '/nested'],
    ['a.b.get.ts', 'get', '/a.b'],
  ])('%s → %s %s', (file, method, path) => {
    expect(routeFromFile(file)).toEqual({ method, path })
  })

  it('mounts under the base path without double or trailing slashes', () => {
    expect(joinRoutePath('/orders', '/')).toBe('/orders')
    expect(joinRoutePath('/orders', '/:id')).toBe('/orders/:id')
    expect(joinRoutePath('/', '/')).toBe('/')
    expect(joinRoutePath('/', '/x')).toBe('/x')
  })
})
