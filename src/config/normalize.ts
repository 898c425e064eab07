import type { ZodType } from 'zod'
import { DskityError, ErrorCodes } from '../errors.ts'
import { childOf, inspectSchema, looseKey, objectKeys } from './schema-walk.ts'

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

/**
 * Renames snake_case / kebab-case keys of dskity's own config to camelCase, guided by the schema.
 * Keys the schema does not know are left as written (validation reports them), and user data —
 * module names, module settings, header names in `customHeaders` — is never touched.
 *
 * @example normalizeKeys({ modules_search_paths: ['x'] }, configSchema) // { modulesSearchPaths: ['x'] }
 */
export function normalizeKeys(value: unknown, schema: ZodType): unknown {
  const node = inspectSchema(schema)
  if (!isPlainObject(value)) {
    if (node.kind === 'array' && Array.isArray(value)) {
      const element = childOf(node, '0')
      return element ? value.map((v) => normalizeKeys(v, element)) : value
    }
    return value
  }
  if (node.kind === 'record') {
    const child = childOf(node, '')!
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalizeKeys(v, child)]))
  }
  if (node.kind !== 'object') return value
  const known = new Map(objectKeys(node).map((k) => [looseKey(k), k]))
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) {
    if (FORBIDDEN_KEYS.has(key)) {
      throw new DskityError(ErrorCodes.CONFIG_INVALID, `config key \`${key}\` is not allowed (it would reach an object's prototype). Remove it.`, { key })
    }
    const target = objectKeys(node).includes(key) ? key : (known.get(looseKey(key)) ?? key)
    if (target !== key && Object.hasOwn(value, target)) {
      throw new DskityError(ErrorCodes.CONFIG_INVALID, `config keys \`${key}\` and \`${target}\` are the same setting, given twice. Keep one.`, { key, target })
    }
    const child = childOf(node, target)
    out[target] = child ? normalizeKeys(v, child) : v
  }
  return out
}

/** A plain object (not an array, null or class instance). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/**
 * Deep-merges config layers, highest precedence first. Objects merge key by key; arrays and
 * scalars replace (a default `["*"]` must never survive an explicit list).
 */
export function mergeLayers(...layers: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const layer of [...layers].reverse()) if (isPlainObject(layer)) assignDeep(out, layer)
  return out
}

// --- internal ---

function assignDeep(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue
    const existing = target[key]
    if (isPlainObject(value) && isPlainObject(existing)) assignDeep(existing, value)
    else target[key] = isPlainObject(value) ? cloneObject(value) : value
  }
}

function cloneObject(value: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {}
  assignDeep(copy, value)
  return copy
}
