import { z } from 'zod'

/**
 * The schema of dskity's configuration: the single source of truth for keys, types, defaults and
 * documentation (`docs/configuration.md` is generated from it). Runtime-safe: no file system.
 */

const str = (d: string, doc: string) => z.string().default(d).describe(doc)
const num = (d: number, doc: string, min = 0) => z.number().min(min).default(d).describe(doc)
const port = (d: number, doc: string) => z.number().int().min(0).max(65535).default(d).describe(doc)
const bool = (d: boolean, doc: string) => z.boolean().default(d).describe(doc)
const strList = (d: string[], doc: string) => z.array(z.string()).default(d).describe(doc)

// What Node accepts in a response header (checked here so a bad value fails at startup, naming its key,
// instead of failing every response).
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/
const HEADER_NAME = /^[\^_`a-zA-Z\-0-9!#$%&'*+.|~]+$/
// Headers that describe one message's framing or body: a fixed value on every response would
// desynchronise keep-alive connections (a global `Content-Length: 0`) or mislabel bodies.
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'trailer', 'te', 'content-type', 'content-encoding', 'date'])
const headerValue = () => z.string().regex(HEADER_VALUE, 'must be a valid header value: no line breaks or control characters')
const headerStr = (d: string, doc: string) => headerValue().default(d).describe(doc)
const headerList = (d: string[], doc: string) => z.array(headerValue()).default(d).describe(doc)

/** The values of `common.logging.level` (also what `--log-level` accepts). */
export const LOG_LEVELS = ['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const

const registrySchema = z
  .object({
    enabled: bool(true, 'Advertise this instance in the KV store and serve /_core/services.'),
    ttlSeconds: num(60, 'TTL of this instance\'s registry record, in seconds.', 1),
    heartbeatIntervalSeconds: num(30, 'How often the registry record is refreshed, in seconds.', 0.1),
  })
  .strict()

const mqttSchema = z
  .object({
    enabled: bool(false, 'Connect one shared MQTT client (`clients.mqtt`).'),
    broker: str('mqtt://localhost', 'Broker URL (mqtt://, mqtts://, ws://).'),
    port: port(1883, 'Broker port.'),
    username: z.string().nullable().default(null).describe('Broker user name.'),
    password: z.string().nullable().default(null).describe('Broker password.'),
    clientId: z.string().nullable().default(null).describe('Client id; generated when null.'),
    reconnectPeriodMs: num(1000, 'First reconnect delay; doubles up to 30 s (0 would turn reconnecting off, so at least 100).', 100),
    connectTimeoutSeconds: num(5, 'Connect timeout, and the longest wait for a publish acknowledgement, in seconds.', 0.1),
  })
  .strict()

const grpcSchema = z
  .object({
    enabled: bool(false, 'Start one shared gRPC server (`clients.grpc`).'),
    port: port(50051, 'gRPC server port.'),
    host: str('0.0.0.0', 'gRPC server bind address.'),
  })
  .strict()

const corsSchema = z
  .object({
    enabled: bool(false, 'Answer CORS preflights and add CORS headers.'),
    allowOrigins: headerList(['*'], 'Allowed origins; `*` for any (never sent together with credentials).'),
    allowMethods: headerList(['*'], 'Allowed methods.'),
    allowHeaders: headerList(['*'], 'Allowed request headers.'),
    exposeHeaders: headerList([], 'Response headers exposed to the browser.'),
    allowCredentials: bool(false, 'Send `Access-Control-Allow-Credentials: true`; needs an explicit `allowOrigins` list.'),
    maxAge: num(600, 'Preflight cache time, in seconds.'),
  })
  .strict()

const securityHeadersSchema = z
  .object({
    enabled: bool(false, 'Add security headers to every response.'),
    xContentTypeOptions: headerStr('nosniff', 'X-Content-Type-Options.'),
    xFrameOptions: headerStr('DENY', 'X-Frame-Options.'),
    referrerPolicy: headerStr('strict-origin-when-cross-origin', 'Referrer-Policy.'),
    xXssProtection: headerStr('1; mode=block', 'X-XSS-Protection.'),
    strictTransportSecurity: headerValue()
      .nullable()
      .default('max-age=31536000; includeSubDomains')
      .describe('Strict-Transport-Security; null to omit.'),
    contentSecurityPolicy: headerValue()
      .nullable()
      .default("default-src 'none'; frame-ancestors 'none'")
      .describe('Content-Security-Policy; null to omit.'),
    customHeaders: z
      .record(
        z
          .string()
          .regex(HEADER_NAME, 'must be a valid header name (letters, digits and !#$%&\'*+-.^_`|~)')
          .refine((name) => !FRAMING_HEADERS.has(name.toLowerCase()), 'is set per response by the server (message framing / content type); it cannot be a header on every response'),
        headerValue(),
      )
      .default({})
      .describe('Extra headers, names kept exactly as written.'),
  })
  .strict()

const healthSchema = z
  .object({
    enabled: bool(true, 'Serve the liveness and readiness endpoints.'),
    pathPrefix: z
      .string()
      .regex(/^(\/[A-Za-z0-9._~!$&'()*+,;=:@-]+)+$/, 'must be a path starting with `/`, without a trailing `/`, query or spaces (e.g. `/health`, `/_system/health`)')
      .default('/health')
      .describe('Prefix of `/live` and `/ready`.'),
    probeTimeoutSeconds: num(1, 'Timeout of each readiness probe, in seconds.'),
  })
  .strict()

const loggingSchema = z
  .object({
    format: z.enum(['text', 'json']).default('text').describe('`text` for people, `json` for log shippers.'),
    level: z
      .enum(LOG_LEVELS)
      .default('info')
      .describe('Lowest level written.'),
    accessLog: bool(true, 'Write one `info` record per request.'),
    callSite: z
      .enum(['all', 'warn', 'off'])
      .default('all')
      .describe('When log records capture their caller (function/line): every record, warn and above only, or never.'),
  })
  .strict()

const resolverSchema = z
  .object({
    timeoutSeconds: num(5.0, 'Total time `resolve()` may take, in seconds.'),
    retries: num(3, 'Retries with exponential backoff before `resolve()` fails.'),
  })
  .strict()

const adminSchema = z
  .object({
    enabled: bool(true, 'Serve `/_core/*`; off → 404.'),
    showConfig: bool(false, 'Serve `/_core/config(.json)`.'),
    maskSecrets: bool(true, 'Replace secrets in config output with `***`.'),
    token: z.string().nullable().default(null).describe('When set, `Authorization: Bearer <token>` is required.'),
  })
  .strict()

const httpClientSchema = z
  .object({
    timeoutSeconds: num(10.0, 'Request timeout, in seconds.'),
    maxConnections: num(100, 'Connections per origin.'),
    maxKeepaliveConnections: num(20, 'Idle keep-alive connections kept per origin.'),
  })
  .strict()

const httpSchema = z
  .object({
    maxBodyBytes: num(1024 * 1024, 'Largest request body accepted; larger → 413.', 1),
  })
  .strict()

const shutdownSchema = z
  .object({
    graceSeconds: num(30, 'How long in-flight requests may run after SIGTERM.'),
    hookTimeoutSeconds: num(10, 'Timeout of each shutdown hook, in seconds.'),
  })
  .strict()

const lifecycleSchema = z
  .object({
    startupTimeoutSeconds: num(30, 'Timeout of each startup hook, in seconds.'),
    listenerTimeoutSeconds: num(30, 'Timeout of each event listener, in seconds.'),
  })
  .strict()

const commonSchema = z
  .object({
    internalBaseUrl: str('http://127.0.0.1:8000', 'Base URL for calls to this service from inside (shown in `/_core/config`); derived from the listen address when not set.'),
    advertiseUrl: str('http://127.0.0.1:8000', 'URL advertised in the registry; derived from the listen address when not set.'),
    registry: registrySchema.prefault({}),
    mqtt: mqttSchema.prefault({}),
    grpc: grpcSchema.prefault({}),
    cors: corsSchema.prefault({}),
    securityHeaders: securityHeadersSchema.prefault({}),
    health: healthSchema.prefault({}),
    logging: loggingSchema.prefault({}),
    resolver: resolverSchema.prefault({}),
    admin: adminSchema.prefault({}),
    httpClient: httpClientSchema.prefault({}),
    http: httpSchema.prefault({}),
    shutdown: shutdownSchema.prefault({}),
    lifecycle: lifecycleSchema.prefault({}),
  })
  .strict()

const kvSchema = z
  .object({
    store: z.enum(['inmemory', 'redis', 'consul', 'ring']).default('inmemory').describe('KV backend.'),
    defaultTtlSeconds: num(60, 'TTL of the framework\'s own records and of writes that ask for the default.', 1),
    redis: z
      .object({
        url: str('redis://127.0.0.1:6379/0', 'Redis URL.'),
        keyPrefix: str('dskity', 'Prefix of every key.'),
      })
      .strict()
      .prefault({}),
    consul: z
      .object({
        url: str('http://127.0.0.1:8500', 'Consul HTTP API URL.'),
        keyPrefix: str('dskity', 'Prefix of every key.'),
        token: z.string().nullable().default(null).describe('ACL token (X-Consul-Token).'),
      })
      .strict()
      .prefault({}),
    ring: z
      .object({
        nodes: z
          .array(z.string())
          .default([])
          .describe('Node specs: `memory:<name>`, `redis://…`, `consul+http://…`.'),
        virtualNodes: num(160, 'Virtual nodes per node.', 1),
      })
      .strict()
      .prefault({}),
  })
  .strict()

export const moduleEntrySchema = z
  .object({
    enabled: bool(true, 'Start this module.'),
    settings: z.unknown().optional().describe('Validated by the module\'s own schema; keys kept as written.'),
  })
  .strict()

export const configSchema = z
  .object({
    name: str('my-service', 'Service name (registry, `GET /`).'),
    version: str('0.0.0', 'Service version shown by `GET /`.'),
    modulesSearchPaths: strList(['modules'], 'Folders (relative to the config file) and npm packages holding modules.'),
    common: commonSchema.prefault({}),
    kv: kvSchema.prefault({}),
    modules: z
      .record(z.string(), moduleEntrySchema)
      .default({ health: { enabled: true } })
      .describe('Per-module `enabled` and `settings`.'),
  })
  .strict()

/** What a user writes in `dskity.config.*`: every key optional. */
export type DskityConfig = DeepPartial<z.input<typeof configSchema>>
/** The resolved, validated configuration. */
export type DskityOptions = z.output<typeof configSchema>

type DeepPartial<T> = T extends (infer U)[]
  ? U[]
  : T extends Record<string, unknown>
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T
