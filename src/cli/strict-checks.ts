import type { DskityOptions } from '../config/schema.ts'
import { maskSecretString } from '../config/mask-secrets.ts'

/** One line of `dskity validate` output. */
export interface CheckResult {
  name: string
  ok: boolean
  message: string
  code?: string
  details?: Record<string, unknown>
}

/** Upper bound of each live check, whatever the client's own retry policy. */
const CHECK_TIMEOUT_MS = 5_000

/**
 * `validate --strict`: connects to the configured KV store (and MQTT broker when enabled), each
 * bounded by a timeout, and reports every result with how long it took. Messages never carry
 * credentials (URLs are masked).
 *
 * @example const results = await runStrictChecks(options); const ok = results.every((r) => r.ok)
 */
export async function runStrictChecks(options: DskityOptions, timeoutMs = CHECK_TIMEOUT_MS): Promise<CheckResult[]> {
  const results: CheckResult[] = []
  const { createKv } = await import('../kv/create-kv.ts')
  const kv = createKv(options.kv)
  results.push(await check(`kv (${options.kv.store})`, 'kv', timeoutMs, () => kv.probe()))
  await kv.close().catch(() => {})
  if (options.common.mqtt.enabled) {
    const { createMqttClient } = await import('../clients/mqtt.ts')
    const quiet = { error() {}, warn() {}, info() {}, debug() {} }
    const mqtt = createMqttClient(options.common.mqtt, { logger: quiet })
    const waitMs = Math.min(timeoutMs, options.common.mqtt.connectTimeoutSeconds * 1000)
    results.push(await check(`mqtt (${maskSecretString(options.common.mqtt.broker)})`, 'common.mqtt', timeoutMs, () => mqtt.waitConnected(waitMs)))
    await mqtt.close().catch(() => {})
  }
  return results
}

// --- internal ---

async function check(name: string, key: string, timeoutMs: number, fn: () => Promise<unknown>): Promise<CheckResult> {
  const started = performance.now()
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([fn(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)))])
    return { name, ok: true, message: 'reachable', details: { key, ms: Math.round(performance.now() - started) } }
  } catch (error) {
    const message = maskSecretString((error as Error)?.message ?? String(error))
    return { name, ok: false, message, code: 'DSKITY_E_STRICT_CHECK', details: { key, ms: Math.round(performance.now() - started) } }
  } finally {
    clearTimeout(timer)
  }
}
