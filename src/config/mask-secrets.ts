/** Key fragments that mark a value as secret, compared without case, `_` or `-`. */
const SECRET_KEY_PARTS = ['password', 'passwd', 'token', 'secret', 'apikey', 'privatekey', 'accesskey', 'credentials']
const MASK = '***'

/**
 * Returns a deep copy of `value` with secrets replaced by `***`: every value under a key that
 * contains password, token, secret, apiKey, privateKey, accessKey or credentials (any case, camel,
 * snake or kebab), and every value that looks like a credential whatever its key — the password
 * of a URL with `user:pass@`, Vault tokens (`hvs.…`, `s.…`), `sk-…` API keys. Never mutates.
 *
 * @example maskSecrets({ kv: { redis: { url: 'redis://u:p@h' } } }) // url: 'redis://u:***@h'
 */
export function maskSecrets<T>(value: T): T {
  return mask(value, false) as T
}

/** `true` when a key names a secret (`api_key`, `X-Api-Key`, `dbPassword`…). */
export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_\s]/g, '')
  return SECRET_KEY_PARTS.some((part) => k.includes(part))
}

/** Masks credential-looking content in a string. */
export function maskSecretString(value: string): string {
  if (/^(hvs|hvb|hvr)\.[A-Za-z0-9_-]{20,}$/.test(value) || /^s\.[A-Za-z0-9]{24}$/.test(value)) return MASK
  if (/^sk-[A-Za-z0-9_-]{16,}$/.test(value) || /^sk-(proj|ant|live|test)-[A-Za-z0-9_-]{8,}$/.test(value)) return MASK
  return value.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)([^\s@/]+)(@)/gi, `$1${MASK}$3`)
}

// --- internal ---

function mask(value: unknown, secret: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => mask(v, secret))
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = mask(v, secret || isSecretKey(k))
    return out
  }
  if (secret && value !== null && value !== undefined && value !== '') return MASK
  return typeof value === 'string' ? maskSecretString(value) : value
}
