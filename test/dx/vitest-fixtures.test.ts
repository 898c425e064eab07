import { describe, expect, test } from 'dskity/vitest'
import { createTestSettings } from 'dskity/testing'

// The fixtures, run against the playground. One app per worker: tests below share it.
test.override({ dskityRootDir: 'playground' })

describe('dskity/vitest fixtures', () => {
  test('dskitySettings defaults to createTestSettings()', ({ dskitySettings }) => {
    expect(dskitySettings).toEqual(createTestSettings())
  })

  test('dskityClient talks to the playground app', async ({ dskityClient }) => {
    const root = await dskityClient.get<{ name: string; modules: string[] }>('/')
    expect(root.status).toBe(200)
    expect(root.body.name).toBe('playground')
    expect(root.body.modules).toEqual(expect.arrayContaining(['catalog', 'orders', 'notifications']))
  })

  test('the app is shared by the tests of a worker', async ({ dskityApp, dskityClient }) => {
    const created = await dskityClient.post<{ id: string }>('/orders', { productId: 'p1', quantity: 1 })
    expect(created.status).toBe(201)
    // The same runtime serves the next test's client, so the order is still there.
    expect(dskityApp.runtime).toBeDefined()
  })

  test('state written by an earlier test is visible (same worker app)', async ({ dskityClient }) => {
    const listed = await dskityClient.get<{ orders: unknown[] }>('/orders')
    expect(listed.body.orders.length).toBeGreaterThanOrEqual(1)
    // The playground's config file sets maxItems to 5.
    expect((await dskityClient.post('/orders', { productId: 'p1', quantity: 6 })).status).toBe(422)
  })
})

// A derived `test` whose settings differ: it gets its own app.
const small = test.extend({
  dskitySettings: [async ({}, use) => use(createTestSettings({ modules: { orders: { settings: { maxItems: 2 } } } })), { scope: 'worker' }],
})

describe('overriding dskitySettings', () => {
  small('customises the app', async ({ dskityClient }) => {
    expect((await dskityClient.post('/orders', { productId: 'p1', quantity: 3 })).status).toBe(422)
    expect((await dskityClient.post('/orders', { productId: 'p1', quantity: 2 })).status).toBe(201)
  })

  small('has its own state', async ({ dskityClient }) => {
    const listed = await dskityClient.get<{ orders: unknown[] }>('/orders')
    expect(listed.body.orders).toHaveLength(1)
  })
})

const onlyCatalog = test.extend({ dskityTargets: [async ({}, use) => use(['catalog']), { scope: 'worker' }] })

onlyCatalog('dskityTargets selects modules', async ({ dskityClient }) => {
  const root = await dskityClient.get<{ modules: string[] }>('/')
  expect(root.body.modules).toContain('catalog')
  expect(root.body.modules).not.toContain('orders')
  expect((await dskityClient.get('/orders')).status).toBe(404)
})
