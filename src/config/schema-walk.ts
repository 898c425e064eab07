import type { ZodType } from 'zod'

/** The shape of a config schema node once default/optional/nullable wrappers are peeled off. */
export type SchemaKind = 'object' | 'record' | 'array' | 'string' | 'number' | 'boolean' | 'enum' | 'unknown'

export interface SchemaNode {
  kind: SchemaKind
  nullable: boolean
  schema: ZodType
}

/** Peels `default`, `prefault`, `optional` and `nullable` off a zod schema. */
export function inspectSchema(schema: ZodType): SchemaNode {
  let current = schema
  let nullable = false
  for (;;) {
    const def = defOf(current)
    if (def.type === 'default' || def.type === 'prefault' || def.type === 'optional' || def.type === 'nullable') {
      if (def.type === 'nullable') nullable = true
      current = def.innerType as ZodType
      continue
    }
    const kind = (['object', 'record', 'array', 'string', 'number', 'boolean', 'enum'] as const).find((k) => k === def.type)
    return { kind: kind ?? 'unknown', nullable, schema: current }
  }
}

/** The keys of an object schema. */
export function objectKeys(node: SchemaNode): string[] {
  return node.kind === 'object' ? Object.keys(defOf(node.schema).shape as object) : []
}

/** The schema of `key` inside an object or record schema (`undefined` when the key is unknown). */
export function childOf(node: SchemaNode, key: string): ZodType | undefined {
  const def = defOf(node.schema)
  // Own keys only: `toString`, `constructor`… are not config keys.
  if (node.kind === 'object') return Object.hasOwn(def.shape as object, key) ? (def.shape as Record<string, ZodType>)[key] : undefined
  if (node.kind === 'record') return def.valueType as ZodType
  if (node.kind === 'array') return def.element as ZodType
  return undefined
}

/** The default value of a schema node, if it declares one. */
export function defaultOf(schema: ZodType): unknown {
  const def = defOf(schema)
  if (def.type === 'default' || def.type === 'prefault') {
    const value = def.defaultValue
    return typeof value === 'function' ? (value as () => unknown)() : value
  }
  return undefined
}

/** The description attached with `.describe()`. */
export function descriptionOf(schema: ZodType): string {
  let current: ZodType | undefined = schema
  while (current) {
    if (current.description) return current.description
    const def = defOf(current)
    current = def.innerType as ZodType | undefined
  }
  return ''
}

/** The allowed values of an enum schema. */
export function enumValues(node: SchemaNode): string[] {
  return node.kind === 'enum' ? Object.values(defOf(node.schema).entries as Record<string, string>) : []
}

/** `maxItems`, `max_items`, `MAX_ITEMS` and `max-items` all compare equal under this form. */
export function looseKey(key: string): string {
  return key.replace(/[-_]/g, '').toLowerCase()
}

// --- internal ---

function defOf(schema: ZodType): Record<string, unknown> & { type: string } {
  return (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def
}
