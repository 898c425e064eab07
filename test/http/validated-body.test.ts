import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, createTestClient, type TestApp, type TestClient } from '../../src/testing/index.ts'

describe('readValidatedBody (playground cart)', () => {
  let app: TestApp
  let client: TestClient
  beforeAll(async () => {
    app = await createTestApp({ rootDir: new URL('../../playground', import.meta.url).pathname, targets: ['cart'] })
    client = createTestClient({ app })
  })
  afterAll(() => app.close())

  it('a valid body reaches the handler typed, with schema defaults applied', async () => {
    const res = await client.post<{ lines: unknown[] }>('/cart/ann', { productId: 'p1' })
    expect(res.status).toBe(200)
    expect(res.body.lines).toEqual([{ productId: 'p1', quantity: 1 }])
  })

  it('an invalid body is a 422 problem listing every issue with its path', async () => {
    const res = await client.post<{ status: number; issues: Array<{ path: string }>; detail: string }>('/cart/ann', { productId: '', quantity: 1.5 })
    expect(res.status).toBe(422)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    expect(res.body.issues.map((i) => i.path).sort()).toEqual(['productId', 'quantity'])
    expect(res.body.detail).toMatch(/productId: .*; quantity: /)
  })

  it('broken JSON is still a 400 before validation', async () => {
    expect((await client.post('/cart/ann', '{"productId":', { headers: { 'content-type': 'application/json' } })).status).toBe(400)
  })
})
