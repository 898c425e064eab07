import { didYouMean } from '../errors.ts'

/** The part of a citty argument definition this check reads. */
export interface ArgSpec {
  type?: 'positional' | 'string' | 'boolean' | 'enum' | string
  alias?: string | string[]
}

/**
 * Checks a command's raw arguments against its definition before it runs, so a mistyped flag is an
 * error instead of being ignored (citty accepts anything: `--prot 3000` would start on port 8000 and
 * read `3000` as the service folder). Returns an error message, or `undefined` when all is known.
 * `--help`/`-h` are always accepted; `--no-<flag>` negates a boolean; `--` ends option parsing.
 *
 * @example checkArgv('run', ['--prot', '3000'], runArgs) // 'unknown option `--prot` for `dskity run` (did you mean `--port`?). …'
 */
export function checkArgv(command: string, argv: readonly string[], spec: Record<string, ArgSpec>): string | undefined {
  const options = new Map<string, ArgSpec>()
  for (const [name, def] of Object.entries(spec)) {
    if (def.type === 'positional') continue
    for (const n of [name, ...[def.alias ?? []].flat()]) {
      options.set(n, def)
      options.set(kebab(n), def)
    }
  }
  const positionals = Object.values(spec).filter((d) => d.type === 'positional').length
  const known = [...new Set(Object.entries(spec).filter(([, d]) => d.type !== 'positional').map(([n]) => `--${kebab(n)}`))]
  const seen: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]
    if (token === '--') {
      seen.push(...argv.slice(i + 1))
      break
    }
    if (token === '-h' || token === '--help') continue
    if (!token.startsWith('-') || token === '-') {
      seen.push(token)
      continue
    }
    if (!token.startsWith('--')) return `unknown option \`${token}\` for \`dskity ${command}\`. Options: ${known.join(', ') || 'none'}.`
    const [raw, inline] = splitOnce(token.slice(2), '=')
    let def = options.get(raw)
    if (!def && raw.startsWith('no-')) {
      const negated = options.get(raw.slice(3))
      if (negated?.type === 'boolean') def = negated
    }
    if (!def) {
      return `unknown option \`--${raw}\` for \`dskity ${command}\`${didYouMean(`--${raw}`, known)}. Options: ${known.join(', ') || 'none'}.`
    }
    if (def.type === 'boolean') {
      if (inline !== undefined && !['true', 'false'].includes(inline)) return `option \`--${raw}\` of \`dskity ${command}\` is a switch: use \`--${raw}\` or \`--no-${raw}\`, not \`--${raw}=${inline}\`.`
      continue
    }
    if (inline !== undefined) continue
    const next = argv[i + 1]
    if (next === undefined || (next.startsWith('--') && next.length > 2)) return `option \`--${raw}\` of \`dskity ${command}\` needs a value (e.g. \`--${raw} <value>\`).`
    i++
  }
  if (seen.length > positionals) {
    return `\`dskity ${command}\` takes ${positionals === 0 ? 'no argument' : positionals === 1 ? 'one argument' : `${positionals} arguments`} besides options; got ${seen.map((t) => `\`${t}\``).join(', ')} (an option's value goes right after it, e.g. \`--port 9000\`).`
  }
  return undefined
}

// --- internal ---

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
}

function splitOnce(text: string, sep: string): [string, string | undefined] {
  const at = text.indexOf(sep)
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)]
}
