import { defineEventHandler, ProblemDetail, readBody, setResponseStatus, useClients } from 'dskity'
import { SENSOR_ID, temperatureTopic } from '../readings'

/**
 * POST /telemetry/readings `{ "sensor": "kitchen", "celsius": 21.5 }` — publishes the reading to
 * `playground/sensors/<sensor>/temperature`, where the startup hook's subscription picks it up.
 * 202: delivery is asynchronous. 503 while MQTT is off or the broker is unreachable.
 */
export default defineEventHandler(async (event) => {
  const { mqtt } = useClients(event)
  if (!mqtt) {
    throw new ProblemDetail({ status: 503, title: 'MQTT disabled', detail: 'MQTT is off: set common.mqtt.enabled=true (e.g. --config profiles/mqtt.yaml or DSKITY_COMMON__MQTT__ENABLED=true)' })
  }
  const body = await readBody<{ sensor?: unknown; celsius?: unknown }>(event)
  const { sensor, celsius } = body ?? {}
  if (typeof sensor !== 'string' || !SENSOR_ID.test(sensor)) {
    throw new ProblemDetail({ status: 422, title: 'Invalid reading', detail: 'sensor must be 1–64 letters, digits, `_` or `-`' })
  }
  if (typeof celsius !== 'number' || !Number.isFinite(celsius)) throw new ProblemDetail({ status: 422, title: 'Invalid reading', detail: 'celsius must be a number' })
  const topic = temperatureTopic(sensor)
  const message = { celsius, at: new Date().toISOString() }
  try {
    await mqtt.publishJson(topic, message, { qos: 1 })
  } catch (error) {
    throw new ProblemDetail({ status: 503, title: 'MQTT unavailable', detail: (error as Error).message })
  }
  setResponseStatus(event, 202)
  return { topic, published: message }
})
