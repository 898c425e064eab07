import { didYouMean, DskityError, ErrorCodes } from '../errors.ts'
import { readEnv, type SettingsEnvOverride } from './env.ts'
import { mergeLayers, normalizeKeys } from './normalize.ts'
import { configSchema, type DskityConfig, type DskityOptions } from './schema.ts'

export interface ResolveOptionsInput {
  /** Config file contents, highest precedence first (`--config` file, then the working-directory file). */
  layers: Array<{ config: unknown; source: string }>
  env?: NodeJS.ProcessEnv
  /** Names of discovered modules, to map `DSKITY_MODULES__<NAME>__…` back to them. */
  moduleNames?: string[]
  /** Last-word overrides from CLI flags (`--log-level`). */
  overrides?: DskityConfig
}

export interface ResolvedConfig {
  options: DskityOptions
  /** Module settings from the environment, applied against each module's schema at startup. */
  settingsEnv: Record<string, SettingsEnvOverride[]>
}

/**
 * Turns config layers + `DSKITY_*` env into validated `DskityOptions`: CLI overrides → env → files
 * → defaults. Every problem is reported at once, each with its key path and where it came from.
 *
 * @example resolveConfig({ layers: [{ config: { kv: { store: 'redis' } }, source: 'dskity.config.ts' }] })
 */
export function resolveConfig(input: ResolveOptionsInput): ResolvedConfig {
  const files = input.layers.map((l) => normalizeKeys(l.config ?? {}, configSchema))
  const env = readEnv(input.env ?? {}, configSchema, input.moduleNames ?? [])
  const merged = mergeLayers(input.overrides ?? {}, env.values, ...files)
  const parsed = configSchema.safeParse(merged)
  if (!parsed.success) {
    const fileNames = input.layers.map((l) => l.source).join(', ') || 'built-in defaults'
    const lines = parsed.error.issues.map((issue) => {
      const path = issue.path.join('.')
      const keys = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => (path ? `${path}.${k}` : k)) : [path]
      const origin = sourceOf(env.sources, issue.path.map(String)) ?? fileNames
      // A record key that fails its own check (e.g. a header name) carries the reason one level down.
      const reason = issue.code === 'invalid_key' && issue.issues[0] ? issue.issues[0].message : issue.message
      const what = issue.code === 'unrecognized_keys' ? `unknown key (remove it or check its spelling)${issue.keys.length === 1 ? didYouMean(issue.keys[0], knownKeysAt(issue.path.map(String))) : ''}` : reason.replace(/^Invalid input: /, '')
      return `  - ${keys.join(', ') || '(root)'}: ${what} [from ${origin}]`
    })
    throw new DskityError(ErrorCodes.CONFIG_INVALID, `invalid configuration:\n${lines.join('\n')}`, { issues: parsed.error.issues })
  }
  const cors = parsed.data.common.cors
  if (cors.enabled && cors.allowCredentials && cors.allowOrigins.includes('*')) {
    // Reflecting any origin with credentials would let every website act as the logged-in user.
    throw new DskityError(ErrorCodes.CONFIG_INVALID, `invalid configuration:\n  - common.cors.allowCredentials: true needs an explicit common.cors.allowOrigins list, not "*" [from ${env.sources.get('common.cors.allowCredentials') ?? env.sources.get('common.cors.allowOrigins') ?? (input.layers.map((l) => l.source).join(', ') || 'built-in defaults')}]`, { key: 'common.cors.allowCredentials' })
  }
  return { options: parsed.data, settingsEnv: env.settings }
}

/**
 * Typed identity for `dskity.config.ts`.
 *
 * @example export default defineDskityConfig({ name: 'shop', kv: { store: 'redis' } })
 */
export function defineDskityConfig(config: DskityConfig): DskityConfig {
  return config
}

/** The env variable that set `path` or one of its parents (a JSON value sets a whole subtree). */
function sourceOf(sources: Map<string, string>, path: string[]): string | undefined {
  for (let n = path.length; n > 0; n--) {
    const source = sources.get(path.slice(0, n).join('.'))
    if (source) return source
  }
  return undefined
}

/** The keys the schema allows at `path` (for "did you mean" on an unknown key). */
function knownKeysAt(path: string[]): string[] {
  type Def = { type: string; innerType?: unknown; shape?: Record<string, unknown> }
  const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def
  const unwrap = (schema: unknown): unknown => {
    let current = schema
    for (let def = defOf(current); ['default', 'prefault', 'optional', 'nullable'].includes(def.type) && def.innerType; def = defOf(current)) current = def.innerType
    return current
  }
  let node: unknown = configSchema
  for (const segment of path) {
    const shape = defOf(unwrap(node)).shape
    if (!shape || !(segment in shape)) return []
    node = shape[segment]
  }
  return Object.keys(defOf(unwrap(node)).shape ?? {})
}
