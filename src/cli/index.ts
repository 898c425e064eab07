import { defineCommand, runMain as cittyRunMain } from 'citty'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { checkArgv, type ArgSpec } from './check-argv.ts'

/** Sub-commands, loaded lazily so `dskity list` never loads the server. */
export const subCommands = {
  run: () => import('./commands/run.ts').then((m) => m.default),
  dev: () => import('./commands/dev.ts').then((m) => m.default),
  build: () => import('./commands/build.ts').then((m) => m.default),
  list: () => import('./commands/list.ts').then((m) => m.default),
  validate: () => import('./commands/validate.ts').then((m) => m.default),
  init: () => import('./commands/init.ts').then((m) => m.default),
}

export const main = defineCommand({
  meta: { name: 'dskity', version: packageVersion(), description: 'Build HTTP microservices from modules.' },
  subCommands,
})

/**
 * Runs the CLI. `dskity`, `dskity --port 9000` and `dskity <dir>` mean `dskity run …`.
 *
 * @example await runMain(['list', 'playground', '--json'])
 */
export async function runMain(argv: string[]): Promise<void> {
  const first = argv[0]
  const isCommand = first !== undefined && first in subCommands
  if (first === '--version' || first === '-v') {
    process.stdout.write(`${packageVersion()}\n`)
    return
  }
  const looksLikeHelp = first === '--help' || first === '-h'
  const args = isCommand || looksLikeHelp ? argv : ['run', ...argv]
  if (!isCommand && first && !first.startsWith('-') && !(existsSync(first) && statSync(first).isDirectory())) {
    process.stderr.write(`[dskity] unknown command \`${first}\`. Commands: ${Object.keys(subCommands).join(', ')}.\n`)
    process.exit(1)
  }
  const name = args[0] as keyof typeof subCommands
  if (name in subCommands) {
    const command = await subCommands[name]()
    const problem = checkArgv(name, args.slice(1), (command.args ?? {}) as Record<string, ArgSpec>)
    if (problem) {
      process.stderr.write(`[dskity] ${problem}\n`)
      process.exit(1)
    }
  }
  await cittyRunMain(main, { rawArgs: args })
}

/** dskity's own version, from its package.json. */
function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version
  } catch {
    return 'unknown'
  }
}
