import { cpSync, existsSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'pathe'
import type { Plugin as RollupPlugin } from 'rollup'
import type { Manifest } from '../runtime/types.ts'

const CODE = /\.(m?[jt]sx?|cjs|cts)$/
const SKIP = new Set(['node_modules', '.dskity', '.output', '.git'])

/**
 * In module files, `import.meta.url` points at where the file will sit inside `.output/server/`
 * (`modules/<name>/<path>`), so `new URL('../greeter.proto', import.meta.url)` finds the asset
 * that {@link copyModuleAssets} copies there. Without it, every chunk would see the entry's URL.
 */
export function moduleFileUrls(manifest: Manifest): RollupPlugin {
  const modules = manifest.modules.map((m) => ({ name: m.name, dir: m.dir.endsWith('/') ? m.dir : m.dir + '/' }))
  return {
    name: 'dskity:module-file-urls',
    transform(code, id) {
      if (!code.includes('import.meta.url')) return null
      const mod = modules.find((m) => id.startsWith(m.dir))
      if (!mod) return null
      const target = `./modules/${mod.name}/${relative(mod.dir, id)}`
      return { code: code.replaceAll('import.meta.url', `new URL(${JSON.stringify(target)}, import.meta.url).href`), map: null }
    },
  }
}

/**
 * Copies each enabled module's non-code files (`.proto`, templates, JSON data…) to
 * `<serverDir>/modules/<name>/`, keeping their paths, so they ship inside `.output/`.
 */
export function copyModuleAssets(manifest: Manifest, serverDir: string): number {
  let copied = 0
  for (const mod of manifest.modules.filter((m) => m.enabled)) {
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        if (SKIP.has(name)) continue
        const full = join(dir, name)
        if (statSync(full).isDirectory()) walk(full)
        else if (!CODE.test(name)) {
          cpSync(full, join(serverDir, 'modules', mod.name, relative(mod.dir, full)))
          copied++
        }
      }
    }
    if (existsSync(mod.dir)) walk(mod.dir)
  }
  return copied
}
