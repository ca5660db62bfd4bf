import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  ACME_KEY,
  ACME_SECOND_KEY,
  GLOBEX_KEY,
  T0,
  T0_SECONDS,
  twoTenantFixture,
} from './helpers/fixtures.js'
import { KEY_CACHE_MS, storeApiKey } from '../src/server/features/api-keys/api-keys.service.js'
import { startServer, type TestResponse, type TestServer } from './helpers/server.js'
import { UNAUTHORIZED_TEXT } from './helpers/wire.js'

const ROUTE_NOT_FOUND = {
  errors: [
    { code: 'invalid_request', message: 'Invalid request' },
    { code: 'not_found', message: 'Route not found' },
  ],
}
/** A fresh request id: this process's random prefix and a counter. */
const FRESH_ID = /^[0-9a-f]{8}-[0-9a-z]+$/

let server: TestServer
beforeEach(async () => {
  server = await startServer({ fixture: twoTenantFixture(), now: () => T0 })
})
afterEach(() => server.close())

/** GET /v1/organization with exactly this Authorization header (or none). */
const withAuthorization = (authorization: string | null) =>
  server.request('GET', '/v1/organization', {
    key: null,
    headers: authorization === null ? {} : { authorization },
  })
const customerTotal = async () =>
  (await server.request('GET', '/v1/customers')).body.total as number

function expectNoStackTrace(res: TestResponse) {
  expect(res.text).not.toMatch(/\bat .*:\d+:\d+|stack|node_modules|\.[jt]s\b|Error:/i)
}

describe('authentication', () => {
  it.each([
    ['no Authorization header', null],
    ['a Basic scheme', `Basic ${Buffer.from(`user:${ACME_KEY}`).toString('base64')}`],
    ['a Token scheme', `Token ${ACME_KEY}`],
    ['the key without a scheme', ACME_KEY],
    ['Bearer with no key', 'Bearer'],
    ['Bearer with empty brackets', 'Bearer <>'],
    ['Bearer with two words', `Bearer ${ACME_KEY} extra`],
    ['an unknown key', 'Bearer not-a-real-key'],
    ['a key differing in case', `Bearer ${ACME_KEY.toUpperCase()}`],
  ])('answers %s with the exact 401 body', async (_name, authorization) => {
    const res = await withAuthorization(authorization)
    expect(res.status).toBe(401)
    expect(res.text).toBe(UNAUTHORIZED_TEXT)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  })

  it('answers a revoked key with 401 while the other keys keep working', async () => {
    const hash = createHash('sha256').update(ACME_SECOND_KEY).digest('hex')
    const changed = await server.db.run('UPDATE api_keys SET revoked_at = ? WHERE key_hash = ?', [
      T0_SECONDS,
      hash,
    ])
    expect(changed).toBe(1)
    const revoked = await withAuthorization(`Bearer ${ACME_SECOND_KEY}`)
    expect(revoked.status).toBe(401)
    expect(revoked.text).toBe(UNAUTHORIZED_TEXT)
    expect((await withAuthorization(`Bearer ${ACME_KEY}`)).status).toBe(200)
  })

  it('stops accepting a key revoked after use within the key cache time', async () => {
    expect((await withAuthorization(`Bearer ${ACME_SECOND_KEY}`)).status).toBe(200)
    const hash = createHash('sha256').update(ACME_SECOND_KEY).digest('hex')
    await server.db.run('UPDATE api_keys SET revoked_at = 1 WHERE key_hash = ?', [hash])
    const started = Date.now()
    let status = 200
    while (status !== 401 && Date.now() - started < 3 * KEY_CACHE_MS) {
      status = (await withAuthorization(`Bearer ${ACME_SECOND_KEY}`)).status
      if (status !== 401) await sleep(50)
    }
    expect(status).toBe(401)
    expect(Date.now() - started).toBeLessThan(KEY_CACHE_MS + 500)
  })

  it('accepts a key created after a failed attempt with it, at once', async () => {
    const key = 'created-later-key-1'
    expect((await withAuthorization(`Bearer ${key}`)).status).toBe(401)
    await storeApiKey(server.db, 1, key, T0_SECONDS)
    expect((await withAuthorization(`Bearer ${key}`)).status).toBe(200)
  })

  it.each([
    ['bearer', `bearer ${ACME_KEY}`],
    ['BEARER', `BEARER ${ACME_KEY}`],
    ['BeArEr', `BeArEr ${ACME_KEY}`],
    ['a key in angle brackets', `Bearer <${ACME_KEY}>`],
  ])('accepts the key with %s', async (_name, authorization) => {
    const res = await withAuthorization(authorization)
    expect(res.status).toBe(200)
    expect(res.body.data.domain).toBe('acme')
  })

  it('resolves each key to its own organization', async () => {
    expect((await withAuthorization(`Bearer ${GLOBEX_KEY}`)).body.data.domain).toBe('globex')
    expect((await withAuthorization(`Bearer ${ACME_SECOND_KEY}`)).body.data.domain).toBe('acme')
  })

  it('stores keys only as SHA-256 hex digests, never in clear', async () => {
    const rows = await server.db.all<Record<string, unknown>>('SELECT * FROM api_keys')
    expect(rows).toHaveLength(3)
    const stored = JSON.stringify(rows)
    for (const key of [ACME_KEY, ACME_SECOND_KEY, GLOBEX_KEY]) {
      expect(stored).not.toContain(key)
      const digest = createHash('sha256').update(key).digest('hex')
      expect(rows.filter((row) => row.key_hash === digest)).toHaveLength(1)
    }
    for (const row of rows) expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/)
  })
})

describe('routing', () => {
  it.each([
    ['GET', '/v1/nope'],
    ['PUT', '/v1/chats/2/status'],
    ['POST', '/v1/customers/100'],
    ['DELETE', '/v1/chats/1'],
    ['GET', '/nope'],
  ])('answers %s %s with 404 Route not found', async (method, path) => {
    const res = await server.request(method, path, { body: method === 'GET' ? undefined : {} })
    expect(res.status).toBe(404)
    expect(res.body).toEqual(ROUTE_NOT_FOUND)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  })

  it('tolerates a trailing slash', async () => {
    const plain = await server.request('GET', '/v1/chats')
    const slashed = await server.request('GET', '/v1/chats/')
    expect(slashed.status).toBe(200)
    expect(slashed.body.meta.total).toBe(3)
    expect(slashed.text).toBe(plain.text)
    expect((await server.request('GET', '/v1/organization/')).body.data.id).toBe(1)
  })

  it('answers GET /healthz with 200 {"status":"ok"} without a key', async () => {
    const res = await server.request('GET', '/healthz', { key: null })
    expect(res.status).toBe(200)
    expect(res.text).toBe('{"status":"ok"}')
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  })

  it('answers GET /healthz with 503 while the database does not answer', async () => {
    const own = await startServer({ fixture: twoTenantFixture() })
    try {
      await own.db.close()
      const res = await own.request('GET', '/healthz', { key: null })
      expect(res.status).toBe(503)
      expect(res.text).toBe('{"status":"unavailable","reason":"database"}')
    } finally {
      await own.app.close()
    }
  })
})

describe('request bodies', () => {
  it('answers a body over 1 MiB with 413 in the error envelope, creating nothing', async () => {
    const raw = JSON.stringify({ name: 'Huge', notes: 'x'.repeat(1024 * 1024) })
    const res = await server.request('POST', '/v1/customers', { raw })
    expect(res.status).toBe(413)
    expect(res.body.errors).toHaveLength(2)
    expect(res.body.errors[0]).toEqual({ code: 'invalid_request', message: 'Invalid request' })
    expect(res.body.errors[1]).toEqual({
      code: 'request_too_large',
      message: expect.any(String),
    })
    expectNoStackTrace(res)
    expect(await customerTotal()).toBe(2)
  })

  it('accepts a body of exactly 1 MiB', async () => {
    const head = '{"name":"Just fits"'
    const raw = head + ' '.repeat(1024 * 1024 - head.length - 1) + '}'
    expect(Buffer.byteLength(raw)).toBe(1024 * 1024)
    const res = await server.request('POST', '/v1/customers', { raw })
    expect(res.status).toBe(201)
    expect(res.body.name).toBe('Just fits')
  })

  it('serves a GET carrying Content-Type: application/json and no body', async () => {
    const res = await server.request('GET', '/v1/chats', {
      headers: { 'content-type': 'application/json' },
    })
    expect(res.status).toBe(200)
    expect(res.body.meta.total).toBe(3)
  })

  it.each(['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded'])(
    'parses a POST body sent as %s as JSON',
    async (type) => {
      const res = await server.request('POST', '/v1/customers', {
        raw: '{"name":"Plain","userId":"plain-1"}',
        headers: { 'content-type': type },
      })
      expect(res.status).toBe(201)
      expect(res.body).toMatchObject({ name: 'Plain', userId: 'plain-1' })
    },
  )

  it('parses a POST body sent without any Content-Type as JSON', async () => {
    // A byte body makes fetch send no Content-Type at all (a string would get text/plain).
    const response = await fetch(`${server.url}/v1/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ACME_KEY}` },
      body: new TextEncoder().encode('{"name":"Untyped"}'),
    })
    expect(response.status).toBe(201)
    expect(((await response.json()) as { name: string }).name).toBe('Untyped')
  })

  it('answers a body that is not JSON with a 400 and no stack trace', async () => {
    const res = await server.request('POST', '/v1/customers', {
      raw: '{"name": ',
      headers: { 'content-type': 'application/json' },
    })
    expect(res.status).toBe(400)
    expect(res.body.errors).toEqual([
      { code: 'invalid_request', message: 'Invalid request' },
      { code: 'body', message: 'This value should be valid JSON.' },
    ])
    expectNoStackTrace(res)
  })
})

describe('request ids', () => {
  it('puts an x-request-id on every answer, fresh for each request', async () => {
    const answers = await Promise.all([
      server.request('GET', '/v1/chats'),
      server.request('GET', '/v1/chats', { key: 'not-a-key' }),
      server.request('GET', '/v1/nope'),
      server.request('GET', '/v1/customers/999'),
      server.request('GET', '/healthz', { key: null }),
    ])
    expect(answers.map((res) => res.status)).toEqual([200, 401, 404, 404, 200])
    const ids = answers.map((res) => res.headers.get('x-request-id'))
    for (const id of ids) expect(id).toMatch(FRESH_ID)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('echoes a sane incoming X-Request-Id', async () => {
    for (const given of ['trace-42', 'abc.DEF:123_x-y', 'a'.repeat(128)]) {
      const res = await server.request('GET', '/v1/organization', {
        headers: { 'x-request-id': given },
      })
      expect(res.headers.get('x-request-id')).toBe(given)
    }
    const failed = await server.request('GET', '/v1/organization', {
      key: null,
      headers: { 'x-request-id': 'trace-401' },
    })
    expect(failed.headers.get('x-request-id')).toBe('trace-401')
  })

  it.each([
    ['spaces', 'has spaces in it'],
    ['markup', '<script>x</script>'],
    ['more than 128 characters', 'a'.repeat(129)],
  ])('replaces an incoming X-Request-Id with %s by a fresh one', async (_name, given) => {
    const res = await server.request('GET', '/v1/organization', {
      headers: { 'x-request-id': given },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-request-id')).toMatch(FRESH_ID)
  })
})

describe('unexpected failures', () => {
  it('answers 500 internal_error without a stack trace or the cause', async () => {
    await server.db.exec('DROP TABLE customer_tags')
    const res = await server.request('GET', '/v1/customers/100')
    expect(res.status).toBe(500)
    expect(res.text).toBe(
      '{"errors":[{"code":"internal_error","message":"Internal server error"}]}',
    )
    expect(res.text).not.toContain('customer_tags')
    expect(res.headers.get('x-request-id')).toMatch(FRESH_ID)
  })
})
