import { defineHook } from 'dskity'
import { readingKey, subscription, TEMPERATURE_FILTER, toReading } from '../readings'

/**
 * With MQTT on, keeps the latest reading per sensor in KV. The subscription is made even while the
 * broker is unreachable: the shared client subscribes again whenever it (re)connects.
 */
export default defineHook(async ({ mqtt, kv, logger }) => {
  if (!mqtt) {
    logger.info('MQTT is off (common.mqtt.enabled=false): telemetry serves no readings')
    return
  }
  subscription.stop = await mqtt.subscribeJson(TEMPERATURE_FILTER, async (data, topic) => {
    const reading = toReading(data, topic)
    if (!reading) return logger.warn(`ignoring a message on ${topic}: expected {"celsius": <number>, "at"?: <ISO date>}`)
    await kv.setItem(readingKey(reading.sensor), reading)
  })
  logger.info(`telemetry subscribed to ${TEMPERATURE_FILTER}`)
})
