import { defineEventHandler } from 'dskity'

export default defineEventHandler(() => ({ hello: 'world' }))
