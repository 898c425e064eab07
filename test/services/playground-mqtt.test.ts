import { fileURLToPath } from 'node:url'
import mqtt from 'mqtt'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { runCli } from '../cli/run-cli.ts'
import { startHost, type RunningHost } from '../e2e/hosts.ts'
import { serviceAvailable } from '../service-available.ts'

// The playground with MQTT on, against the real Mosquitto: the telemetry module publishes readings
// through the shared client and keeps the latest per sensor from its own subscription.
const PLAYGROUND = fileURLToPath(new URL('../../playground', import.meta.url))
const available = await serviceAvailable('Mosquitto', 1883)
// Unique sensor ids: other runs may share the broker and the `playground/sensors/+/temperature` topics.
const sensor = (name: string) => `${name}-${process.pid}-${Date.now().toString(36)}`

interface Reading {
  sensor: string
  celsius: number
  at: string
  topic: string
}

describe.skipIf(!available)('playground telemetry over MQTT (Mosquitto on 127.0.0.1:1883)', () => {
  let host: RunningHost
  const readings = async (): Promise<Reading[]> => ((await (await fetch(`${host.url}/telemetry/readings`)).json()) as { readings: Reading[] }).readings
  const post = (body: unknown) => fetch(`${host.url}/telemetry/readings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

  beforeAll(async () => {
    host = await startHost('in-process', PLAYGROUND, { DSKITY_COMMON__MQTT__ENABLED: 'true', DSKITY_COMMON__MQTT__BROKER: 'mqtt://127.0.0.1', DSKITY_COMMON__LOGGING__LEVEL: 'warn' })
  }, 60_000)
  afterAll(async () => {
    expect(await host.stop()).toBe(0)
  })

  it('/health/ready includes an mqtt check that passes', async () => {
    const res = await fetch(`${host.url}/health/ready`)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ status: 'ready', checks: { mqtt: { ok: true }, kv: { ok: true } } })
  })

  it('POST a reading → it goes through the broker → GET shows it', async () => {
    const id = sensor('kitchen')
    const res = await post({ sensor: id, celsius: 21.5 })
    expect(res.status).toBe(202)
    expect(await res.json()).toMatchObject({ topic: `playground/sensors/${id}/temperature`, published: { celsius: 21.5 } })
    await vi.waitFor(async () => expect((await readings()).find((r) => r.sensor === id)).toMatchObject({ celsius: 21.5, topic: `playground/sensors/${id}/temperature` }), { timeout: 5_000, interval: 50 })
    // The latest reading wins.
    expect((await post({ sensor: id, celsius: 22 })).status).toBe(202)
    await vi.waitFor(async () => expect((await readings()).find((r) => r.sensor === id)?.celsius).toBe(22), { timeout: 5_000, interval: 50 })
  })

  it('stores readings published by any MQTT client, and skips messages that are not readings', async () => {
    const id = sensor('porch')
    const outsider = await mqtt.connectAsync('mqtt://127.0.0.1:1883')
    try {
      await outsider.publishAsync(`playground/sensors/${id}/temperature`, 'not json', { qos: 1 })
      await outsider.publishAsync(`playground/sensors/${id}/temperature`, JSON.stringify({ celsius: 'warm' }), { qos: 1 })
      await outsider.publishAsync(`playground/sensors/${id}/temperature`, JSON.stringify({ celsius: 4.5, at: '2026-01-01T00:00:00.000Z' }), { qos: 1 })
    } finally {
      await outsider.endAsync()
    }
    await vi.waitFor(async () => expect((await readings()).filter((r) => r.sensor === id)).toEqual([{ sensor: id, celsius: 4.5, at: '2026-01-01T00:00:00.000Z', topic: `playground/sensors/${id}/temperature` }]), { timeout: 5_000, interval: 50 })
  })

  it('rejects an invalid reading with a 422 problem', async () => {
    const res = await post({ sensor: 'a/b', celsius: 1 })
    expect(res.status).toBe(422)
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/)
  })

  it('the mqtt profile file is valid and reaches the broker (validate --strict)', () => {
    const res = runCli(['validate', 'playground', '--config', 'profiles/mqtt.yaml', '--strict', '--json'])
    expect(res.code, res.stderr).toBe(0)
    expect(JSON.parse(res.stdout).checks).toContainEqual(expect.objectContaining({ name: expect.stringMatching(/^mqtt/), ok: true }))
  })
})

describe('playground telemetry with MQTT off (the default)', () => {
  it('starts, lists no readings, and answers POST with a 503 naming common.mqtt.enabled', async () => {
    const host = await startHost('in-process', PLAYGROUND, { DSKITY_COMMON__LOGGING__LEVEL: 'warn' })
    try {
      expect(await (await fetch(`${host.url}/telemetry/readings`)).json()).toEqual({ readings: [] })
      const res = await fetch(`${host.url}/telemetry/readings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sensor":"x","celsius":1}' })
      expect(res.status).toBe(503)
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/)
      expect(((await res.json()) as { detail: string }).detail).toMatch(/common\.mqtt\.enabled/)
      const ready = (await (await fetch(`${host.url}/health/ready`)).json()) as { checks: Record<string, unknown> }
      expect(Object.keys(ready.checks)).not.toContain('mqtt')
    } finally {
      expect(await host.stop()).toBe(0)
    }
  })
})
