import { describe, expect, it } from 'vitest'
import { createRouteTable } from '../../src/runtime/route-table.ts'

// Paths arrive as sent; escapes are decoded exactly once, and never before the query is cut off.
describe('route table decoding', () => {
  const table = createRouteTable<string>()
  table.add('GET', '/items/:id', { handler: 'item', template: '/items/:id' })
  table.add('GET', '/files/**:path', { handler: 'file', template: '/files/**:path' })
  table.add('GET', '/café', { handler: 'cafe', template: '/café' })
  const id = (path: string) => table.lookup('GET', path).params.id

  it('an encoded ? or / is part of the parameter, not a query or a new segment', () => {
    expect(id('/items/p1%3Fx')).toBe('p1?x')
    expect(id('/items/p1%3Fx?real=1')).toBe('p1?x')
    expect(id('/items/a%2Fb')).toBe('a/b')
    expect(table.lookup('GET', '/items/a/b').target).toBeUndefined()
  })

  it('decodes once: %25 escapes stay escapes; malformed escapes stay as sent', () => {
    expect(id('/items/%252F')).toBe('%2F')
    expect(id('/items/%252e%252e')).toBe('%2e%2e')
    expect(id('/items/%2e%2e')).toBe('..')
    expect(id('/items/%zz')).toBe('%zz')
    expect(id('/items/100%25')).toBe('100%')
  })

  it('static segments match in their decoded form; catch-alls keep their slashes', () => {
    expect(table.lookup('GET', '/caf%C3%A9').target?.handler).toBe('cafe')
    expect(table.lookup('GET', '/files/a%20b/c%2Fd.txt').params.path).toBe('a b/c/d.txt')
    // A malformed segment stays as sent; the others are still decoded once.
    expect(table.lookup('GET', '/files/%ZZ/a%20b%2525').params.path).toBe('%ZZ/a b%25')
  })
})
