import { createConsola, LogLevels, type ConsolaInstance, type ConsolaReporter, type LogObject } from 'consola'
import type { DskityOptions } from '../config/schema.ts'
import { useRequestContext } from './request-context.ts'

/** Where a log record came from. */
export interface CallSite {
  function: string
  line: number
  file?: string
}

/**
 * When the reporter captures the caller's stack for `function`/`line`:
 * `all` (every record, ~2–4 µs each), `warn` (warn/error/fatal only; cheaper records get the
 * logger's tag as `function` and `0` as `line`), `off` (never).
 */
export type CallSiteMode = 'all' | 'warn' | 'off'

export interface LoggerOptions {
  format: DskityOptions['common']['logging']['format']
  level: DskityOptions['common']['logging']['level']
  /** @default 'all' */
  callSite?: CallSiteMode
  /** Where records go. @default process.stdout */
  write?: (line: string) => void
}

const CALLSITE = Symbol.for('dskity.callsite')
/** consola record types mapped onto the levels log shippers know. */
const LEVEL_NAMES: Record<string, string> = { log: 'info', success: 'info', ready: 'info', start: 'info', box: 'info', fail: 'error', verbose: 'trace' }

/**
 * Creates the service's root logger (consola) with dskity's reporter: every record carries
 * `request_id` (from the request context), `module`, `function` and `line`. Repeated records are
 * never throttled or merged (consola's default would drop them). Use `logger.withTag(module)` for
 * a module's logger.
 *
 * @example const logger = createLogger({ format: 'json', level: 'info' }); logger.withTag('orders').info('ready')
 */
export function createLogger(opts: LoggerOptions): ConsolaInstance {
  const write = opts.write ?? ((line: string) => void process.stdout.write(line))
  const capture = opts.callSite ?? 'all'
  const format = opts.format === 'json' ? formatJson : formatText
  const reporter: ConsolaReporter = { log: (record) => write(format(record, capture)) }
  return createConsola({ level: LogLevels[opts.level], reporters: [reporter], defaults: {}, throttle: 0 })
}

/**
 * Attaches an explicit call site to a record's fields, so the reporter skips the stack capture (for
 * the framework's own hot-path records such as the access log).
 *
 * @example logger.info('GET / 200', withCallSite({ status: 200 }, { function: 'accessLog', line: 0 }))
 */
export function withCallSite<T extends object>(args: T, site: CallSite): T {
  Object.defineProperty(args, CALLSITE, { value: site, enumerable: false })
  return args
}

// --- internal ---

function baseRecord(record: LogObject, capture: CallSiteMode): Record<string, unknown> {
  const ctx = useRequestContext()
  const args = record.args.slice()
  let fields: Record<string, unknown> | undefined
  let site: CallSite | undefined
  const last = args[args.length - 1]
  if (last && typeof last === 'object' && !(last instanceof Error) && !Array.isArray(last)) {
    site = (last as Record<symbol, CallSite>)[CALLSITE]
    if (site || args.length > 1) fields = args.pop() as Record<string, unknown>
  }
  const level = LEVEL_NAMES[record.type] ?? record.type
  if (!site) {
    const wanted = capture === 'all' || (capture === 'warn' && record.level <= LogLevels.warn)
    site = wanted ? captureCallSite() : { function: record.tag || '<unknown>', line: 0 }
  }
  const error = args.find((a): a is Error => a instanceof Error)
  let message = ''
  for (const a of args) message += (message ? ' ' : '') + (a instanceof Error ? a.message : typeof a === 'string' ? a : safeJson(a))
  return {
    time: record.date.toISOString(),
    level,
    msg: message,
    request_id: ctx?.requestId ?? null,
    module: record.tag || ctx?.module || null,
    function: site.function,
    line: site.line,
    ...fields,
    ...(error ? { error: { name: error.name, message: error.message, stack: error.stack } } : {}),
  }
}

function formatJson(record: LogObject, capture: CallSiteMode): string {
  return safeJson(baseRecord(record, capture)) + '\n'
}

function formatText(record: LogObject, capture: CallSiteMode): string {
  const { time, level, msg, request_id, module, function: fn, line, error, ...rest } = baseRecord(record, capture)
  const extras = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : safeJson(v)}`)
  const err = error ? `\n${(error as { stack?: string }).stack ?? ''}` : ''
  return `${time} ${String(level).toUpperCase().padEnd(5)} [${module ?? '-'}] ${msg}${extras.length ? ' ' + extras.join(' ') : ''} (request_id=${request_id ?? '-'} ${fn}:${line})${err}\n`
}

const INTERNAL_FRAME = /node_modules[\\/]consola|[\\/]runtime[\\/]logger\.|node:internal/

/** The first stack frame outside consola and this file. Structured frames: no stack string is built. */
function captureCallSite(): CallSite {
  const holder: { stack?: NodeJS.CallSite[] } = {}
  const { stackTraceLimit, prepareStackTrace } = Error
  Error.stackTraceLimit = 12
  Error.prepareStackTrace = (_error, frames) => frames
  Error.captureStackTrace(holder, captureCallSite)
  const frames = holder.stack ?? []
  Error.prepareStackTrace = prepareStackTrace
  Error.stackTraceLimit = stackTraceLimit
  for (const frame of frames) {
    const file = frame.getFileName() ?? ''
    if (!file || INTERNAL_FRAME.test(file)) continue
    const name = frame.getFunctionName() ?? frame.getMethodName()
    return { function: name || '<anonymous>', line: frame.getLineNumber() ?? 0, file }
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
