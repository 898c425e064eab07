import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { createMqttClient, type MqttClient } from '../../src/clients/mqtt.ts'
import { binaryAvailable, serviceAvailable, startOwnServer } from '../service-available.ts'

const available = await serviceAvailable('Mosquitto', 1883)
const prefix = `dskity-test/${process.pid}-${Date.now().toString(36)}`
const options = {
  enabled: true,
  broker: 'mqtt://127.0.0.1',
  port: 1883,
  username: null,
  password: null,
  clientId: null,
  reconnectPeriodMs: 100,
  connectTimeoutSeconds: 2,
}

const logger = () => ({ error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() })
const clients: MqttClient[] = []
function connect(overrides: Partial<typeof options> = {}, log = logger()) {
  const client = createMqttClient({ ...options, ...overrides }, { logger: log })
  clients.push(client)
  return client
}

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  if (available) await ensureBrokerRunning()
})

describe.skipIf(!available)('MQTT client against Mosquitto', () => {
  it('delivers by exact and wildcard filter, once per handler even when filters overlap', async () => {
    const mqtt = connect()
    const got: string[] = []
    // Subscribed before the connection is up: sent by the client once it connects.
    await mqtt.subscribe(`${prefix}/a/+/temp`, (p, t) => void got.push(`plus ${t} ${p}`))
    await mqtt.waitConnected(5_000)
    await mqtt.subscribe(`${prefix}/a/#`, (p, t) => void got.push(`hash ${t} ${p}`))
    await mqtt.publish(`${prefix}/a/kitchen/temp`, '21')
    await mqtt.publish(`${prefix}/a`, 'parent')
    await vi.waitFor(() => expect(got).toHaveLength(3))
    await new Promise((r) => setTimeout(r, 200)) // no late duplicate from the overlapping filter
    expect(got.sort()).toEqual([
      `hash ${prefix}/a parent`,
      `hash ${prefix}/a/kitchen/temp 21`,
      `plus ${prefix}/a/kitchen/temp 21`,
    ])
  })

  it('JSON helpers: parsed payloads in, bad JSON and throwing handlers logged, client survives', async () => {
    const log = logger()
    const mqtt = connect({}, log)
    await mqtt.waitConnected(5_000)
    const got: unknown[] = []
    await mqtt.subscribeJson(`${prefix}/json`, (data) => {
      if ((data as { explode?: boolean }).explode) throw new Error('handler boom')
      got.push(data)
    })
    await mqtt.publish(`${prefix}/json`, '{"bad": ')
    await mqtt.publishJson(`${prefix}/json`, { explode: true })
    await mqtt.publishJson(`${prefix}/json`, { id: '42' }, { qos: 1 })
    await vi.waitFor(() => expect(got).toEqual([{ id: '42' }]))
    expect(log.warn).toHaveBeenCalledWith(expect.stringContaining('not valid JSON'))
    expect(log.error).toHaveBeenCalledWith(expect.stringContaining('handler for'), expect.any(Error))
    expect(mqtt.connected).toBe(true)
  })

  it('unsubscribe stops delivery; publish to a wildcard is refused', async () => {
    const mqtt = connect()
    await mqtt.waitConnected(5_000)
    const got: string[] = []
    const stop = await mqtt.subscribe(`${prefix}/unsub`, (p) => void got.push(p.toString()))
    await mqtt.publish(`${prefix}/unsub`, 'one')
    await vi.waitFor(() => expect(got).toEqual(['one']))
    await stop()
    await mqtt.publish(`${prefix}/unsub`, 'two')
    await new Promise((r) => setTimeout(r, 200))
    expect(got).toEqual(['one'])
    await expect(mqtt.publish(`${prefix}/+`, 'x')).rejects.toThrow(/wildcards/)
  })

  it.skipIf(!binaryAvailable('mosquitto'))('a publish to a broker that stopped answering fails within connectTimeoutSeconds, coded as unavailable', async () => {
    // Our own Mosquitto on a free port, frozen with SIGSTOP: the TCP connection stays up, no PUBACK comes.
    const { port, proc: broker } = await startOwnServer('mosquitto', (p) => ['-p', String(p)])
    try {
      const mqtt = connect({ port, connectTimeoutSeconds: 0.5 })
      await mqtt.waitConnected(5_000)
      await mqtt.publish(`${prefix}/stall`, 'before', { qos: 1 })
      process.kill(broker.pid!, 'SIGSTOP')
      const started = Date.now()
      const error = await mqtt.publish(`${prefix}/stall`, 'during', { qos: 1 }).catch((e: unknown) => e)
      expect(Date.now() - started).toBeLessThan(3_000)
      expect(error).toMatchObject({ code: 'DSKITY_E_MQTT_UNAVAILABLE', message: expect.stringMatching(/did not acknowledge the message to ".*\/stall" within 500 ms/) })
      // An endpoint that lets it through answers 503 with Retry-After, not 500.
      const { toProblemDetail } = await import('../../src/runtime/problem.ts')
      expect(toProblemDetail(error, { dev: false }).problem).toMatchObject({ status: 503, headers: { 'Retry-After': '1' } })
      process.kill(broker.pid!, 'SIGCONT')
    } finally {
      broker.kill('SIGKILL')
    }
    // Closing a client whose broker is gone is bounded too (~2 s), never a hang.
    const closing = Date.now()
    await Promise.all(clients.splice(-1).map((c) => c.close()))
    expect(Date.now() - closing).toBeLessThan(3_000)
  })

  it('never crashes when the broker is unreachable; backs off; probe and waitConnected say why', async () => {
    const log = logger()
    const mqtt = connect({ broker: 'mqtt://127.0.0.1:1', reconnectPeriodMs: 50 }, log)
    let reconnects = 0
    mqtt.raw.on('reconnect', () => reconnects++)
    await expect(mqtt.waitConnected(1_200)).rejects.toThrow(/did not connect to mqtt:\/\/127\.0\.0\.1:1/)
    // Without backoff that would be ~24 attempts in 1.2 s; with 50→100→200→400→800 ms it is ≤ 5.
    expect(reconnects).toBeGreaterThanOrEqual(2)
    expect(reconnects).toBeLessThanOrEqual(5)
    expect(mqtt.raw.options.reconnectPeriod).toBeGreaterThan(50)
    await expect(mqtt.probe()).rejects.toThrow('MQTT not connected to mqtt://127.0.0.1:1')
    await expect(mqtt.publish(`${prefix}/x`, 'x')).rejects.toThrow(/not connected/)
    expect(log.warn).toHaveBeenCalledTimes(1)
    await mqtt.close()
    await mqtt.close()
  })

  it('reconnects after a broker restart and re-subscribes (clean session)', async () => {
    const log = logger()
    const mqtt = connect({}, log)
    await mqtt.waitConnected(5_000)
    const got: string[] = []
    await mqtt.subscribe(`${prefix}/restart/#`, (p) => void got.push(p.toString()))
    await mqtt.publish(`${prefix}/restart/before`, 'before')
    await vi.waitFor(() => expect(got).toEqual(['before']))
    try {
      stopBroker()
      await vi.waitFor(() => expect(mqtt.connected).toBe(false), { timeout: 5_000 })
      await expect(mqtt.probe()).rejects.toThrow(/MQTT not connected/)
      await new Promise((r) => setTimeout(r, 500))
    } finally {
      await ensureBrokerRunning()
    }
    await mqtt.waitConnected(15_000)
    await mqtt.publish(`${prefix}/restart/after`, 'after')
    await vi.waitFor(() => expect(got).toEqual(['before', 'after']))
    await expect(mqtt.probe()).resolves.toBeUndefined()
    expect(log.warn).toHaveBeenCalledWith(expect.stringContaining('connection to mqtt://127.0.0.1:1883 lost'))
  }, 40_000)
})

// --- broker control ---

function stopBroker() {
  try {
    process.kill(Number(readFileSync('/run/mosquitto/mosquitto.pid', 'utf8').trim()), 'SIGTERM')
  } catch {
    execFileSync('pkill', ['-x', 'mosquitto'])
  }
}

async function ensureBrokerRunning() {
  for (let i = 0; i < 50; i++) {
    if (await portOpen()) return
    if (i % 10 === 0) {
      try {
        execFileSync('mosquitto', ['-d', '-c', '/etc/mosquitto/mosquitto.conf'])
      } catch {
        // Still shutting down (port busy): try again.
      }
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error('Mosquitto did not come back; start it with `mosquitto -d -c /etc/mosquitto/mosquitto.conf`')
}

async function portOpen() {
  const { connect } = await import('node:net')
  return new Promise<boolean>((resolve) => {
    const s = connect({ host: '127.0.0.1', port: 1883 })
    s.once('connect', () => (s.destroy(), resolve(true)))
    s.once('error', () => resolve(false))
  })
}
