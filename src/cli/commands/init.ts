import { cpSync, existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { defineCommand } from 'citty'
import { dirname, join, relative, resolve } from 'pathe'
import { fileURLToPath } from 'node:url'
import { assertModuleName } from '../../scan/scan-modules.ts'
import { failAndExit } from '../shared-args.ts'

/** Folder holding the module template. */
export const TEMPLATE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../templates/module')

export default defineCommand({
  meta: { name: 'init', description: 'Create a module folder from the template.' },
  args: {
    name: { type: 'positional', required: true, description: 'Module name (kebab-case)' },
    path: { type: 'string', description: 'Folder to create it in (default: ./modules)', default: 'modules' },
  },
  run({ args }) {
    try {
      assertModuleName(args.name, 'dskity init')
      const target = resolve(args.path, args.name)
      if (existsSync(target)) throw new Error(`${target} already exists; dskity init never overwrites. Pick another name or remove the folder.`)
      cpSync(TEMPLATE_DIR, target, { recursive: true })
      for (const file of walk(target)) {
        writeFileSync(file, readFileSync(file, 'utf8').replaceAll('__NAME__', args.name))
        if (file.includes('__NAME__')) renameSync(file, file.replaceAll('__NAME__', args.name))
      }
      process.stdout.write(`[dskity] created module \`${args.name}\` in ${relative(process.cwd(), target) || '.'}\n`)
    } catch (error) {
      failAndExit(error)
    }
  },
})

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name)
    return statSync(full).isDirectory() ? walk(full) : [full]
  })
}
