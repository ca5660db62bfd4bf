import { afterEach, describe, expect, it } from 'vitest'
import {
  ACME_KEY,
  ACME_SECOND_KEY,
  GLOBEX_KEY,
  T0,
  T0_SECONDS,
  twoTenantFixture,
} from './helpers/fixtures.js'
import { startServer, type TestResponse, type TestServer } from './helpers/server.js'
import { TOO_MANY_TEXT, UNAUTHORIZED_TEXT } from './helpers/wire.js'

const LIMIT = 3

let server: TestServer | undefined
/** The server's clock, in epoch milliseconds; tests move it forward by hand. */
let clock = T0

async function start(rateLimit = LIMIT) {
  clock = T0
  server = await startServer({ fixture: twoTenantFixture(), rateLimit, now: () => clock })
  return server
}
afterEach(async () => {
  await server?.close()
  server = undefined
})

const get = (path: string, key: string | null = ACME_KEY) => server!.request('GET', path, { key })
const header = (res: TestResponse, name: string) => res.headers.get(name)
const limits = (res: TestResponse) => ({
  limit: header(res, 'x-ratelimit-limit'),
  remaining: header(res, 'x-ratelimit-remaining'),
  reset: header(res, 'x-ratelimit-reset'),
})

describe('rate limit per API key', () => {
  it('counts down X-RateLimit-Remaining with the limit and reset on every answer', async () => {
    await start()
    const answers = [await get('/v1/chats'), await get('/v1/agents'), await get('/v1/customers')]
    expect(answers.map((res) => res.status)).toEqual([200, 200, 200])
    expect(answers.map(limits)).toEqual([
      { limit: '3', remaining: '2', reset: String(T0_SECONDS + 60) },
      { limit: '3', remaining: '1', reset: String(T0_SECONDS + 60) },
      { limit: '3', remaining: '0', reset: String(T0_SECONDS + 60) },
    ])
  })

  it('sends a reset in UNIX seconds, in the future and within the window', async () => {
    await start()
    clock = T0 + 12_345
    const res = await get('/v1/organization')
    const reset = Number(header(res, 'x-ratelimit-reset'))
    expect(Number.isInteger(reset)).toBe(true)
    expect(reset).toBeGreaterThan(clock / 1000)
    expect(reset).toBeLessThanOrEqual(Math.ceil((clock + 60_000) / 1000))
  })

  it('puts the headers on 400 and 404 answers too, and counts them', async () => {
    await start()
    const bad = await get('/v1/customers?limit=0')
    expect(bad.status).toBe(400)
    expect(limits(bad)).toMatchObject({ limit: '3', remaining: '2' })
    const missing = await get('/v1/customers/999999')
    expect(missing.status).toBe(404)
    expect(limits(missing)).toMatchObject({ limit: '3', remaining: '1' })
    const unknownChat = await server!.request('PUT', '/v1/chats/readByAgent', {
      body: { id: 5208, read: true },
    })
    expect(unknownChat.status).toBe(404)
    expect(limits(unknownChat)).toMatchObject({ limit: '3', remaining: '0' })
  })

  it('answers the request past the limit with 429, the exact body and Retry-After', async () => {
    await start()
    for (let i = 0; i < LIMIT; i += 1) expect((await get('/v1/chats')).status).toBe(200)
    clock = T0 + 10_500
    const res = await get('/v1/chats')
    expect(res.status).toBe(429)
    expect(res.text).toBe(TOO_MANY_TEXT)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    // 49.5 seconds are left in the window: whole seconds, rounded up.
    expect(header(res, 'retry-after')).toBe('50')
    expect(limits(res)).toEqual({ limit: '3', remaining: '0', reset: String(T0_SECONDS + 60) })
  })

  it('sends a Retry-After of at least one second at the very end of the window', async () => {
    await start()
    for (let i = 0; i < LIMIT; i += 1) await get('/v1/chats')
    clock = T0 + 59_999
    const res = await get('/v1/chats')
    expect(res.status).toBe(429)
    expect(header(res, 'retry-after')).toBe('1')
  })

  it('refuses writes past the limit without applying them', async () => {
    await start()
    for (let i = 0; i < LIMIT; i += 1) await get('/v1/organization')
    const res = await server!.request('POST', '/v1/customers', { body: { name: 'Late' } })
    expect(res.status).toBe(429)
    const count = await server!.db.get<{ n: number }>(
      "SELECT count(*) AS n FROM customers WHERE name = 'Late'",
    )
    expect(count?.n).toBe(0)
  })

  it('gives every API key its own budget', async () => {
    await start()
    for (let i = 0; i < LIMIT; i += 1) await get('/v1/chats')
    expect((await get('/v1/chats')).status).toBe(429)
    const second = await get('/v1/chats', ACME_SECOND_KEY)
    expect(second.status).toBe(200)
    expect(limits(second)).toMatchObject({ limit: '3', remaining: '2' })
    const other = await get('/v1/chats', GLOBEX_KEY)
    expect(other.status).toBe(200)
    expect(limits(other)).toMatchObject({ remaining: '2' })
    expect((await get('/v1/chats')).status).toBe(429)
  })

  it('serves requests again once the window has passed', async () => {
    await start()
    for (let i = 0; i < LIMIT; i += 1) await get('/v1/chats')
    clock = T0 + 59_000
    expect((await get('/v1/chats')).status).toBe(429)
    clock = T0 + 60_000
    const res = await get('/v1/chats')
    expect(res.status).toBe(200)
    expect(limits(res)).toEqual({ limit: '3', remaining: '2', reset: String(T0_SECONDS + 120) })
  })
})

describe('rate limit on failed authentication', () => {
  it('answers the bad-key request past the limit with 429 instead of 401', async () => {
    await start()
    for (let i = 0; i < LIMIT; i += 1) {
      const res = await get('/v1/chats', `guess-${i}`)
      expect(res.status).toBe(401)
      expect(res.text).toBe(UNAUTHORIZED_TEXT)
    }
    const res = await get('/v1/chats', 'guess-last')
    expect(res.status).toBe(429)
    expect(res.text).toBe(TOO_MANY_TEXT)
    expect(Number(header(res, 'retry-after'))).toBeGreaterThanOrEqual(1)
  })

  it('counts requests without any key against the same address', async () => {
    await start()
    for (let i = 0; i < LIMIT; i += 1) expect((await get('/v1/chats', null)).status).toBe(401)
    expect((await get('/v1/chats', 'still-guessing')).status).toBe(429)
  })

  it('leaves valid keys their own budget and recovers after the window', async () => {
    await start()
    for (let i = 0; i <= LIMIT; i += 1) await get('/v1/chats', `guess-${i}`)
    const valid = await get('/v1/chats')
    expect(valid.status).toBe(200)
    expect(limits(valid)).toMatchObject({ remaining: '2' })
    clock = T0 + 60_000
    expect((await get('/v1/chats', 'guess-again')).status).toBe(401)
  })
})

describe('rate limit turned off', () => {
  it('serves every request and sends no X-RateLimit headers with rateLimit 0', async () => {
    await start(0)
    for (let i = 0; i < 10; i += 1) {
      const res = await get('/v1/chats')
      expect(res.status).toBe(200)
      expect(limits(res)).toEqual({ limit: null, remaining: null, reset: null })
      expect(header(res, 'retry-after')).toBeNull()
    }
    for (let i = 0; i < 10; i += 1) expect((await get('/v1/chats', 'bad')).status).toBe(401)
  })
})
