import { defineEventHandler, getRouterParam } from 'dskity'

export default defineEventHandler((event) => ({ id: getRouterParam(event, 'id'), name: 'user' }))
