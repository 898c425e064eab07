import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { basename, dirname, join, relative, resolve } from 'pathe'
import { DskityError, ErrorCodes } from '../errors.ts'
import type { HookName, ManifestEvent, ManifestModule, ManifestRoute } from '../runtime/types.ts'
import { joinRoutePath, routeFromFile, SOURCE_EXTENSIONS } from './route-path.ts'

/** Valid module names: kebab-case, starting with a letter. */
export const MODULE_NAME_RE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/
const HOOK_NAMES: HookName[] = ['startup', 'shutdown', 'request', 'response', 'error']

/** Module folders found in the search paths, before their config is loaded. */
export interface FoundModule {
  dir: string
  configFile?: string
}

/**
 * Lists module folders in `modulesSearchPaths`: local folders (relative to `rootDir`) and npm
 * packages (a package's `dskity.modules` field in package.json, default `modules/`). Sorted, so
 * discovery is deterministic. A missing folder or package throws naming the entry.
 *
 * @example findModuleDirs('/srv/shop', ['modules', '@acme/audit-modules'])
 */
export function findModuleDirs(rootDir: string, searchPaths: string[]): FoundModule[] {
  const found: FoundModule[] = []
  for (const [index, entry] of searchPaths.entries()) {
    const folder = resolveSearchPath(rootDir, entry, index)
    for (const name of readdirSync(folder).sort()) {
      const dir = join(folder, name)
      if (name.startsWith('.') || name === 'node_modules' || !statSync(dir).isDirectory()) continue
      const configFile = SOURCE_EXTENSIONS.map((e) => join(dir, `module.config${e}`)).find((f) => existsSync(f))
      const hasContent = configFile || ['routes', 'events', 'hooks'].some((d) => existsSync(join(dir, d)))
      if (hasContent) found.push({ dir, configFile })
    }
  }
  return found
}

/**
 * Reads the `routes/`, `events/` and `hooks/` of one module folder into manifest entries.
 *
 * @example scanModuleFiles({ name: 'orders', basePath: '/orders', dir })
 */
export function scanModuleFiles(mod: { name: string; basePath: string; dir: string }): Pick<ManifestModule, 'routes' | 'events' | 'hooks'> {
  const routes: ManifestRoute[] = listSourceFiles(join(mod.dir, 'routes')).map((file) => {
    const { method, path } = routeFromFile(relative(join(mod.dir, 'routes'), file))
    assertRoutePath(path, file, mod.name)
    return { module: mod.name, method, path: joinRoutePath(mod.basePath, path), file }
  })
  const events: ManifestEvent[] = listSourceFiles(join(mod.dir, 'events'), false).map((file) => ({
    module: mod.name,
    name: basename(file).replace(/\.(ts|mts|js|mjs)$/, ''),
    file,
  }))
  const hooks: ManifestModule['hooks'] = {}
  for (const file of listSourceFiles(join(mod.dir, 'hooks'), false)) {
    const name = basename(file).replace(/\.(ts|mts|js|mjs)$/, '') as HookName
    if (!HOOK_NAMES.includes(name)) {
      throw new DskityError(ErrorCodes.MODULE_FILE, `${file}: unknown hook \`${name}\` in module \`${mod.name}\`. Hook files are ${HOOK_NAMES.map((h) => `${h}.ts`).join(', ')}.`, { file, module: mod.name })
    }
    hooks[name] = file
  }
  return { routes, events, hooks }
}

/** Validates a module name, naming where it came from. */
export function assertModuleName(name: unknown, source: string): asserts name is string {
  if (typeof name !== 'string' || !MODULE_NAME_RE.test(name)) {
    throw new DskityError(ErrorCodes.MODULE_NAME, `invalid module name ${JSON.stringify(name)} (${source}). Use kebab-case: lower-case letters, digits and single dashes, starting with a letter (e.g. \`order-history\`).`, { name, source })
  }
}

// --- internal ---

/**
 * Rejects file names the router cannot serve as written: a catch-all that is not last
 * (`[...rest]/x.get.ts`), unbalanced or doubled brackets (`[id.get.ts`, `[[opt]].ts`, `[a][b].ts`),
 * and an upper-case method suffix (`index.GET.ts`, which would silently become a path).
 */
function assertRoutePath(path: string, file: string, module: string) {
  const fail = (why: string): never => {
    throw new DskityError(ErrorCodes.MODULE_FILE, `${file} (module \`${module}\`): ${why}. See docs/modules.md for route file names.`, { file, module })
  }
  const segments = path.split('/').filter(Boolean)
  segments.forEach((segment, i) => {
    if (segment.startsWith('**') && i !== segments.length - 1) fail('a catch-all `[...name]` must be the last part of the path')
    if (/[[\]]/.test(segment)) fail('unbalanced or unsupported brackets in the file name (use `[param]` or `[...rest]`, one per path segment)')
    if (/.:/.test(segment.replace(/^\*\*:/, ''))) fail('one path segment can hold only one `[param]`')
  })
  if (/\.(CONNECT|DELETE|GET|HEAD|OPTIONS|PATCH|POST|PUT|TRACE)(\.[cm]?[jt]s)?$/i.test(file) && !/\.(connect|delete|get|head|options|patch|post|put|trace)\.[cm]?[jt]s$/.test(file)) {
    fail('method suffixes are lower-case (`.get.ts`, not `.GET.ts`)')
  }
}

function resolveSearchPath(rootDir: string, entry: string, index: number): string {
  const local = resolve(rootDir, entry)
  if (existsSync(local) && statSync(local).isDirectory()) return local
  if (!entry.startsWith('.') && !entry.startsWith('/')) {
    try {
      const pkgJson = createRequire(join(rootDir, 'noop.js')).resolve(`${entry}/package.json`)
      const pkg = JSON.parse(readFileSync(pkgJson, 'utf8')) as { dskity?: { modules?: string } }
      const folder = resolve(dirname(pkgJson), pkg.dskity?.modules ?? 'modules')
      if (existsSync(folder)) return folder
      throw new DskityError(ErrorCodes.SEARCH_PATH, `modulesSearchPaths[${index}]: package \`${entry}\` has no modules folder (${folder}). Add one or set "dskity": { "modules": "<folder>" } in its package.json.`, { entry })
    } catch (error) {
      if (error instanceof DskityError) throw error
    }
  }
  throw new DskityError(ErrorCodes.SEARCH_PATH, `modulesSearchPaths[${index}]: \`${entry}\` is neither a folder (looked at ${local}) nor an installed npm package. Create the folder or fix the entry.`, { entry })
}

function listSourceFiles(dir: string, recursive = true): string[] {
  if (!existsSync(dir)) return []
  const out: string[] = []
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name)
    if (name.startsWith('.') || name.startsWith('_')) continue
    if (statSync(full).isDirectory()) {
      if (recursive) out.push(...listSourceFiles(full))
    } else if (SOURCE_EXTENSIONS.some((e) => name.endsWith(e)) && !name.endsWith('.d.ts') && !/\.(test|spec)\.[mc]?[jt]s$/.test(name)) {
      out.push(full)
    }
  }
  return out
}
