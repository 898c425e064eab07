// Baseline (d): Fastify 5 with the same two routes as bench/app. PORT from env.
import Fastify from 'fastify'

const app = Fastify({ logger: false })
app.get('/hello', async () => ({ hello: 'world' }))
app.get('/users/:id', async (request) => ({ id: request.params.id, name: 'user' }))
app.get('/health/ready', async () => ({ status: 'ok' }))
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
process.once('SIGTERM', () => process.exit(0)) // lets node --cpu-prof write its profile
