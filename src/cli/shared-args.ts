import { DskityError, ErrorCodes, isDskityError } from '../errors.ts'

/** Flags shared by commands that read a service. */
export const serviceArgs = {
  dir: { type: 'positional', required: false, description: 'Service folder (default: the working directory)' },
  config: { type: 'string', description: 'Config file (wins over dskity.config.* in the folder)' },
  target: { type: 'string', description: 'Only this module and its dependencies (repeatable)' },
} as const

/** `--target a --target b` → ['a', 'b']. */
export function targetsFrom(value: unknown): string[] | undefined {
  if (value === undefined) return undefined
  const list = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(',')).map((s) => s.trim()).filter(Boolean)
  return list.length ? list : undefined
}

/** Exit code for an error, per SPEC §8: 2 for a missing or unparsable file, 1 otherwise. */
export function exitCodeFor(error: unknown): number {
  if (isDskityError(error) && (error.code === ErrorCodes.CONFIG_NOT_FOUND || error.code === ErrorCodes.CONFIG_PARSE)) return 2
  return 1
}

/** Prints an error the way a user should see it (no stack for errors dskity raised on purpose) and exits. */
export function failAndExit(error: unknown): never {
  const message = isDskityError(error) ? error.message : `[dskity] ${(error as Error)?.stack ?? error}`
  process.stderr.write(message + '\n')
  process.exit(exitCodeFor(error))
}

export { DskityError }
