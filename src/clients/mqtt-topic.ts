/**
 * MQTT topic filters (MQTT 3.1.1 §4.7 / 5.0 §4.7): `+` matches exactly one level (which may be
 * empty), `#` matches the parent level and any number of levels below it and must be last;
 * topics starting with `$` are not matched by a filter starting with `+` or `#`.
 * `$share/<group>/<filter>` is matched as `<filter>`.
 */

/** A filter parsed once, matched many times. */
export interface TopicMatcher {
  readonly filter: string
  matches(topic: string): boolean
}

/**
 * Parses and validates a topic filter; throws a message saying what is wrong with it.
 *
 * @example
 * const m = compileTopicFilter('sensors/+/temp/#')
 * m.matches('sensors/kitchen/temp')        // true
 * m.matches('sensors/kitchen/temp/c/raw')  // true
 * m.matches('sensors/kitchen/humidity')    // false
 */
export function compileTopicFilter(filter: string): TopicMatcher {
  const problem = filterProblem(filter)
  if (problem) throw new Error(`[dskity] invalid MQTT topic filter "${filter}": ${problem}`)
  const levels = stripShare(filter).split('/')
  const wildFirst = levels[0] === '+' || levels[0] === '#'
  return {
    filter,
    matches: (topic) => (wildFirst && topic.startsWith('$') ? false : matchLevels(levels, topic.split('/'))),
  }
}

/**
 * Whether `topic` matches `filter` (compiles the filter each call; prefer `compileTopicFilter`).
 *
 * @example
 * topicMatches('home/#', 'home')          // true: `#` includes the parent level
 * topicMatches('#', '$SYS/broker/uptime') // false: `$` topics need an explicit first level
 */
export function topicMatches(filter: string, topic: string): boolean {
  return compileTopicFilter(filter).matches(topic)
}

/**
 * Throws unless `topic` is a valid topic name to publish to (non-empty, no wildcards, no NUL).
 *
 * @example
 * assertPublishTopic('orders/created') // ok
 * assertPublishTopic('orders/+')       // throws: wildcards are for subscriptions only
 */
export function assertPublishTopic(topic: string): void {
  if (topic.length === 0) throw new Error('[dskity] cannot publish to an empty MQTT topic; give a topic name like "orders/created"')
  if (/[+#]/.test(topic)) throw new Error(`[dskity] cannot publish to "${topic}": \`+\` and \`#\` are wildcards for subscriptions only; publish to a concrete topic`)
  if (topic.includes('\u0000')) throw new Error(`[dskity] cannot publish to "${topic}": topic names must not contain NUL`)
}

// --- internal ---

function stripShare(filter: string): string {
  if (!filter.startsWith('$share/')) return filter
  const rest = filter.slice('$share/'.length)
  const slash = rest.indexOf('/')
  return slash === -1 ? '' : rest.slice(slash + 1)
}

function filterProblem(filter: string): string | undefined {
  if (filter.length === 0) return 'it is empty; use "#" to receive every topic'
  if (filter.includes('\u0000')) return 'it contains NUL'
  if (filter.startsWith('$share/') && !/^\$share\/[^/+#]+\/./.test(filter)) {
    return 'a shared subscription is "$share/<group>/<filter>" with a non-empty group and filter'
  }
  const levels = stripShare(filter).split('/')
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) {
      return '`#` must be a whole level and the last one (e.g. "sensors/#")'
    }
    if (level.includes('+') && level !== '+') return '`+` must be a whole level (e.g. "sensors/+/temp")'
  }
  return undefined
}

function matchLevels(filter: string[], topic: string[]): boolean {
  for (let i = 0; i < filter.length; i++) {
    const f = filter[i]
    if (f === '#') return true
    if (i >= topic.length) return false
    if (f !== '+' && f !== topic[i]) return false
  }
  return filter.length === topic.length
}
