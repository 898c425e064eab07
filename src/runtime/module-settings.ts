import type { StandardSchemaV1 } from '@standard-schema/spec'
import { guessValue, type SettingsEnvOverride } from '../config/env.ts'
import { isPlainObject } from '../config/normalize.ts'
import { looseKey } from '../config/schema-walk.ts'
import { DskityError, ErrorCodes } from '../errors.ts'

/**
 * Validates a module's settings: `modules.<name>.settings` from the config, overlaid with
 * `DSKITY_MODULES__<NAME>__SETTINGS__*` env values, checked against the module's Standard Schema.
 * Env keys are matched to existing keys loosely (`MAX_ITEMS` → `maxItems`); an env value is tried
 * parsed first (number, boolean, JSON) and as the raw string when the parsed form doesn't fit, so a
 * string setting given `4.0` stays `"4.0"`. Failure names the module, the key path and the reason.
 * Without a schema, settings are returned exactly as written.
 *
 * @example await resolveModuleSettings('orders', zodSchema, { maxItems: 5 }, [])
 */
export async function resolveModuleSettings(module: string, schema: StandardSchemaV1 | undefined, configured: unknown, envOverrides: SettingsEnvOverride[] = [], configSource?: string): Promise<unknown> {
  let value: unknown = configured === undefined ? {} : structuredClone(configured)
  const applied: Array<{ path: string[]; raw: string; variable: string }> = []
  for (const o of envOverrides) {
    if (o.segments.length === 0) {
      value = guessValue(o.raw)
      continue
    }
    if (!isPlainObject(value)) value = {}
    const path = placePath(value as Record<string, unknown>, o.segments)
    setAt(value as Record<string, unknown>, path, guessValue(o.raw))
    applied.push({ path, raw: o.raw, variable: o.variable })
  }
  if (!schema) return value
  let result = await schema['~standard'].validate(value)
  let issues = result.issues
  if (issues && applied.length) {
    // A value that only fits as the string it was written as (e.g. "4.0" for a string setting).
    const first = issues
    const swapped = new Set<string>()
    for (const a of applied) {
      if (first.some((i) => pathOf(i).join('.') === a.path.join('.'))) {
        setAt(value as Record<string, unknown>, a.path, a.raw)
        swapped.add(a.path.join('.'))
      }
    }
    result = await schema['~standard'].validate(value)
    // Where the string does not fit either, the parsed value's reason is the useful one
    // ("must be ≥ 1" for -1, not "expected number, received string").
    issues = result.issues && [...result.issues.filter((i) => !swapped.has(pathOf(i).join('.'))), ...first.filter((i) => swapped.has(pathOf(i).join('.')) && result.issues!.some((r) => pathOf(r).join('.') === pathOf(i).join('.')))]
  }
  if (issues?.length) {
    const lines = issues.map((issue) => {
      const path = pathOf(issue).join('.')
      const variable = applied.find((a) => a.path.join('.') === path)?.variable
      const source = variable ?? configSource
      return `  - modules.${module}.settings.${path || '(root)'}: ${issue.message}${source ? ` [from ${source}]` : ''}`
    })
    throw new DskityError(ErrorCodes.MODULE_SETTINGS, `module \`${module}\`: invalid settings:\n${lines.join('\n')}`, { module, issues })
  }
  return (result as { value: unknown }).value
}

// --- internal ---

function pathOf(issue: StandardSchemaV1.Issue): string[] {
  return (issue.path ?? []).map((p) => String(typeof p === 'object' && p !== null ? p.key : p))
}

function placePath(target: Record<string, unknown>, segments: string[]): string[] {
  const path: string[] = []
  let cursor: unknown = target
  for (const segment of segments) {
    const keys = isPlainObject(cursor) ? Object.keys(cursor) : []
    const key = keys.find((k) => k === segment) ?? keys.find((k) => looseKey(k) === looseKey(segment)) ?? camel(segment)
    path.push(key)
    cursor = isPlainObject(cursor) ? cursor[key] : undefined
  }
  return path
}

function camel(segment: string): string {
  return segment.toLowerCase().replace(/[_-]+([a-z0-9])/g, (_, c: string) => c.toUpperCase())
}

function setAt(target: Record<string, unknown>, path: string[], value: unknown) {
  let cursor = target
  for (const key of path.slice(0, -1)) {
    if (!isPlainObject(cursor[key])) cursor[key] = {}
    cursor = cursor[key] as Record<string, unknown>
  }
  cursor[path[path.length - 1]] = value
}
