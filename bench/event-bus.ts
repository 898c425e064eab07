// Throughput of dskity's event bus against a bare node:events EventEmitter with the same listeners.
// Run: node --import jiti/register bench/event-bus.ts        (not part of `npm test`)
//
// Both sides run 3 sync listeners and 2 async ones per emit, and every emit is awaited:
// * `bus`            — `await bus.emit(name, payload)` (concurrent delivery, isolation, timeout, metrics hook)
// * `EventEmitter`   — `await Promise.allSettled(ee.listeners(name).map((fn) => fn(payload)))`: the
//                      smallest code that gives EventEmitter the same "resolve when all listeners
//                      settled, never reject" contract (`ee.emit()` alone does not wait for async ones)
// * `ee.emit (f&f)`  — `ee.emit(name, payload)` then one awaited microtask: fire-and-forget, for scale
// Rounds are interleaved (order alternating) so drift in CPU speed hits every variant alike.
import { EventEmitter } from 'node:events'
import { createEventBus } from '../src/clients/event-bus.ts'

const EMITS_PER_ROUND = 100_000
const ROUNDS = 7
const noop = () => {}
const logger = { error: noop, warn: noop, info: noop, debug: noop }

let sink = 0
const payload = { id: '42', quantity: 2 }
const syncListener = (p: typeof payload) => void (sink += p.quantity)
const asyncListener = async (p: typeof payload) => {
  await null
  sink += p.quantity
}
const listeners = [syncListener, syncListener, syncListener, asyncListener, asyncListener]

let emitted = 0
const bus = createEventBus({ listenerTimeoutMs: 30_000, logger, onEmit: () => void emitted++ })
for (const fn of listeners) bus.on('order.created', fn as never, { module: 'bench' })
const ee = new EventEmitter()
for (const fn of listeners) ee.on('order.created', fn)

const variants: Record<string, () => Promise<unknown>> = {
  bus: () => bus.emit('order.created', payload as never),
  EventEmitter: () => Promise.allSettled(ee.listeners('order.created').map((fn) => (fn as typeof syncListener)(payload))),
  'ee.emit (f&f)': async () => {
    ee.emit('order.created', payload)
    await null
  },
}

async function run(fn: () => Promise<unknown>, n: number): Promise<number> {
  const start = process.hrtime.bigint()
  for (let i = 0; i < n; i++) await fn()
  return n / (Number(process.hrtime.bigint() - start) / 1e9)
}

const names = Object.keys(variants)
for (const name of names) await run(variants[name], 20_000) // warm-up (JIT)
const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]))
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? names : [...names].reverse()
  for (const name of order) samples[name].push(await run(variants[name], EMITS_PER_ROUND))
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const result = Object.fromEntries(names.map((n) => [n, median(samples[n])]))

console.log(`node ${process.version}, ${ROUNDS} interleaved rounds × ${EMITS_PER_ROUND.toLocaleString('en')} awaited emits, 3 sync + 2 async listeners (median per variant)`)
for (const name of names) console.log(`${name.padEnd(16)} ${Math.round(result[name]).toLocaleString('en').padStart(12)} emits/s   (rounds: ${samples[name].map((x) => Math.round(x / 1000) + 'k').join(' ')})`)
if (sink === 0 || emitted === 0) throw new Error('listeners did not run')
console.log(`ratio bus / ee.emit (fire-and-forget): ${(result.bus / result['ee.emit (f&f)']).toFixed(2)}`)
console.log(`ratio bus / EventEmitter (same awaited semantics): ${(result.bus / result.EventEmitter).toFixed(2)}`)
