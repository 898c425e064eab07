import { DskityError, ErrorCodes } from '../errors.ts'
import { randomBytes } from 'node:crypto'
import mqtt, { type IClientPublishOptions, type MqttClient as RawMqttClient } from 'mqtt'
import type { DskityOptions } from '../config/schema.ts'
import type { Logger } from './logger.ts'
import { assertPublishTopic, compileTopicFilter, type TopicMatcher } from './mqtt-topic.ts'

/** Config of the shared MQTT client (`common.mqtt`). */
export type MqttOptions = DskityOptions['common']['mqtt']

/** Called with the raw payload and the concrete topic a message arrived on. */
export type MqttHandler = (payload: Buffer, topic: string) => unknown
/** Called with the parsed JSON payload; messages that are not JSON are logged and skipped. */
export type MqttJsonHandler = (data: unknown, topic: string) => unknown
/** QoS of publishes and subscriptions. */
export type MqttPublishOptions = Pick<IClientPublishOptions, 'qos' | 'retain'>

/** The shared MQTT client (SPEC §3). */
export interface MqttClient {
  /** Adds a handler for a topic filter (`+`/`#` allowed); resolves to its unsubscribe function. */
  subscribe(filter: string, handler: MqttHandler, opts?: { qos?: 0 | 1 | 2 }): Promise<() => Promise<void>>
  subscribeJson(filter: string, handler: MqttJsonHandler, opts?: { qos?: 0 | 1 | 2 }): Promise<() => Promise<void>>
  /** Publishes now; rejects when not connected (nothing is queued in memory). */
  publish(topic: string, payload: string | Buffer, opts?: MqttPublishOptions): Promise<void>
  publishJson(topic: string, value: unknown, opts?: MqttPublishOptions): Promise<void>
  /** Connected and every subscription re-established. */
  readonly connected: boolean
  waitConnected(timeoutMs: number): Promise<void>
  /** Readiness probe: throws `MQTT not connected to <broker>` while down. */
  probe(): Promise<void>
  /** Clean disconnect; stops reconnecting. Idempotent. */
  close(): Promise<void>
  /** The underlying mqtt.js client, for what this wrapper does not cover. */
  readonly raw: RawMqttClient
}

const MAX_BACKOFF_MS = 30_000

/**
 * Connects one mqtt.js client (MQTT 3.1.1, clean session) and keeps it connected: reconnects with
 * backoff (`reconnectPeriodMs`, doubling up to 30 s, reset on success) and re-subscribes every
 * filter after each reconnect (done here rather than by mqtt.js, so filters added while offline
 * are covered too). Connect errors are logged, never thrown; a throwing handler is logged.
 *
 * @example
 * const mqtt = createMqttClient(options.common.mqtt, { logger })
 * const stop = await mqtt.subscribeJson('orders/+/created', (order, topic) => handle(order))
 * await mqtt.publishJson('orders/42/created', { id: '42' }, { qos: 1 })
 * await stop()
 * await mqtt.close()
 */
export function createMqttClient(opts: MqttOptions, { logger }: { logger: Logger }): MqttClient {
  const url = new URL(opts.broker)
  if (!url.port) url.port = String(opts.port) // a port in the URL wins over `port` (always defaulted)
  const broker = url.toString().replace(/\/$/, '')
  const subs = new Map<string, Subscription>()
  let ready = false
  let closing: Promise<void> | undefined
  let quietErrors = false
  const waiters = new Set<() => void>()

  const client = mqtt.connect(broker, {
    clientId: opts.clientId ?? `dskity-${randomBytes(6).toString('hex')}`,
    username: opts.username ?? undefined,
    password: opts.password ?? undefined,
    // Subscriptions are restored by the 'connect' handler below; nothing is queued while offline.
    clean: true, resubscribe: false, queueQoSZero: false,
    reconnectPeriod: opts.reconnectPeriodMs,
    // A refused CONNACK (broker starting up, credentials being rotated) is retried like any outage.
    reconnectOnConnackError: true,
    connectTimeout: opts.connectTimeoutSeconds * 1000,
  })

  client.on('connect', () => {
    client.options.reconnectPeriod = opts.reconnectPeriodMs
    quietErrors = false
    const filters = [...subs.values()]
    Promise.all(filters.map((s) => client.subscribeAsync(s.matcher.filter, { qos: s.qos })))
      .then(() => {
        if (!client.connected) return
        ready = true
        logger.info(`[dskity] MQTT connected to ${broker}${filters.length ? ` (${filters.length} subscriptions)` : ''}`)
        for (const wake of waiters) wake()
      })
      .catch((error: unknown) => logger.warn(`[dskity] MQTT re-subscribe on ${broker} failed; retrying on next connect:`, error))
  })
  client.on('reconnect', () => {
    client.options.reconnectPeriod = Math.min((client.options.reconnectPeriod ?? 1000) * 2, MAX_BACKOFF_MS)
  })
  client.on('close', () => {
    if (ready && !closing) logger.warn(`[dskity] MQTT connection to ${broker} lost; reconnecting`)
    ready = false
  })
  client.on('error', (error) => {
    // One warning per outage; the retries that follow are debug noise.
    if (quietErrors) return logger.debug(`[dskity] MQTT ${broker}:`, error.message)
    quietErrors = true
    logger.warn(`[dskity] MQTT error on ${broker} (retrying every ≤ ${MAX_BACKOFF_MS / 1000} s; check common.mqtt.broker/port/username/password and that the broker runs):`, error.message)
  })
  client.on('message', (topic, payload) => {
    for (const sub of subs.values()) {
      if (!sub.matcher.matches(topic)) continue
      for (const handler of sub.handlers) runHandler(handler, payload, topic, sub.matcher.filter, logger)
    }
  })

  const subscribe: MqttClient['subscribe'] = async (filter, handler, subOpts) => {
    if (closing) throw new Error(`[dskity] MQTT client for ${broker} is closed; cannot subscribe to "${filter}"`)
    const qos = subOpts?.qos ?? 0
    let sub = subs.get(filter)
    const fresh = !sub || qos > sub.qos
    if (!sub) subs.set(filter, (sub = { matcher: compileTopicFilter(filter), qos, handlers: new Set() }))
    sub.qos = Math.max(sub.qos, qos) as 0 | 1 | 2
    const entry: MqttHandler = (payload, topic) => handler(payload, topic)
    sub.handlers.add(entry)
    // Offline: the 'connect' handler subscribes every filter, so nothing is lost.
    if (fresh && client.connected) {
      const granted = await client.subscribeAsync(filter, { qos: sub.qos }).catch((error: unknown) => {
        logger.debug(`[dskity] MQTT subscribe "${filter}" interrupted; it is retried on reconnect:`, error)
        return []
      })
      if (granted.some((g) => g.qos === 128)) {
        sub.handlers.delete(entry)
        if (sub.handlers.size === 0) subs.delete(filter)
        throw new Error(`[dskity] the MQTT broker ${broker} refused the subscription to "${filter}"; check the broker's ACL for this client`)
      }
    }
    return async () => {
      const current = subs.get(filter)
      if (!current?.handlers.delete(entry) || current.handlers.size > 0) return
      subs.delete(filter)
      if (client.connected) await client.unsubscribeAsync(filter).catch((error: unknown) => logger.debug(`[dskity] MQTT unsubscribe "${filter}":`, error))
    }
  }

  const publish: MqttClient['publish'] = async (topic, payload, pubOpts) => {
    assertPublishTopic(topic)
    if (!client.connected || closing) {
      throw new DskityError(ErrorCodes.MQTT_UNAVAILABLE, `MQTT not connected to ${broker}: message to "${topic}" not sent (the client reconnects in the background; retry later)`, { broker, topic })
    }
    // A broker that stops answering (stalled, half-open connection) must not park the caller until
    // the keepalive notices: the acknowledgement is awaited for connectTimeoutSeconds at most. The
    // message may still be delivered later (mqtt.js keeps it for resending); the caller is told it
    // is not known to be.
    const ms = opts.connectTimeoutSeconds * 1000
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DskityError(ErrorCodes.MQTT_UNAVAILABLE, `MQTT broker ${broker} did not acknowledge the message to "${topic}" within ${ms} ms; it may still be delivered later`, { broker, topic })), ms)
    })
    try {
      await Promise.race([client.publishAsync(topic, payload, { qos: pubOpts?.qos ?? 0, retain: pubOpts?.retain ?? false }), timedOut])
    } finally {
      clearTimeout(timer)
    }
  }

  return {
    subscribe,
    subscribeJson: (filter, handler, subOpts) => subscribe(filter, jsonHandler(filter, handler, logger), subOpts),
    publish,
    publishJson: (topic, value, pubOpts) => publish(topic, JSON.stringify(value), pubOpts),
    get connected() {
      return ready && client.connected
    },
    async waitConnected(timeoutMs) {
      if (ready && client.connected) return
      let wake = () => {}
      const timeout = `[dskity] MQTT did not connect to ${broker} within ${timeoutMs} ms; check common.mqtt.broker/port and that the broker runs`
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(timeout)), timeoutMs)
        waiters.add((wake = () => (clearTimeout(timer), resolve())))
      }).finally(() => waiters.delete(wake))
    },
    async probe() {
      if (!(ready && client.connected)) throw new Error(`MQTT not connected to ${broker}`)
    },
    close: () =>
      (closing ??= (async () => {
        ready = false
        // A clean DISCONNECT when connected; if the broker does not answer in 2 s, drop the socket and
        // stop waiting (the pending clean end may never settle once its broker is gone).
        let timer: NodeJS.Timeout | undefined
        const forced = new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            client.end(true)
            resolve()
          }, 2_000)
        })
        await Promise.race([client.endAsync(false).catch(() => {}), forced])
        clearTimeout(timer)
      })()),
    raw: client,
  }
}

// --- internal ---

type Subscription = { matcher: TopicMatcher; qos: 0 | 1 | 2; handlers: Set<MqttHandler> }

function runHandler(handler: MqttHandler, payload: Buffer, topic: string, filter: string, logger: Logger): void {
  const fail = (error: unknown) => logger.error(`[dskity] MQTT handler for "${filter}" failed on "${topic}":`, error)
  try {
    const result = handler(payload, topic)
    if (result instanceof Promise) result.catch(fail)
  } catch (error) {
    fail(error)
  }
}

function jsonHandler(filter: string, handler: MqttJsonHandler, logger: Logger): MqttHandler {
  return (payload, topic) => {
    let data: unknown
    try {
      data = JSON.parse(payload.toString('utf8'))
    } catch {
      return logger.warn(`[dskity] MQTT message on "${topic}" (filter "${filter}") is not valid JSON; skipped (${payload.length} bytes)`)
    }
    return handler(data, topic)
  }
}
