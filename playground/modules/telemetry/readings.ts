import type { Storage } from 'unstorage'

/** The topic filter telemetry listens on; `+` is the sensor id. */
export const TEMPERATURE_FILTER = 'playground/sensors/+/temperature'

/** The latest temperature seen for one sensor. */
export interface Reading {
  sensor: string
  celsius: number
  /** When the sensor took it (ISO 8601), as published. */
  at: string
  topic: string
}

/** A sensor id is one MQTT topic level made of letters, digits, `_` and `-` (also safe as a KV key). */
export const SENSOR_ID = /^[\w-]{1,64}$/

export const temperatureTopic = (sensor: string) => `playground/sensors/${sensor}/temperature`
export const readingKey = (sensor: string) => `telemetry:reading:${sensor}`

/** Every sensor's latest reading, sorted by sensor id. */
export async function listReadings(kv: Storage): Promise<Reading[]> {
  const keys = await kv.getKeys('telemetry:reading')
  const readings = await Promise.all(keys.map((k) => kv.getItem<Reading>(k)))
  return readings.filter((r): r is Reading => r !== null).sort((a, b) => a.sensor.localeCompare(b.sensor))
}

/** Parses a message from `playground/sensors/<id>/temperature`; `undefined` when it is not a reading. */
export function toReading(data: unknown, topic: string): Reading | undefined {
  const sensor = topic.split('/')[2] ?? ''
  const { celsius, at } = (data ?? {}) as { celsius?: unknown; at?: unknown }
  if (!SENSOR_ID.test(sensor) || typeof celsius !== 'number' || !Number.isFinite(celsius)) return undefined
  return { sensor, celsius, at: typeof at === 'string' ? at : new Date().toISOString(), topic }
}

/** Unsubscribes the startup hook's MQTT handler; set while subscribed (the shutdown hook calls it). */
export const subscription: { stop?: () => Promise<void> } = {}
