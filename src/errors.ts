/**
 * Every error dskity raises on purpose has a stable code from this file, and a message that names
 * the file, module or key and says what to do.
 */
export const ErrorCodes = {
  CONFIG_NOT_FOUND: 'DSKITY_E_CONFIG_NOT_FOUND',
  CONFIG_PARSE: 'DSKITY_E_CONFIG_PARSE',
  CONFIG_INVALID: 'DSKITY_E_CONFIG_INVALID',
  ENV_INVALID: 'DSKITY_E_ENV_INVALID',
  MODULE_NAME: 'DSKITY_E_MODULE_NAME',
  MODULE_DUPLICATE: 'DSKITY_E_MODULE_DUPLICATE',
  MODULE_CYCLE: 'DSKITY_E_MODULE_CYCLE',
  MODULE_UNKNOWN_DEPENDENCY: 'DSKITY_E_MODULE_UNKNOWN_DEPENDENCY',
  MODULE_DISABLED_DEPENDENCY: 'DSKITY_E_MODULE_DISABLED_DEPENDENCY',
  MODULE_CONFIG: 'DSKITY_E_MODULE_CONFIG',
  MODULE_SETTINGS: 'DSKITY_E_MODULE_SETTINGS',
  MODULE_FILE: 'DSKITY_E_MODULE_FILE',
  SEARCH_PATH: 'DSKITY_E_SEARCH_PATH',
  ROUTE_DUPLICATE: 'DSKITY_E_ROUTE_DUPLICATE',
  UNKNOWN_TARGET: 'DSKITY_E_UNKNOWN_TARGET',
  STARTUP_HOOK: 'DSKITY_E_STARTUP_HOOK',
  STARTUP_TIMEOUT: 'DSKITY_E_STARTUP_TIMEOUT',
  KV_UNAVAILABLE: 'DSKITY_E_KV_UNAVAILABLE',
  KV_INVALID_KEY: 'DSKITY_E_KV_INVALID_KEY',
  MQTT_UNAVAILABLE: 'DSKITY_E_MQTT_UNAVAILABLE',
  LISTEN: 'DSKITY_E_LISTEN',
  CLI_ARGS: 'DSKITY_E_CLI_ARGS',
  SERVICE_UNRESOLVED: 'DSKITY_E_SERVICE_UNRESOLVED',
} as const

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes]

/** An error a user can cause and fix: bad config, bad module, bad files. */
export class DskityError extends Error {
  readonly code: ErrorCode
  /** Extra machine-readable facts (module names, files, keys). */
  readonly details: Record<string, unknown>

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message.startsWith('[dskity]') ? message : `[dskity] ${message}`, options)
    this.name = 'DskityError'
    this.code = code
    this.details = details
  }
}

/** `true` for errors raised by dskity on purpose (works across duplicated module copies). */
export function isDskityError(error: unknown): error is DskityError {
  return error instanceof Error && typeof (error as DskityError).code === 'string' && (error as DskityError).code.startsWith('DSKITY_E_')
}

/**
 * A thrown value as text for a message: an Error's message, a string as is, anything else as JSON
 * (a hook that throws `{ code: 42 }` reads `{"code":42}`, not `[object Object]`).
 */
export function describeThrown(value: unknown): string {
  if (value instanceof Error) return value.message
  if (typeof value === 'string') return value
  if (value !== null && typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string') return (value as { message: string }).message
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

/** The closest candidate by edit distance, for "did you mean …?" hints. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  let best = ''
  let bestScore = Number.POSITIVE_INFINITY
  for (const c of candidates) {
    const d = editDistance(input.toLowerCase(), c.toLowerCase())
    if (d < bestScore) [best, bestScore] = [c, d]
  }
  return best && bestScore <= Math.max(2, Math.floor(input.length / 3)) ? ` (did you mean \`${best}\`?)` : ''
}

// --- internal ---

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = tmp
    }
  }
  return row[b.length]
}
