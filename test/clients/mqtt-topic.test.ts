import { describe, expect, it } from 'vitest'
import { assertPublishTopic, compileTopicFilter, topicMatches } from '../../src/clients/mqtt-topic.ts'

describe('MQTT topic filters (spec §4.7)', () => {
  it.each([
    // filter, topic, matches
    ['sport/tennis/player1', 'sport/tennis/player1', true],
    ['sport/tennis/player1', 'sport/tennis/player2', false],
    ['sport/tennis/player1/#', 'sport/tennis/player1', true], // `#` includes the parent level
    ['sport/tennis/player1/#', 'sport/tennis/player1/ranking', true],
    ['sport/tennis/player1/#', 'sport/tennis/player1/score/wimbledon', true],
    ['sport/#', 'sport', true],
    ['sport/#', 'sports', false],
    ['#', 'anything/at/all', true],
    ['#', '/leading/slash', true],
    ['sport/tennis/+', 'sport/tennis/player1', true],
    ['sport/tennis/+', 'sport/tennis/player1/ranking', false],
    ['sport/+', 'sport', false],
    ['sport/+', 'sport/', true], // `+` matches an empty level
    ['+/+', '/finance', true],
    ['/+', '/finance', true],
    ['+', '/finance', false],
    ['+/tennis/#', 'sport/tennis', true],
    ['Sport', 'sport', false], // case-sensitive
    ['#', '$SYS/broker/uptime', false], // `$` topics need an explicit first level
    ['+/monitor/Clients', '$SYS/monitor/Clients', false],
    ['$SYS/#', '$SYS/monitor/Clients', true],
    ['$SYS/monitor/+', '$SYS/monitor/Clients', true],
    ['$share/workers/jobs/+', 'jobs/1', true], // shared subscription: matched by its filter
  ] as const)('%s vs %s → %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected)
  })

  it.each(['', 'sport/tennis#', 'sport/#/ranking', 'sport+', 'sport/+tennis', '#/', '$share/g', '$share//x'])(
    'rejects the invalid filter %j with a message saying what to do',
    (filter) => {
      expect(() => compileTopicFilter(filter)).toThrow(/invalid MQTT topic filter/)
    },
  )

  it('rejects publishing to wildcard or empty topics', () => {
    expect(() => assertPublishTopic('a/+')).toThrow(/wildcards for subscriptions only/)
    expect(() => assertPublishTopic('a/#')).toThrow(/wildcards/)
    expect(() => assertPublishTopic('')).toThrow(/empty/)
    expect(() => assertPublishTopic('a/b')).not.toThrow()
  })
})
