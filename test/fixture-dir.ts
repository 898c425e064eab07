import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

/**
 * Writes a throw-away service folder from a map of relative paths to file contents and returns
 * its path. Files importing 'dskity' resolve to this repo's sources through the CLI's alias.
 */
export function fixtureDir(files: Record<string, string>, prefix = 'dskity-fixture-'): string {
  const root = mkdtempSync(join(tmpdir(), prefix))
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path)
    mkdirSync(dirname(full), { recursive: true })
    writeFileSync(full, content)
  }
  return root
}

/** A module.config.ts with the given fields. */
export const moduleConfig = (fields: Record<string, unknown>) => `import { defineModule } from 'dskity'\nexport default defineModule(${JSON.stringify(fields)})\n`

/** A route returning JSON. */
export const jsonRoute = (value: unknown) => `import { defineEventHandler } from 'dskity'\nexport default defineEventHandler(() => (${JSON.stringify(value)}))\n`
