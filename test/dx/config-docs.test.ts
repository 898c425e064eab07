import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { configSchema } from '../../src/config/schema.ts'
import { readEnv } from '../../src/config/env.ts'
import { CONFIG_DOCS_FILE, configKeyDocs, renderConfigDocs } from '../../scripts/gen-config-docs.ts'

describe('docs/configuration.md', () => {
  it('is what scripts/gen-config-docs.ts generates from the schema (run `npx jiti scripts/gen-config-docs.ts` to refresh)', () => {
    expect(readFileSync(CONFIG_DOCS_FILE, 'utf8')).toBe(renderConfigDocs())
  })

  it('documents every key that has a default', () => {
    const documented = new Set(configKeyDocs().map((r) => r.path))
    for (const path of leafPaths(configSchema.parse({}) as Record<string, unknown>)) {
      expect(documented, path).toContain(path.replace(/^modules\.[^.]+\./, 'modules.<name>.'))
    }
  })

  it('names env variables that really set their key', () => {
    for (const row of configKeyDocs()) {
      if (row.env.includes('<') || row.env.endsWith('…')) continue
      const sample = sampleFor(row.type)
      const { values } = readEnv({ [row.env]: sample.raw }, configSchema, [])
      expect(getPath(values, row.path), row.env).toEqual(sample.value)
    }
    const { values, settings } = readEnv({ DSKITY_MODULES__ORDERS__ENABLED: 'false', DSKITY_MODULES__ORDERS__SETTINGS__MAX_ITEMS: '5' }, configSchema, ['orders'])
    expect(values).toEqual({ modules: { orders: { enabled: false } } })
    expect(settings.orders).toEqual([{ variable: 'DSKITY_MODULES__ORDERS__SETTINGS__MAX_ITEMS', segments: ['MAX_ITEMS'], raw: '5' }])
  })
})

// --- internal ---

function leafPaths(value: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(value).flatMap(([k, v]) => {
    const path = prefix + k
    const isObject = v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0
    return isObject && !path.endsWith('customHeaders') ? leafPaths(v as Record<string, unknown>, `${path}.`) : [path]
  })
}

function sampleFor(type: string): { raw: string; value: unknown } {
  if (type.startsWith('number')) return { raw: '7', value: 7 }
  if (type.startsWith('boolean')) return { raw: 'true', value: true }
  if (type.startsWith('string[]')) return { raw: 'a,b', value: ['a', 'b'] }
  if (type.startsWith('Record')) return { raw: '{"X-A":"1"}', value: { 'X-A': '1' } }
  if (type.startsWith('"')) {
    const first = JSON.parse(type.split(' | ')[0]) as string
    return { raw: first, value: first }
  }
  return { raw: 'x', value: 'x' }
}

function getPath(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], value)
}
