import { expect, it } from 'vitest'
import { createTestApp } from '../../src/testing/index.ts'
import { fixtureDir, moduleConfig } from '../fixture-dir.ts'

it('a startup hook that throws a non-Error names it readably, not as [object Object]', async () => {
  const root = fixtureDir({
    'modules/odd/module.config.ts': moduleConfig({}),
    'modules/odd/hooks/startup.ts': `import { defineHook } from 'dskity'\nexport default defineHook(() => { throw { code: 42, reason: 'no quota' } })\n`,
  })
  await expect(createTestApp({ rootDir: root })).rejects.toThrow('module `odd` failed to start: {"code":42,"reason":"no quota"}')
})
