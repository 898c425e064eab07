import { createConsola, LogLevels, type ConsolaInstance, type ConsolaReporter, type LogObject } from 'consola'
import type { DskityOptions } from '../config/schema.ts'
import { useRequestContext } from './request-context.ts'

/** Where a log record came from. */
export interface CallSite {
  function: string
  line: number
  file?: string
}

export interface LoggerOptions {
  format: DskityOptions['common']['logging']['format']
  level: DskityOptions['common']['logging']['level']
  /** Where records go. @default process.stdout */
  write?: (line: string) => void
}

const CALLSITE = Symbol.for('dskity.callsite')

/**
 * Creates the service's root logger (consola) with dskity's reporter: every record carries
 * `request_id` (from the request context), `module`, `function` and `line`.
 * Use `logger.withTag(module)` for a module's logger.
 *
 * @example const logger = createLogger({ format: 'json', level: 'info' }); logger.withTag('orders').info('ready')
 */
export function createLogger(opts: LoggerOptions): ConsolaInstance {
  const write = opts.write ?? ((line: string) => process.stdout.write(line))
  const reporter: ConsolaReporter = {
    log: (record) => write(opts.format === 'json' ? formatJson(record) : formatText(record)),
  }
  return createConsola({ level: LogLevels[opts.level], reporters: [reporter], defaults: {} })
}

/**
 * Logs with an explicit call site, skipping the stack capture (for the framework's own hot-path
 * records such as the access log).
 */
export function withCallSite<T extends object>(args: T, site: CallSite): T {
  Object.defineProperty(args, CALLSITE, { value: site, enumerable: false })
  return args
}

// --- internal ---

function baseRecord(record: LogObject): Record<string, unknown> {
  const ctx = useRequestContext()
  const args = [...record.args]
  let fields: Record<string, unknown> | undefined
  let site: CallSite | undefined
  const last = args[args.length - 1]
  if (last && typeof last === 'object' && !(last instanceof Error) && !Array.isArray(last)) {
    site = (last as Record<symbol, CallSite>)[CALLSITE]
    if (site || args.length > 1) fields = args.pop() as Record<string, unknown>
  }
  site ??= captureCallSite()
  const error = args.find((a): a is Error => a instanceof Error)
  const message = args.map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : safeJson(a))).join(' ')
  return {
    time: record.date.toISOString(),
    level: record.type === 'log' ? 'info' : record.type,
    msg: message,
    request_id: ctx?.requestId ?? null,
    module: record.tag || ctx?.module || null,
    function: site.function,
    line: site.line,
    ...fields,
    ...(error ? { error: { name: error.name, message: error.message, stack: error.stack } } : {}),
  }
}

function formatJson(record: LogObject): string {
  return safeJson(baseRecord(record)) + '\n'
}

function formatText(record: LogObject): string {
  const r = baseRecord(record)
  const { time, level, msg, request_id, module, function: fn, line, error, ...rest } = r
  const extras = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : safeJson(v)}`)
  const err = error ? `\n${(error as { stack?: string }).stack ?? ''}` : ''
  return `${time} ${String(level).toUpperCase().padEnd(5)} [${module ?? '-'}] ${msg}${extras.length ? ' ' + extras.join(' ') : ''} (request_id=${request_id ?? '-'} ${fn}:${line})${err}\n`
}

function captureCallSite(): CallSite {
  const holder: { stack?: string } = {}
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 16
  Error.captureStackTrace(holder, captureCallSite)
  Error.stackTraceLimit = limit
  for (const frame of (holder.stack ?? '').split('\n').slice(1)) {
    if (/node_modules[\\/]consola|[\\/]runtime[\\/]logger\.|node:internal/.test(frame)) continue
    const m = frame.match(/at (?:(.+?) \()?(.+?):(\d+):\d+\)?$/)
    if (m) return { function: m[1]?.replace(/^async /, '') || '<anonymous>', line: Number(m[3]), file: m[2] }
  }
  return { function: '<unknown>', line: 0 }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))
  } catch {
    return String(value)
  }
}
