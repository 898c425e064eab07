import { createConsola, LogLevels, type ConsolaInstance, type ConsolaReporter, type LogObject } from 'consola'
import type { DskityOptions } from '../config/schema.ts'
import { createStdoutSink } from './log-sink.ts'
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
  /** Where records go. @default stdout, coalesced per event-loop turn (`createStdoutSink`) */
  write?: (line: string) => void
}

const CALLSITE = Symbol.for('dskity.callsite')
const FAST = Symbol.for('dskity.logger.accessLog')

/** One access-log record: what the pipeline knows when a response has finished (`durationMs` unrounded; written with one decimal). */
export interface AccessRecord {
  method: string
  path: string
  status: number
  durationMs: number
  route: string
  requestId: string
  module: string
}
type AccessWriter = (r: AccessRecord) => void
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
  const write = opts.write ?? createStdoutSink()
  const capture = opts.callSite ?? 'all'
  const format = opts.format === 'json' ? formatJson : formatText
  const reporter: ConsolaReporter = { log: (record) => write(format(record, capture)) }
  const logger = createConsola({ level: LogLevels[opts.level], reporters: [reporter], defaults: {}, throttle: 0 })
  // The access log skips consola's machinery: one fixed-shape object per record, same sink.
  const access: AccessWriter =
    opts.format === 'json'
      ? (r) =>
          write(
            // Written by hand (same bytes as JSON.stringify of the fixed-shape record): a third of the cost.
            `{"time":"${isoNow()}","level":"info","msg":${jsonString(`${r.method} ${r.path} ${r.status}`)},"request_id":${jsonString(r.requestId)},"module":${jsonString(r.module)},"function":"accessLog","line":0,"status":${r.status},"duration_ms":${tenths(r.durationMs)},"route":${jsonString(r.route)}}\n`,
          )
      : (r) => write(`${isoNow()} INFO  [${r.module}] ${r.method} ${escapeControl(r.path)} ${r.status} status=${r.status} duration_ms=${tenths(r.durationMs)} route=${r.route} (request_id=${r.requestId} accessLog:0)\n`)
  Object.defineProperty(logger, FAST, { value: access })
  return capture === 'off' ? logger : instrument(logger)
}

/**
 * Writes one access-log record (`info`) as cheaply as possible: straight to the sink when `logger`
 * comes from `createLogger`, else through `logger.info`. The caller checks the level first.
 *
 * @example logAccess(logger, { method: 'GET', path: '/', status: 200, durationMs: 0.4, route: '/', requestId, module: 'dskity' })
 */
export function logAccess(logger: ConsolaInstance, r: AccessRecord): void {
  const fast = (logger as unknown as Record<symbol, AccessWriter | undefined>)[FAST]
  if (fast) fast(r)
  else logger.info(`${r.method} ${r.path} ${r.status}`, withCallSite({ request_id: r.requestId, module: r.module, status: r.status, duration_ms: Math.round(r.durationMs * 10) / 10, route: r.route }, { function: 'accessLog', line: 0 }))
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

/** Call site of the log call being reported (set by the instrumented method, read by the reporter). */
let pendingSite: CallSite | undefined

/**
 * Wraps every log method of `logger` (and of every logger derived with `withTag`/`create`) so the
 * call site is captured with `Error.captureStackTrace(holder, method)`: V8 skips the frames above the
 * user's call and materialises one frame — far cheaper than walking and formatting a whole stack.
 */
function instrument(logger: ConsolaInstance): ConsolaInstance {
  const target = logger as unknown as Record<string, unknown> & { create: (o: unknown) => ConsolaInstance; options: { types: Record<string, { level?: number }> } }
  const create = target.create.bind(logger)
  target.create = (o) => instrument(create(o))
  for (const [type, { level = 0 }] of Object.entries(target.options.types)) {
    const original = target[type] as (...args: unknown[]) => unknown
    const method = function (this: unknown, ...args: unknown[]) {
      const last = args[args.length - 1] as Record<symbol, unknown> | undefined
      // Records below the level, and records that bring their own site, cost no stack capture.
      if (level > logger.level || (typeof last === 'object' && last !== null && CALLSITE in last)) return original.apply(this, args)
      const previous = pendingSite
      pendingSite = captureCallSite(method)
      try {
        return original.apply(this, args)
      } finally {
        pendingSite = previous
      }
    }
    ;(method as unknown as { raw: unknown }).raw = (original as unknown as { raw: unknown }).raw
    target[type] = method
  }
  return logger
}

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
    site = (wanted && pendingSite) || { function: '<unknown>', line: 0 }
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
  const err = error ? `\n    ${continuation((error as { stack?: string }).stack ?? '')}` : ''
  return `${time} ${String(level).toUpperCase().padEnd(5)} [${module ?? '-'}] ${continuation(String(msg))}${extras.length ? ' ' + escapeControl(extras.join(' ')) : ''} (request_id=${request_id ?? '-'} ${fn}:${line})${err}\n`
}

const structuredFrames = (_error: Error, frames: NodeJS.CallSite[]) => frames

/** The frame that called `fn` (structured frames: no stack string is built). */
function captureCallSite(fn: Function): CallSite | undefined {
  const holder: { stack?: NodeJS.CallSite[] } = {}
  const { stackTraceLimit, prepareStackTrace } = Error
  Error.stackTraceLimit = 1
  Error.prepareStackTrace = structuredFrames
  Error.captureStackTrace(holder, fn)
  const frame = holder.stack?.[0]
  Error.prepareStackTrace = prepareStackTrace
  Error.stackTraceLimit = stackTraceLimit
  if (!frame) return undefined
  const file = frame.getFileName() ?? undefined
  // An arrow or anonymous function is named by its file (`startup.ts`), which says more than `<anonymous>`.
  const name = frame.getFunctionName() || frame.getMethodName() || (file ? file.replace(/[?#].*$/, '').split(/[\\/]/).pop() : undefined) || '<anonymous>'
  return { function: name, line: frame.getLineNumber() ?? 0, file }
}

/** `new Date().toISOString()`, formatted at most once per millisecond (the access log asks per request). */
function isoNow(): string {
  const now = Date.now()
  if (now !== lastMs) {
    lastMs = now
    lastIso = new Date(now).toISOString()
  }
  return lastIso
}
let lastMs = -1
let lastIso = ''

/**
 * A string as a JSON literal: quoted as is when it is printable ASCII without `"` or `\\`, else
 * `JSON.stringify`. A loop, not a regex: the regex cost more than the rest of the record.
 */
function jsonString(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return JSON.stringify(text)
  }
  return `"${text}"`
}

/** A duration in ms with one decimal, as `JSON.stringify` writes it (`3`, `0.4`), from integers only. */
function tenths(ms: number): string {
  const t = Math.round(ms * 10)
  if (!Number.isSafeInteger(t) || t < 0) return String(ms)
  const whole = Math.floor(t / 10)
  const digit = t - whole * 10
  return digit === 0 ? `${whole}` : `${whole}.${digit}`
}

/**
 * A multi-line message (dskity's own errors list their problems one per line) keeps its lines, each
 * continuation indented by four spaces: no line of a record can pass for a new record, which always
 * starts with a timestamp. Other control characters (CR included) are written as `\xNN`.
 */
function continuation(text: string): string {
  const escaped = escapeChars(text, CONTROL_BUT_LF)
  return escaped.includes('\n') ? escaped.replace(/\n/g, '\n    ') : escaped
}

/** Single-line fields (the access log's path, `key=value` extras): every control character as `\xNN`. */
function escapeControl(text: string): string {
  return escapeChars(text, CONTROL)
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_LF = /[\u0000-\u0009\u000b-\u001f\u007f]/g

/** `text` with every character `pattern` (global) matches written as `\xNN`. */
function escapeChars(text: string, pattern: RegExp): string {
  pattern.lastIndex = 0
  return pattern.test(text) ? text.replace(pattern, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`) : text
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value)
  } catch {
    // BigInt values (or a cycle): retry with a replacer only then — a replacer slows every call.
    try {
      return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))
    } catch {
      return String(value)
    }
  }
}
