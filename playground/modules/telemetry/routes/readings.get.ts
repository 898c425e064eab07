import { defineEventHandler, useClients } from 'dskity'
import { listReadings } from '../readings'

/** GET /telemetry/readings — the latest reading per sensor (empty while MQTT is off). */
export default defineEventHandler(async (event) => ({ readings: await listReadings(useClients(event).kv) }))
