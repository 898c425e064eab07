import { defineEventHandler, useClients } from 'dskity'
import { listOrders } from '../store'

/** GET /orders — every order. */
export default defineEventHandler(async (event) => ({ orders: await listOrders(useClients(event).kv) }))
