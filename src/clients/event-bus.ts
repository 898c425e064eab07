import type { Logger } from './logger.ts'

/**
 * Known events and their payload types. Empty here; modules add to it by augmenting `dskity`
 * (the runtime re-exports this interface, and TypeScript merges augmentations through re-exports):
 *
 * @example
 * // modules/orders/events.d.ts (or any .ts file included by your tsconfig)
 * declare module 'dskity' {
 *   interface DskityEvents {
 *     'order.created': { id: string }
 *   }
 * }
 * export {}
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DskityEvents {}

/** A known event name, or any other string (whose payload is then `unknown`). */
export type EventName = keyof DskityEvents | (string & {})

/** The payload type of an event: from `DskityEvents` when known, else `unknown`. */
export type EventPayload<N extends string> = N extends keyof DskityEvents ? DskityEvents[N] : unknown

/** A listener: may return a promise, which `emit` awaits (bounded by the listener timeout). */
export type EventListener<P = unknown> = (payload: P) => unknown

/** Who registered a listener; used in logs and by `removeAllListeners(module)`. */
export type ListenerMeta = { module?: string }

/** What `onListenerError` receives for a listener that threw, rejected or timed out. */
export type ListenerErrorInfo = { event: string; module?: string; error: unknown; timedOut: boolean; requestId?: string }

/** Options of {@link createEventBus}. */
export interface EventBusOptions {
  /** Longest time `emit` waits for one listener; `0` or `Infinity` waits forever. */
  listenerTimeoutMs: number
  logger: Logger
  /** Called once per `emit` (metrics). */
  onEmit?: (name: string) => void
  /** Called for every failed or timed-out listener (metrics). */
  onListenerError?: (info: ListenerErrorInfo) => void
  /** Current request id, added to error logs (e.g. from the runtime's async context). */
  getRequestId?: () => string | undefined
}

/** In-process async event bus (SPEC §3). */
export interface EventBus {
  /** Adds a listener; returns a function that removes exactly this registration. */
  on<N extends EventName>(name: N, fn: EventListener<EventPayload<N>>, meta?: ListenerMeta): () => void
  /** Like `on`, but the listener is removed before its first call. */
  once<N extends EventName>(name: N, fn: EventListener<EventPayload<N>>, meta?: ListenerMeta): () => void
  /** Removes the most recently added registration of `fn` for `name` (like EventEmitter). */
  off<N extends EventName>(name: N, fn: EventListener<EventPayload<N>>): void
  /** Runs every listener concurrently; resolves when all have settled or timed out. Never rejects. */
  emit<N extends EventName>(name: N, ...payload: PayloadArgs<N>): Promise<void>
  listenerCount(name: string): number
  /** Drops every listener, or only those registered with `meta.module === module`. */
  removeAllListeners(module?: string): void
}

type PayloadArgs<N extends string> = undefined extends EventPayload<N> ? [payload?: EventPayload<N>] : [payload: EventPayload<N>]

/**
 * Creates the event bus. Listener lists are copy-on-write, so `emit` iterates a snapshot without
 * copying; a sync listener costs one call, and no emit allocates a timer (see `createSettler`).
 *
 * @example
 * const bus = createEventBus({ listenerTimeoutMs: 30_000, logger: consola })
 * const stop = bus.on('order.created', async (order) => notify(order), { module: 'mail' })
 * await bus.emit('order.created', { id: '42' })
 * stop()
 */
export function createEventBus(opts: EventBusOptions): EventBus {
  const lists = new Map<string, readonly Entry[]>()
  const timeoutMs = opts.listenerTimeoutMs > 0 && Number.isFinite(opts.listenerTimeoutMs) ? opts.listenerTimeoutMs : 0

  const add = (name: string, fn: EventListener<never>, meta: ListenerMeta | undefined, once: boolean) => {
    const entry: Entry = { fn: fn as EventListener, module: meta?.module, once }
    lists.set(name, [...(lists.get(name) ?? []), entry])
    return () => remove(name, entry)
  }
  const remove = (name: string, entry: Entry) => {
    const list = lists.get(name)
    const i = list ? list.lastIndexOf(entry) : -1
    if (!list || i === -1) return
    if (list.length === 1) lists.delete(name)
    else lists.set(name, [...list.slice(0, i), ...list.slice(i + 1)])
  }
  const report = (event: string, entry: Entry, error: unknown, timedOut: boolean) => {
    const requestId = opts.getRequestId?.()
    const where = `${entry.module ? ` (module \`${entry.module}\`)` : ''}${requestId ? ` [request ${requestId}]` : ''}`
    opts.logger.error(`[dskity] listener for event \`${event}\`${where} ${timedOut ? `did not settle within ${timeoutMs} ms` : 'failed'}:`, error)
    try {
      opts.onListenerError?.({ event, module: entry.module, error, timedOut, requestId })
    } catch (hookError) {
      opts.logger.warn('[dskity] onListenerError hook threw:', hookError)
    }
  }

  const settle = createSettler(timeoutMs, report)

  return {
    on: (name, fn, meta) => add(name, fn, meta, false),
    once: (name, fn, meta) => add(name, fn, meta, true),
    off(name, fn) {
      const entry = lists.get(name)?.findLast((e) => e.fn === fn)
      if (entry) remove(name, entry)
    },
    emit(name, ...[payload]) {
      opts.onEmit?.(name)
      const list = lists.get(name)
      if (!list) return RESOLVED
      let pending: Pending[] | undefined
      for (const entry of list) {
        if (entry.once) remove(name, entry)
        let result: unknown
        try {
          result = entry.fn(payload)
        } catch (error) {
          report(name, entry, error, false)
          continue
        }
        if (isThenable(result)) (pending ??= []).push({ entry, promise: Promise.resolve(result), done: false })
      }
      return pending ? settle(name, pending) : RESOLVED
    },
    listenerCount: (name) => lists.get(name)?.length ?? 0,
    removeAllListeners(module) {
      if (module === undefined) return lists.clear()
      for (const [name, list] of lists) {
        const kept = list.filter((e) => e.module !== module)
        if (kept.length === 0) lists.delete(name)
        else if (kept.length !== list.length) lists.set(name, kept)
      }
    },
  }
}

// --- internal ---

type Entry = { fn: EventListener; module: string | undefined; once: boolean }
type Pending = { entry: Entry; promise: Promise<unknown>; done: boolean }
type Group = { event: string; pending: Pending[]; left: number; deadline: number; resolve: () => void }

type Report = (event: string, entry: Entry, error: unknown, timedOut: boolean) => void

const RESOLVED: Promise<void> = Promise.resolve()

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as PromiseLike<unknown>).then === 'function'
}

/**
 * Waits for async listeners. Rather than a timer per emit, one unref'd sweeper per bus checks the
 * deadlines every `timeoutMs / 20` (5 ms – 1 s) while anything is pending, so a hanging listener is
 * released between `timeoutMs` and `timeoutMs + tick`, and an emit itself allocates no timer.
 */
function createSettler(timeoutMs: number, report: Report) {
  const active = new Set<Group>()
  const tick = Math.min(1_000, Math.max(5, Math.ceil(timeoutMs / 20)))
  let sweeper: ReturnType<typeof setInterval> | undefined
  const finish = (group: Group, p: Pending) => {
    p.done = true
    if (--group.left > 0) return
    active.delete(group)
    group.resolve()
  }
  const sweep = () => {
    const now = performance.now()
    for (const group of active) {
      if (group.deadline > now) continue
      for (const p of group.pending) {
        if (p.done) continue
        report(group.event, p.entry, new Error(`[dskity] listener for event \`${group.event}\` timed out after ${timeoutMs} ms; make it settle sooner or raise common.lifecycle.listenerTimeoutSeconds`), true)
        finish(group, p)
      }
    }
    if (active.size === 0) sweeper = void clearInterval(sweeper)
  }
  return (event: string, pending: Pending[]) =>
    new Promise<void>((resolve) => {
      const group: Group = { event, pending, left: pending.length, deadline: performance.now() + timeoutMs, resolve }
      for (const p of pending) {
        // The rejection handler stays attached after a timeout, so a late rejection is never unhandled.
        p.promise.then(
          () => p.done || finish(group, p),
          (error: unknown) => p.done || (report(event, p.entry, error, false), finish(group, p)),
        )
      }
      if (timeoutMs === 0) return
      active.add(group)
      // A hanging listener must never keep the process alive at shutdown: unref.
      if (!sweeper) (sweeper = setInterval(sweep, tick)).unref?.()
    })
}
