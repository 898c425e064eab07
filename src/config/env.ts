import type { ZodType } from 'zod'
import { DskityError, ErrorCodes } from '../errors.ts'
import { childOf, inspectSchema, looseKey, objectKeys, type SchemaNode } from './schema-walk.ts'

/** Variables that are switches, not config keys. */
export const RESERVED_ENV = new Set(['DSKITY_ENV', 'DSKITY_RELOAD', 'DSKITY_CONFIG'])

/** A module-settings override from the environment, applied once the module's schema is known. */
export interface SettingsEnvOverride {
  variable: string
  /** Segments after `SETTINGS`, as written (`['MAX_ITEMS']`). */
  segments: string[]
  raw: string
}

export interface EnvOverrides {
  /** Config-shaped object of typed values from `DSKITY_*`. */
  values: Record<string, unknown>
  /** Which variable set which dotted path (for error messages). */
  sources: Map<string, string>
  /** Module settings overrides by module name. */
  settings: Record<string, SettingsEnvOverride[]>
}

/**
 * Reads `DSKITY_*` variables into a config-shaped object. `__` separates levels; each value is
 * coerced to the type the schema declares at that path (a string stays a string even if it looks
 * like a number; `false` is a boolean; arrays come from JSON or comma lists and replace).
 * A value that cannot be coerced throws, naming the variable.
 *
 * @example readEnv({ DSKITY_KV__STORE: 'redis' }, configSchema, []) // values: { kv: { store: 'redis' } }
 */
export function readEnv(env: NodeJS.ProcessEnv, schema: ZodType, moduleNames: string[]): EnvOverrides {
  const out: EnvOverrides = { values: {}, sources: new Map(), settings: {} }
  for (const variable of Object.keys(env).sort()) {
    if (!variable.startsWith('DSKITY_') || RESERVED_ENV.has(variable)) continue
    const raw = env[variable]
    if (raw === undefined) continue
    const segments = variable.slice('DSKITY_'.length).split('__').filter(Boolean)
    applyVariable(out, schema, moduleNames, variable, segments, raw)
  }
  return out
}

/**
 * Coerces a raw env string to a schema node's type. Exported for module settings, where the
 * caller tries each candidate against the module's own schema.
 */
export function coerceEnvValue(raw: string, node: SchemaNode, variable: string): unknown {
  const fail = (what: string): never => {
    throw new DskityError(ErrorCodes.ENV_INVALID, `${variable}=${JSON.stringify(raw)} is not ${what}. Fix or unset the variable.`, { variable })
  }
  if (node.nullable && raw === '') return null
  switch (node.kind) {
    case 'string':
    case 'enum':
      return raw
    case 'number': {
      // Plain decimal only: `0x10`, `1e3`-less hex/octal/binary and `Infinity` are typos here, not numbers.
      const t = raw.trim()
      return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) ? Number(t) : fail('a number')
    }
    case 'boolean': {
      const v = raw.trim().toLowerCase()
      if (['true', '1', 'yes', 'on'].includes(v)) return true
      if (['false', '0', 'no', 'off'].includes(v)) return false
      return fail('a boolean (true/false)')
    }
    case 'array': {
      const element = inspectSchema(childOf(node, '0')!)
      const items = raw.trim().startsWith('[') ? parseJson(raw, fail, 'a JSON array') : raw.split(',').map((s) => s.trim()).filter(Boolean)
      if (!Array.isArray(items)) return fail('a JSON array')
      return items.map((item) => (typeof item === 'string' ? coerceEnvValue(item, element, variable) : item))
    }
    case 'object':
    case 'record':
      return parseJson(raw, fail, 'a JSON object')
    default:
      return guessValue(raw)
  }
}

/** Parses an untyped env value: numbers, booleans, null, JSON arrays/objects; else the string. */
export function guessValue(raw: string): unknown {
  const t = raw.trim()
  if (t === 'true' || t === 'false') return t === 'true'
  if (t === 'null') return null
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(t)) return Number(t)
  if ((t.startsWith('[') && t.endsWith(']')) || (t.startsWith('{') && t.endsWith('}'))) {
    try {
      return JSON.parse(t, (k, v) => (k === '__proto__' ? undefined : v))
    } catch {
      return raw
    }
  }
  return raw
}

// --- internal ---

function applyVariable(out: EnvOverrides, schema: ZodType, moduleNames: string[], variable: string, segments: string[], raw: string) {
  let node = inspectSchema(schema)
  const path: string[] = []
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]
    if (node.kind === 'object') {
      const key = objectKeys(node).find((k) => looseKey(k) === looseKey(segment))
      if (!key) {
        throw new DskityError(ErrorCodes.ENV_INVALID, `${variable}: \`${[...path, segment.toLowerCase()].join('.')}\` is not a dskity config key. Check the spelling or unset the variable.`, { variable })
      }
      path.push(key)
      if (path.length === 3 && path[0] === 'modules' && key === 'settings') {
        ;(out.settings[path[1]] ??= []).push({ variable, segments: segments.slice(i + 1), raw })
        return
      }
      node = inspectSchema(childOf(node, key)!)
    } else if (node.kind === 'record') {
      const key = path[0] === 'modules' ? (moduleNames.find((m) => looseKey(m) === looseKey(segment)) ?? segment.toLowerCase().replace(/_/g, '-')) : segment.toLowerCase().replace(/_/g, '-')
      path.push(key)
      node = inspectSchema(childOf(node, key)!)
    } else {
      throw new DskityError(ErrorCodes.ENV_INVALID, `${variable}: \`${path.join('.')}\` has no sub-keys. Set it as one value instead.`, { variable })
    }
  }
  if (path.length === 0) return
  setPath(out.values, path, coerceEnvValue(raw, node, variable))
  out.sources.set(path.join('.'), variable)
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown) {
  let cursor = target
  for (const key of path.slice(0, -1)) cursor = (cursor[key] ??= {}) as Record<string, unknown>
  cursor[path[path.length - 1]] = value
}

function parseJson(raw: string, fail: (what: string) => never, what: string): unknown {
  try {
    return JSON.parse(raw, (k, v) => (k === '__proto__' ? undefined : v))
  } catch {
    return fail(what)
  }
}
