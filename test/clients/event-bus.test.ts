import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest'
import { createEventBus, type ListenerErrorInfo } from '../../src/clients/event-bus.ts'

// A test-only event, namespaced so the augmentation cannot clash with real event names.
declare module '../../src/clients/event-bus.ts' {
  interface DskityEvents {
    '__test.event-bus.typed': { id: string }
  }
}

function setup(listenerTimeoutMs = 200) {
  const logger = { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() }
  const errors: ListenerErrorInfo[] = []
  const emitted: string[] = []
  const bus = createEventBus({
    listenerTimeoutMs,
    logger,
    onEmit: (name) => emitted.push(name),
    onListenerError: (info) => errors.push(info),
    getRequestId: () => 'req-42',
  })
  return { bus, logger, errors, emitted }
}

const unhandled = vi.fn()
beforeEach(() => {
  unhandled.mockReset()
  process.on('unhandledRejection', unhandled)
})
afterEach(() => {
  process.off('unhandledRejection', unhandled)
})

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('event bus: CASES.md case 6 (listeners that throw or hang)', () => {
  it('resolves emit, runs the good listener once, reports the error and the timeout', async () => {
    const { bus, logger, errors, emitted } = setup(200)
    let counter = 0
    bus.on('order.created', () => {
      throw new Error('boom')
    }, { module: 'broken' })
    bus.on('order.created', async () => {
      counter++
    }, { module: 'counter' })
    bus.on('order.created', () => new Promise(() => {}), { module: 'hanging' })

    const started = performance.now()
    // Shaped like the playground's `order.created` augmentation, so it type-checks with or without it.
    const order = { id: '1', productId: 'p-1', quantity: 1, totalCents: 100 }
    await expect(bus.emit('order.created', order)).resolves.toBeUndefined()
    const elapsed = performance.now() - started

    expect(elapsed).toBeGreaterThanOrEqual(190)
    expect(elapsed).toBeLessThan(1_000)
    expect(counter).toBe(1)
    expect(emitted).toEqual(['order.created'])
    expect(errors.map((e) => [e.event, e.module, e.timedOut, e.requestId])).toEqual([
      ['order.created', 'broken', false, 'req-42'],
      ['order.created', 'hanging', true, 'req-42'],
    ])
    expect(logger.error).toHaveBeenCalledTimes(2)
    const [message] = logger.error.mock.calls[0]
    expect(message).toContain('`order.created`')
    expect(message).toContain('`broken`')
    expect(message).toContain('req-42')
    await tick(20)
    expect(unhandled).not.toHaveBeenCalled()
  })

  it('never leaks a rejection: not from a rejecting listener, nor one that rejects after its timeout', async () => {
    const { bus, errors } = setup(50)
    bus.on('x', async () => {
      throw new Error('async boom')
    })
    bus.on('x', () => new Promise((_, reject) => setTimeout(() => reject(new Error('too late')), 120)))
    await bus.emit('x')
    await tick(150)
    expect(errors.map((e) => e.timedOut)).toEqual([false, true])
    expect(unhandled).not.toHaveBeenCalled()
  })

  it('runs async listeners concurrently: total time is the slowest, not the sum', async () => {
    const { bus } = setup(1_000)
    for (let i = 0; i < 5; i++) bus.on('slow', () => tick(100))
    const started = performance.now()
    await bus.emit('slow')
    expect(performance.now() - started).toBeLessThan(300)
  })

  it('allocates no timer per emit: none for sync listeners, one shared sweeper for async ones', async () => {
    const timeouts = vi.spyOn(globalThis, 'setTimeout')
    const intervals = vi.spyOn(globalThis, 'setInterval')
    const { bus } = setup(20_000) // sweeper tick 1 s: the 100 emits below finish well within it
    let n = 0
    bus.on('sync', () => n++)
    await bus.emit('sync')
    await bus.emit('nobody-listens')
    expect(intervals).not.toHaveBeenCalled()
    bus.on('async', async () => n++)
    for (let i = 0; i < 100; i++) await bus.emit('async')
    expect(n).toBe(101)
    expect(timeouts).not.toHaveBeenCalled()
    expect(intervals).toHaveBeenCalledTimes(1)
    // The sweeper is unref'd: a hanging listener never keeps the process alive at shutdown.
    expect((intervals.mock.results[0].value as NodeJS.Timeout).hasRef()).toBe(false)
    timeouts.mockRestore()
    intervals.mockRestore()
  })
})

describe('event bus: on / once / off / snapshots', () => {
  it('once runs one time; the unsubscribe function and off remove listeners', async () => {
    const { bus } = setup()
    const calls: string[] = []
    bus.once('a', () => calls.push('once'))
    const stop = bus.on('a', () => calls.push('on'))
    const fn = () => calls.push('off-me')
    bus.on('a', fn)
    bus.off('a', fn)
    await bus.emit('a')
    await bus.emit('a')
    stop()
    stop()
    await bus.emit('a')
    expect(calls).toEqual(['once', 'on', 'on'])
    expect(bus.listenerCount('a')).toBe(0)
  })

  it('iterates a snapshot: listeners added or removed during emit do not affect it', async () => {
    const { bus } = setup()
    const calls: string[] = []
    let stopSecond = () => {}
    bus.on('s', () => {
      calls.push('first')
      stopSecond()
      bus.on('s', () => calls.push('added'))
    })
    stopSecond = bus.on('s', () => calls.push('second'))
    await bus.emit('s')
    expect(calls).toEqual(['first', 'second'])
    await bus.emit('s')
    expect(calls).toEqual(['first', 'second', 'first', 'added'])
  })

  it('removeAllListeners(module) drops only that module\'s listeners', () => {
    const { bus } = setup()
    bus.on('e', () => {}, { module: 'orders' })
    bus.on('e', () => {}, { module: 'mail' })
    bus.on('f', () => {}, { module: 'orders' })
    bus.removeAllListeners('orders')
    expect([bus.listenerCount('e'), bus.listenerCount('f')]).toEqual([1, 0])
    bus.removeAllListeners()
    expect(bus.listenerCount('e')).toBe(0)
  })

  it('types known events from DskityEvents, unknown ones as unknown', async () => {
    const { bus } = setup()
    bus.on('__test.event-bus.typed', (payload) => {
      expectTypeOf(payload).toEqualTypeOf<{ id: string }>()
    })
    bus.on('anything.else', (payload) => {
      expectTypeOf(payload).toBeUnknown()
    })
    await bus.emit('__test.event-bus.typed', { id: '1' })
    // @ts-expect-error wrong payload for a known event
    await bus.emit('__test.event-bus.typed', { id: 1 })
    await bus.emit('anything.else')
  })
})
