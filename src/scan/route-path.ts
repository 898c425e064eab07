import { ROUTE_METHODS, type RouteMethod } from '../runtime/types.ts'

/** File extensions a route, event or hook file may have. */
export const SOURCE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs']

export interface RouteFromFile {
  method?: RouteMethod
  /** Path inside the module, radix3 syntax: `/`, `/:id`, `/:id/items`, `/**:path`. */
  path: string
}

/**
 * Maps a file path relative to `routes/` to a route, following Nitro's conventions exactly:
 * method suffix (`.get`), `[param]`, `[...catchall]`, `index`, `(group)` folders.
 *
 * @example routeFromFile('[id]/items.get.ts') // { method: 'get', path: '/:id/items' }
 */
export function routeFromFile(relativeFile: string): RouteFromFile {
  let route = relativeFile
    .replace(/\\/g, '/')
    .replace(/\.(ts|mts|js|mjs)$/, '')
    .replace(/\(([^(/\\]+)\)\//g, '')
    .replace(/\[\.{3}]/g, '**')
    .replace(/\[\.{3}(\w+)]/g, '**:$1')
    .replace(/\[(\w+)]/g, ':$1')
  let method: RouteMethod | undefined
  const match = route.match(new RegExp(`\\.(${ROUTE_METHODS.join('|')})$`))
  if (match) {
    method = match[1] as RouteMethod
    route = route.slice(0, match.index)
  }
  route = ('/' + route).replace(/\/index$/, '') || '/'
  return { method, path: route === '' ? '/' : route }
}

/** Joins a module base path and a route path: `/orders` + `/` → `/orders`. */
export function joinRoutePath(basePath: string, routePath: string): string {
  const base = basePath === '/' ? '' : basePath.replace(/\/+$/, '')
  const joined = routePath === '/' ? base : base + routePath
  return joined || '/'
}

/** A form of a path template where parameter names don't matter (`/a/:id` ≡ `/a/:slug`). */
export function routeShape(path: string): string {
  return path.replace(/\/\*\*(:\w+)?$/, '/**').replace(/:\w+/g, ':')
}
