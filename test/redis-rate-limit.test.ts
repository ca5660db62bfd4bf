import { afterEach, describe, expect, it } from 'vitest'
import { loadServerConfig } from '../src/server/config.js'
import { RedisRateLimitStore } from '../src/server/shared-state/redis-rate-limit-store.js'
import { acmeFixture } from './helpers/fixtures.js'
import {
  REDIS_URL,
  redisPrefix,
  sharedCount,
  startRedisRelay,
  type RedisRelay,
} from './helpers/redis.js'
import { startServer } from './helpers/server.js'
import { eventually } from './helpers/wait.js'

const cleanup: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close()
})

async function server(redis: { url: string; keyPrefix: string }, rateLimit: number) {
  const started = await startServer({ fixture: acmeFixture(), rateLimit, redis })
  cleanup.push(() => started.close())
  return started
}

async function relay(): Promise<RedisRelay> {
  const started = await startRedisRelay()
  cleanup.push(() => started.close())
  return started
}

const BUCKET = 'key:1'

describe.runIf(REDIS_URL)('rate limits shared through Redis', () => {
  it('holds one limit for two servers that share Redis', async () => {
    const redis = { url: REDIS_URL!, keyPrefix: redisPrefix() }
    const a = await server(redis, 4)
    const b = await server(redis, 4)
    const answers = []
    for (const target of [a, b, a, b, a, b]) answers.push(await target.request('GET', '/v1/chats'))
    expect(answers.map((res) => res.status)).toEqual([200, 200, 200, 200, 429, 429])
    expect(answers.map((res) => res.headers.get('x-ratelimit-remaining'))).toEqual([
      '3',
      '2',
      '1',
      '0',
      '0',
      '0',
    ])
    expect(Number(answers[4]!.headers.get('retry-after'))).toBeGreaterThan(0)
    // Both servers name the same window end: Redis's, not each process's own.
    const resets = new Set(answers.map((res) => res.headers.get('x-ratelimit-reset')))
    expect(resets.size).toBeLessThanOrEqual(2) // at most a second's rounding apart
    expect(await sharedCount(redis.keyPrefix, BUCKET)).toBe(6)
  })

  it('serves every request while Redis is unreachable, then shares counts again', async () => {
    const gate = await relay()
    const redis = { url: gate.url, keyPrefix: redisPrefix() }
    const target = await server(redis, 1000)
    for (let i = 0; i < 5; i++) expect((await target.request('GET', '/v1/chats')).status).toBe(200)
    expect(await sharedCount(redis.keyPrefix, BUCKET)).toBe(5)

    await gate.cut()
    const during = await Promise.all(
      Array.from({ length: 30 }, () =>
        target.request('PUT', '/v1/chats/readByAgent', {
          body: { id: 2, read: true },
        }),
      ),
    )
    expect(during.map((res) => res.status)).toEqual(during.map(() => 200))
    expect(during.every((res) => res.headers.get('x-ratelimit-limit') === '1000')).toBe(true)

    await gate.restore()
    await eventually(async () => {
      expect((await target.request('GET', '/v1/chats')).status).toBe(200)
      return (await sharedCount(redis.keyPrefix, BUCKET)) > 5
    })
  })

  it('says once that it counts locally, and once that sharing is back', async () => {
    const gate = await relay()
    const log = { warn: [] as string[], info: [] as string[] }
    const store = new RedisRateLimitStore({
      url: gate.url,
      keyPrefix: redisPrefix(),
      log: { warn: (m) => log.warn.push(m), info: (m) => log.info.push(m) },
      retryAfterFailureMs: 50,
    })
    cleanup.push(() => store.close())
    await store.connect()
    expect(store.shared).toBe(true)
    expect((await store.hit('k', 60_000, Date.now())).count).toBe(1)

    await gate.cut()
    const local = []
    for (let i = 0; i < 10; i++) local.push((await store.hit('k', 60_000, Date.now())).count)
    // Counted in this process's memory from the cut on: nothing is lost, nothing waits.
    expect(local).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(log.warn).toHaveLength(1)
    expect(log.warn[0]).toMatch(/cannot be reached.*each process counts rate limits on its own/)
    expect(log.warn[0]).toContain(gate.url)

    await gate.restore()
    await eventually(async () => {
      await store.hit('k', 60_000, Date.now())
      return store.shared
    })
    expect(log.info).toEqual([`Redis at ${gate.url} is back: rate limits are shared again.`])
    // The Redis count went on from where it was before the cut.
    expect((await store.hit('k', 60_000, Date.now())).count).toBeGreaterThanOrEqual(2)
    expect(log.warn).toHaveLength(1)
  })

  it('starts without Redis, limits each process on its own, and says so', async () => {
    const gate = await relay()
    await gate.cut()
    const target = await server({ url: gate.url, keyPrefix: redisPrefix() }, 2)
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await target.request('GET', '/v1/chats')).status)
    expect(statuses).toEqual([200, 200, 429])
  })
})

describe('the --redis setting', () => {
  it('takes a redis:// URL from the flag or REDIS_URL, and none by default', () => {
    expect(loadServerConfig({}, {}).redisUrl).toBeNull()
    expect(loadServerConfig({}, { REDIS_URL: 'redis://cache:6379/2' }).redisUrl).toBe(
      'redis://cache:6379/2',
    )
    expect(loadServerConfig({ redis: 'rediss://h:6380' }, {}).redisUrl).toBe('rediss://h:6380')
    expect(loadServerConfig({}, {}).redisPrefix).toBe('opencrunch:')
  })

  it('refuses anything else, naming the setting and hiding the password', () => {
    expect(() => loadServerConfig({ redis: 'http://u:secret@cache:6379' }, {})).toThrow(
      '--redis / REDIS_URL must be a redis:// or rediss:// URL, such as redis://127.0.0.1:6379; got "http://u:***@cache:6379".',
    )
  })
})
