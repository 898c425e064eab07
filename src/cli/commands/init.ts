import { cpSync, existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineCommand } from 'citty'
import { dirname, join, relative, resolve } from 'pathe'
import { assertModuleName } from '../../scan/scan-modules.ts'
import { failAndExit } from '../shared-args.ts'

/** Folder holding the module template (`__NAME__` in file names and contents is the module name). */
export const TEMPLATE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../templates/module')

/**
 * `dskity init <name> [--path DIR]`: copies `templates/module` to `DIR/<name>` (default
 * `modules/<name>`). Exit 1 on an invalid name or when the folder already exists.
 *
 * @example dskity init billing --path playground/modules
 */
export default defineCommand({
  meta: { name: 'init', description: 'Create a module folder from the template.' },
  args: {
    name: { type: 'positional', required: true, description: 'Module name (kebab-case, e.g. order-history)' },
    path: { type: 'string', description: 'Folder to create it in', default: 'modules' },
  },
  run({ args }) {
    try {
      assertModuleName(args.name, 'dskity init')
    } catch (error) {
      failAndExit(error)
    }
    const target = resolve(args.path, args.name)
    const shown = relative(process.cwd(), target) || '.'
    if (existsSync(target)) {
      process.stderr.write(`[dskity] ${shown} already exists; dskity init never overwrites. Pick another name or remove the folder.\n`)
      process.exit(1)
    }
    scaffoldModule(args.name, target)
    process.stdout.write(
      `[dskity] created module \`${args.name}\` in ${shown}\n` +
        `  GET/POST /${args.name}: ${join(shown, 'routes')}\n` +
        `  test it: npx vitest run ${join(shown, `${args.name}.test.ts`)}\n`,
    )
  },
})

/** Copies the template to `target`, replacing `__NAME__` in paths and contents with `name`. */
export function scaffoldModule(name: string, target: string): string[] {
  cpSync(TEMPLATE_DIR, target, { recursive: true, errorOnExist: true, force: false })
  const files = walk(target)
  return files.map((file) => {
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll('__NAME__', name))
    const renamed = join(dirname(file), file.slice(dirname(file).length + 1).replaceAll('__NAME__', name))
    if (renamed !== file) renameSync(file, renamed)
    return renamed
  })
}

// --- internal ---

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = join(dir, name)
      return statSync(full).isDirectory() ? walk(full) : [full]
    })
}
