/** Key fragments that mark a value as secret, compared without case, `_` or `-`. */
const SECRET_KEY_PARTS = ['password', 'passwd', 'token', 'secret', 'apikey', 'privatekey', 'accesskey', 'credential']
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
  // `pwd` and a trailing `pass` (db_pass) too — but not `passthrough`, `compass`…
  return SECRET_KEY_PARTS.some((part) => k.includes(part)) || /(?:^|[-_\s])(?:pass|pwd)$/i.test(key) || /[a-z0-9](?:Pass|Pwd|PASS|PWD)$/.test(key)
}

/**
 * Masks credential-looking content in a string, wherever it appears in it: the password of
 * `scheme://user:pass@host` (user and host stay), secret query parameters (`?token=…`), Vault
 * tokens (`hvs.…`, `hvb.…`, `hvr.…`, legacy `s.…`) and `sk-…` API keys.
 *
 * @example maskSecretString('Bearer sk-abcdefghijklmnopqrstu') // 'Bearer ***'
 */
export function maskSecretString(value: string): string {
  if (!SUSPECT.test(value)) return value
  return value
    .replace(URL_PASSWORD, `$1${MASK}$3`)
    .replace(QUERY_PARAM, (all, sep: string, name: string, v: string) => (v && isSecretKey(decodeSafe(name)) ? `${sep}${name}=${MASK}` : all))
    .replace(CONN_STRING_SECRET, (_all, name: string) => `${name}=${MASK}`)
    .replace(VAULT_TOKEN, MASK)
    .replace(SK_KEY, MASK)
    .replace(KNOWN_TOKENS, MASK)
}

// --- internal ---

/** Cheap pre-check: most config strings contain none of these and skip the regexes. */
const SUSPECT = /[:@=]|\b(?:hv[sbr]|s)\.|\bsk-|\bgh[pousr]_|github_pat_|\bAKIA|\beyJ/
/** `scheme://user:password@host`: the password runs to the LAST `@` before the path (it may contain `@`). */
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)([^\s/]*)(@)(?=[^\s@/]*(?:[/?#\s]|$))/gi
/** `Password=…;` and friends inside connection strings. */
const CONN_STRING_SECRET = /\b((?:password|pwd|passwd|secret|token|api[_-]?key|access[_-]?key|accountkey|sharedaccesskey)(?=\s*=))\s*=\s*[^;&\s]*/gi
/** GitHub tokens, AWS access key ids and JSON web tokens. */
const KNOWN_TOKENS = /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|AKIA[0-9A-Z]{16}|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})\b/g
const QUERY_PARAM = /([?&])([^=&#\s]+)=([^&#\s]*)/g
const VAULT_TOKEN = /\b(?:hv[sbr]\.[A-Za-z0-9_-]{20,}|s\.[A-Za-z0-9]{24}(?![A-Za-z0-9]))/g
const SK_KEY = /\bsk-[A-Za-z0-9_-]{16,}/g

function decodeSafe(name: string): string {
  try {
    return decodeURIComponent(name)
  } catch {
    return name
  }
}

function mask(value: unknown, secret: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => mask(v, secret))
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = mask(v, secret || isSecretKey(k))
    return out
  }
  // Booleans and numbers are never secrets (`allowCredentials: false` stays readable).
  if (secret && typeof value === 'string' && value !== '') return MASK
  return typeof value === 'string' ? maskSecretString(value) : value
}
