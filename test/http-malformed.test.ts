import { connect } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ACME_KEY, T0, acmeFixture } from './helpers/fixtures.js'
import { startServer, type TestServer } from './helpers/server.js'
import { INVALID, UNAUTHORIZED_TEXT, notFound } from './helpers/wire.js'

// Requests too odd for the routes to see: each still gets an answer in the HelpCrunch envelope.

let server: TestServer
beforeEach(async () => {
  server = await startServer({ fixture: acmeFixture(), now: () => T0, rateLimit: 50 })
})
afterEach(() => server.close())

/** Sends raw bytes over TCP and resolves with everything the server wrote back. */
function raw(bytes: string): Promise<string> {
  const { port } = new URL(server.url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(bytes))
    let answer = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => (answer += chunk))
    socket.on('end', () => resolve(answer))
    socket.on('error', reject)
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer')))
  })
}

describe('malformed requests', () => {
  it('answers a URL that cannot be decoded with the 400 envelope and a request id', async () => {
    const res = await server.request('GET', '/v1/chats/%E0%A4%A')
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ errors: [INVALID] })
    expect(res.headers.get('x-request-id')).toBeTruthy()
  })

  it('answers a request with a broken Content-Length with the 400 envelope', async () => {
    const answer = await raw(
      `PUT /v1/chats/readByAgent HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ACME_KEY}\r\n` +
        'Content-Length: abc\r\n\r\n{"id":2,"read":true}',
    )
    expect(answer).toMatch(/^HTTP\/1\.1 400 /)
    expect(answer).toMatch(/content-type: application\/json/i)
    expect(answer.slice(answer.indexOf('\r\n\r\n') + 4)).toBe(JSON.stringify({ errors: [INVALID] }))
  })

  it('answers a JSON null body with a 400 and creates nothing', async () => {
    const before = (await server.request('GET', '/v1/customers')).body.total
    const res = await server.request('POST', '/v1/customers', {
      raw: 'null',
      headers: { 'content-type': 'application/json' },
    })
    expect(res.status).toBe(400)
    expect(res.body.errors).toEqual([
      INVALID,
      { code: 'body', message: 'This value should be of type object.' },
    ])
    expect((await server.request('GET', '/v1/customers')).body.total).toBe(before)
  })
})

describe('U+0000 in a body', () => {
  const NUL = 'This value must not contain the NUL character (U+0000).'

  it.each([
    ['a value', 'POST', '/v1/customers', '{"name":"Eve\\u0000","email":"eve@test.org"}', 'name'],
    ['a key', 'POST', '/v1/customers', '{"na\\u0000me":"Eve"}', 'body'],
    [
      'a nested value',
      'POST',
      '/v1/customers/search',
      '{"filter":[{"field":"customers.name","operator":"=","value":"a\\u0000"}]}',
      'filter[0].value',
    ],
    ['a message', 'POST', '/v1/messages', '{"chat":1,"text":"hi\\u0000","type":"message"}', 'text'],
  ])(
    'refuses %s with a 400 naming the field, and writes nothing',
    async (_, method, path, raw, field) => {
      const customers = (await server.request('GET', '/v1/customers')).body.total
      const messages = (await server.request('GET', '/v1/chats/1/messages')).body.total
      const res = await server.request(method, path, { raw })
      expect(res.status).toBe(400)
      expect(res.body.errors).toEqual([INVALID, { code: field, message: NUL }])
      expect((await server.request('GET', '/v1/customers')).body.total).toBe(customers)
      expect((await server.request('GET', '/v1/chats/1/messages')).body.total).toBe(messages)
    },
  )

  it('takes a backslash followed by "u0000" as the text it is', async () => {
    const res = await server.request('POST', '/v1/customers', {
      raw: '{"name":"C:\\\\u0000","email":"path@test.org"}',
    })
    expect(res.status, res.text).toBe(201)
    expect(res.body.name).toBe('C:\\u0000')
  })
})

describe('bodies nested deeper than 512 levels', () => {
  const TOO_DEEP = {
    code: 'body',
    message: 'This value must not nest arrays and objects more than 512 levels deep.',
  }
  /** `value` wrapped in `levels` arrays. */
  const nested = (levels: number, value: string) =>
    `${'['.repeat(levels)}${value}${']'.repeat(levels)}`

  it.each([
    ['a mark-read with a U+0000 deep inside', 'PUT', '/v1/chats/readByAgent', 5000, '"\\u0000"'],
    ['an event whose data is deep', 'POST', '/v1/events', 5000, '1'],
    // The body's object and `data` are two levels: 511 arrays in them make 513.
    ['an event one level too deep', 'POST', '/v1/events', 511, '1'],
  ])('refuses %s with a 400 and writes nothing', async (_, method, path, levels, value) => {
    const probe = () =>
      server.request('POST', '/v1/events', { raw: '{"name":"probe","customer":100}' })
    const first = await probe()
    const before = await server.request('GET', '/v1/chats/2')
    const raw =
      path === '/v1/events'
        ? `{"name":"deep","customer":100,"data":{"a":${nested(levels, value)}}}`
        : `{"id":2,"read":${!before.body.readByAgent},"x":${nested(levels, value)}}`
    const res = await server.request(method, path, { raw })
    expect(res.status, res.text).toBe(400)
    expect(res.body.errors).toEqual([INVALID, TOO_DEEP])
    expect((await server.request('GET', '/v1/chats/2')).body).toEqual(before.body)
    // No event was stored between the two probes.
    expect((await probe()).body.id).toBe(first.body.id + 1)
  })

  it('takes 512 levels, and brackets inside strings do not count', async () => {
    const strings = `"${'['.repeat(2000)}\\"["`
    for (const data of [nested(510, '1'), nested(100, strings)]) {
      const res = await server.request('POST', '/v1/events', {
        raw: `{"name":"deep","customer":100,"data":{"a":${data}}}`,
      })
      expect(res.status, res.text).toBe(200)
      expect(JSON.stringify(res.body.data.a)).toBe(data)
    }
  })
})

describe('unknown routes under /v1', () => {
  it('asks for a key first, as every /v1 route does', async () => {
    const res = await server.request('GET', '/v1/nope', { key: null })
    expect(res.status).toBe(401)
    expect(res.text).toBe(UNAUTHORIZED_TEXT)
  })

  it('answers 404 Route not found to a valid key, counting it against the rate limit', async () => {
    const first = await server.request('GET', '/v1/nope')
    expect(first.status).toBe(404)
    expect(first.body.errors).toEqual(notFound('Route'))
    expect(first.headers.get('x-ratelimit-limit')).toBe('50')
    const second = await server.request('PUT', '/v1/chats/2/status', { body: { status: 5 } })
    expect(second.status).toBe(404)
    expect(Number(second.headers.get('x-ratelimit-remaining'))).toBe(
      Number(first.headers.get('x-ratelimit-remaining')) - 1,
    )
  })

  it('answers 404 Route not found outside /v1 without asking for a key', async () => {
    const res = await server.request('GET', '/v2/chats', { key: null })
    expect(res.status).toBe(404)
    expect(res.body.errors).toEqual(notFound('Route'))
    expect(res.headers.get('x-ratelimit-limit')).toBeNull()
  })
})
