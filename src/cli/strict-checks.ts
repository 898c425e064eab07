import type { DskityOptions } from '../config/schema.ts'

/** One line of `dskity validate` output. */
export interface CheckResult {
  name: string
  ok: boolean
  message: string
  code?: string
  details?: Record<string, unknown>
}

/**
 * `validate --strict`: connects to the configured KV store (and MQTT broker when enabled), each
 * bounded by a timeout, and reports every result.
 */
export async function runStrictChecks(options: DskityOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = []
  const { createKv } = await import('../kv/create-kv.ts')
  const kv = createKv(options.kv)
  results.push(await check(`kv (${options.kv.store})`, () => kv.probe()))
  await kv.close().catch(() => {})
  if (options.common.mqtt.enabled) {
    const { createMqttClient } = await import('../clients/mqtt.ts')
    const quiet = { error() {}, warn() {}, info() {}, debug() {} }
    const mqtt = createMqttClient(options.common.mqtt, { logger: quiet })
    results.push(await check(`mqtt (${options.common.mqtt.broker})`, () => mqtt.waitConnected(options.common.mqtt.connectTimeoutSeconds * 1000)))
    await mqtt.close().catch(() => {})
  }
  return results
}

async function check(name: string, fn: () => Promise<unknown>): Promise<CheckResult> {
  try {
    await fn()
    return { name, ok: true, message: 'reachable' }
  } catch (error) {
    return { name, ok: false, message: (error as Error)?.message ?? String(error) }
  }
}
