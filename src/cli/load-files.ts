import { createJiti, type Jiti } from 'jiti'
import { dskityAlias } from '../config/load.ts'
import type { FileLoader } from '../runtime/types.ts'

/**
 * A jiti instance that loads user TypeScript (module configs, routes, hooks) with `'dskity'`
 * resolving to this copy of dskity. Modules stay in Node's module cache; `forget(files)` drops
 * some of them so the next load reads them fresh (dev hot reload).
 */
export function createUserFileLoader(): { jiti: Jiti; load: FileLoader; importDefault: (file: string) => Promise<unknown>; forget: (predicate: (file: string) => boolean) => number } {
  const jiti = createJiti(import.meta.url, { alias: dskityAlias(), moduleCache: true, fsCache: true, interopDefault: false })
  return {
    jiti,
    load: (file) => jiti.import<Record<string, unknown>>(file),
    importDefault: (file) => jiti.import(file, { default: true }),
    forget(predicate) {
      let n = 0
      for (const key of Object.keys(jiti.cache)) {
        if (predicate(key)) {
          delete jiti.cache[key]
          n++
        }
      }
      return n
    },
  }
}
