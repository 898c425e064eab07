import { describe, expect, it } from 'vitest'
import { createJiti } from 'jiti'
import { configSchema } from '../../src/config/schema.ts'
import { dskityAlias } from '../../src/config/load.ts'
import { scanApp } from '../../src/scan/scan.ts'
import { fixtureDir, jsonRoute, moduleConfig } from '../fixture-dir.ts'

const jiti = createJiti(import.meta.url, { alias: dskityAlias(), moduleCache: false })
const scan = (rootDir: string, config: Record<string, unknown> = {}, targets?: string[]) =>
  scanApp({ rootDir, options: configSchema.parse(config), targets, importFile: (f) => jiti.import(f, { default: true }) })

describe('scanApp', () => {
  it('orders modules by dependsOn and maps routes, events and hooks', async () => {
    const root = fixtureDir({
      'modules/notifications/module.config.ts': moduleConfig({ dependsOn: ['orders'] }),
      'modules/notifications/events/order.created.ts': 'export default () => {}',
      'modules/orders/module.config.ts': moduleConfig({ dependsOn: ['catalog'], basePath: '/shop/orders' }),
      'modules/orders/routes/[id]/items.get.ts': jsonRoute({}),
      'modules/orders/hooks/startup.ts': 'export default () => {}',
      'modules/catalog/routes/index.get.ts': jsonRoute({}),
      'modules/catalog/routes/[...path].ts': jsonRoute({}),
    })
    const manifest = await scan(root)
    expect(manifest.modules.map((m) => m.name)).toEqual(['catalog', 'orders', 'notifications'])
    const normalized = manifest.modules.map((m) => ({
      name: m.name,
      basePath: m.basePath,
      routes: m.routes.map((r) => `${r.method ?? '*'} ${r.path} ${r.file.slice(root.length)}`),
      events: m.events.map((e) => e.name),
      hooks: Object.keys(m.hooks),
    }))
    expect(normalized).toMatchInlineSnapshot(`
      [
        {
          "basePath": "/catalog",
          "events": [],
          "hooks": [],
          "name": "catalog",
          "routes": [
            "* /catalog/**:path /modules/catalog/routes/[...path].ts",
            "get /catalog /modules/catalog/routes/index.get.ts",
          ],
        },
        {
          "basePath": "/shop/orders",
          "events": [],
          "hooks": [
            "startup",
          ],
          "name": "orders",
          "routes": [
            "get /shop/orders/:id/items /modules/orders/routes/[id]/items.get.ts",
          ],
        },
        {
          "basePath": "/notifications",
          "events": [
            "order.created",
          ],
          "hooks": [],
          "name": "notifications",
          "routes": [],
        },
      ]
    `)
  })

  it('a dependency cycle names every module in it', async () => {
    const root = fixtureDir({
      'modules/a/module.config.ts': moduleConfig({ dependsOn: ['b'] }),
      'modules/b/module.config.ts': moduleConfig({ dependsOn: ['c'] }),
      'modules/c/module.config.ts': moduleConfig({ dependsOn: ['a'] }),
    })
    await expect(scan(root)).rejects.toMatchObject({ code: 'DSKITY_E_MODULE_CYCLE', message: expect.stringMatching(/a → b → c → a/) })
  })

  it('an unknown dependency names both modules and suggests the closest name', async () => {
    const root = fixtureDir({ 'modules/orders/module.config.ts': moduleConfig({ dependsOn: ['payment'] }), 'modules/payments/routes/index.get.ts': jsonRoute({}) })
    await expect(scan(root)).rejects.toThrow(/module `orders` depends on `payment`, which does not exist \(did you mean `payments`\?\)/)
  })

  it('a dependency on a disabled module names both', async () => {
    const root = fixtureDir({ 'modules/orders/module.config.ts': moduleConfig({ dependsOn: ['payments'] }), 'modules/payments/routes/index.get.ts': jsonRoute({}) })
    await expect(scan(root, { modules: { payments: { enabled: false } } })).rejects.toThrow(/module `orders` depends on `payments`, which is disabled/)
  })

  it('two modules declaring the same method + path is an error naming both files', async () => {
    const root = fixtureDir({
      'modules/a/module.config.ts': moduleConfig({ basePath: '/shared' }),
      'modules/a/routes/[id].get.ts': jsonRoute({}),
      'modules/b/module.config.ts': moduleConfig({ basePath: '/shared' }),
      'modules/b/routes/[slug].get.ts': jsonRoute({}),
    })
    await expect(scan(root)).rejects.toThrow(/GET \/shared\/:slug is declared twice by modules `a` and `b`: .*a\/routes\/\[id\]\.get\.ts and .*b\/routes\/\[slug\]\.get\.ts/)
  })

  it('rejects invalid module names and unknown module config keys', async () => {
    await expect(scan(fixtureDir({ 'modules/Bad_Name/routes/index.get.ts': jsonRoute({}) }))).rejects.toMatchObject({ code: 'DSKITY_E_MODULE_NAME' })
    await expect(scan(fixtureDir({ 'modules/ok/module.config.ts': moduleConfig({ dependOn: ['x'] }) }))).rejects.toThrow(/unknown key `dependOn` \(did you mean `dependsOn`\?\)/)
  })

  it('--target pulls in dependencies and says so; others are disabled', async () => {
    const root = fixtureDir({
      'modules/a/routes/index.get.ts': jsonRoute({}),
      'modules/b/module.config.ts': moduleConfig({ dependsOn: ['a'] }),
      'modules/c/routes/index.get.ts': jsonRoute({}),
    })
    const manifest = await scan(root, {}, ['b'])
    expect(manifest.modules.filter((m) => m.enabled).map((m) => m.name)).toEqual(['a', 'b'])
    expect(manifest.notes).toEqual(['target `b` pulls in its dependency `a`'])
    await expect(scan(root, {}, ['d'])).rejects.toMatchObject({ code: 'DSKITY_E_UNKNOWN_TARGET' })
  })

  it('a config entry for a module that does not exist is reported', async () => {
    const root = fixtureDir({ 'modules/orders/routes/index.get.ts': jsonRoute({}) })
    await expect(scan(root, { modules: { order: { enabled: true } } })).rejects.toThrow(/modules\.order.*did you mean `orders`/)
  })
})

describe('route file names the router cannot serve', () => {
  it.each([
    ['[...rest]/x.get.ts', /catch-all `\[\.\.\.name\]` must be the last/],
    ['[id.get.ts', /unbalanced or unsupported brackets/],
    ['[[opt]].get.ts', /unbalanced or unsupported brackets/],
    ['[a][b].get.ts', /only one `\[param\]`/],
    ['index.GET.ts', /method suffixes are lower-case/],
  ])('%s is a scan-time error naming the file', async (name, message) => {
    const root = fixtureDir({ [`modules/a/routes/${name}`]: jsonRoute({}) })
    await expect(scan(root)).rejects.toThrow(message)
    await expect(scan(root)).rejects.toThrow(name.split('/').pop()!)
  })
})
