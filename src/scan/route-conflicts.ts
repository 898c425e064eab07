import { DskityError, ErrorCodes } from '../errors.ts'
import type { DskityOptions } from '../config/schema.ts'
import type { ManifestModule, ManifestRoute } from '../runtime/types.ts'
import { routeShape } from './route-path.ts'

/**
 * Throws `DSKITY_E_ROUTE_DUPLICATE` when two route files (in one module or across modules) answer
 * the same method + path (a file without a method suffix answers every method), or when a module
 * route would shadow a built-in endpoint.
 */
export function checkRouteConflicts(modules: ManifestModule[], options: DskityOptions): void {
  const byShape = new Map<string, ManifestRoute[]>()
  const builtins = new Set(builtinPaths(options).map(routeShape))
  for (const route of modules.flatMap((m) => m.routes)) {
    const shape = routeShape(route.path)
    const others = byShape.get(shape) ?? []
    const other = others.find((o) => !o.method || !route.method || o.method === route.method)
    if (other) {
      const where = other.module === route.module ? `in module \`${route.module}\`` : `by modules \`${other.module}\` and \`${route.module}\``
      throw new DskityError(ErrorCodes.ROUTE_DUPLICATE, `${(route.method ?? other.method ?? 'any method').toUpperCase()} ${route.path} is declared twice ${where}: ${other.file} and ${route.file}. Remove or rename one.`, { files: [other.file, route.file], modules: [other.module, route.module] })
    }
    byShape.set(shape, [...others, route])
    if (builtins.has(shape)) {
      throw new DskityError(ErrorCodes.ROUTE_DUPLICATE, `${route.file} (module \`${route.module}\`) answers ${route.path}, a built-in endpoint. Change the module's basePath or the file name.`, { files: [route.file] })
    }
  }
}

/** Paths served by dskity itself. */
export function builtinPaths(options: DskityOptions): string[] {
  const health = options.common.health.pathPrefix.replace(/\/+$/, '')
  return ['/', '/metrics', `${health}/live`, `${health}/ready`, '/_core/services', '/_core/services.json', '/_core/config', '/_core/config.json']
}
