import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { serviceAvailable } from '../service-available.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const FIXTURE = 'test/fixtures/http-validate'

function validate(env: Record<string, string> = {}, ...extra: string[]) {
  const run = spawnSync(process.execPath, ['bin/dskity.mjs', 'validate', FIXTURE, '--strict', '--json', ...extra], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 })
  return { status: run.status, json: JSON.parse(run.stdout) as { ok: boolean; exitCode: number; checks: Array<{ name: string; ok: boolean; message: string }> }, stderr: run.stderr }
}

describe('dskity validate --strict --json', async () => {
  const redis = await serviceAvailable('Redis', 6379)

  test.skipIf(!redis)('KV on a reachable Redis → exit 0, every check ok', () => {
    const { status, json } = validate()
    expect(status).toBe(0)
    expect(json.ok).toBe(true)
    expect(json.checks.map((c) => c.name)).toEqual(['config', 'modules', 'kv (redis)'])
    for (const c of json.checks) expect(c).toMatchObject({ ok: true, message: expect.any(String) })
  })

  test('KV on a closed port → exit 1 with the KV check failing; the password never printed', () => {
    const { status, json, stderr } = validate({ DSKITY_KV__REDIS__URL: 'redis://default:kv-pass@127.0.0.1:1/0' })
    expect(status).toBe(1)
    expect(json.ok).toBe(false)
    const kv = json.checks.find((c) => c.name === 'kv (redis)')
    expect(kv).toMatchObject({ ok: false, message: expect.stringMatching(/kv\.redis\.url.*ECONNREFUSED|ECONNREFUSED.*kv\.redis\.url|unreachable/) })
    expect(json.checks.filter((c) => c.name !== 'kv (redis)').every((c) => c.ok)).toBe(true)
    expect(JSON.stringify(json) + stderr).not.toContain('kv-pass')
  })

  test('MQTT enabled on a closed port → its own failing check', () => {
    const { status, json } = validate({ DSKITY_KV__STORE: 'inmemory', DSKITY_COMMON__MQTT__ENABLED: 'true', DSKITY_COMMON__MQTT__BROKER: 'mqtt://127.0.0.1:1', DSKITY_COMMON__MQTT__PORT: '1', DSKITY_COMMON__MQTT__CONNECT_TIMEOUT_SECONDS: '1' })
    expect(status).toBe(1)
    expect(json.checks.map((c) => [c.name, c.ok])).toEqual([['config', true], ['modules', true], ['kv (inmemory)', true], ['mqtt (mqtt://127.0.0.1:1)', false]])
    expect(json.checks[3].message).not.toBe('')
  })
})
