import { describe, expect, it, afterAll } from 'vitest'
import { fileURLToPath } from 'node:url'
import { createTestApp, createTestClient } from 'dskity/testing'

// The app is assembled in-process from the service folder (no build, no port).
const app = await createTestApp({ rootDir: fileURLToPath(new URL('../..', import.meta.url)), targets: ['__NAME__'] })
const client = createTestClient({ app })
afterAll(() => app.close())

describe('__NAME__', () => {
  it('stores an item and lists it', async () => {
    const created = await client.post('/__NAME__', { item: 'first' })
    expect(created.status).toBe(201)
    const listed = await client.get('/__NAME__')
    expect(listed.body).toMatchObject({ module: '__NAME__', items: ['first'] })
  })

  it('rejects an empty item with a problem', async () => {
    const res = await client.post('/__NAME__', { item: '' })
    expect(res.status).toBe(422)
    expect(res.headers.get('content-type')).toContain('application/problem+json')
  })
})
