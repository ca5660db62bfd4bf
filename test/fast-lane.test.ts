import { connect } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { ACME_KEY, ACME_SECOND_KEY, T0, twoTenantFixture } from './helpers/fixtures.js'
import {
  startServer,
  type RequestOptions,
  type TestResponse,
  type TestServer,
} from './helpers/server.js'

// Mark-read is answered on the fast lane (src/server/http/fast-lane.ts), outside Fastify. These
// tests hold it to answering exactly as Fastify does: every request below goes to a server with
// the lane and to one without it, and both must answer alike, byte for byte, and leave the same
// data behind.

let servers: TestServer[] = []
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()))
  servers = []
})

async function start(fastLane: boolean, rateLimit = 1000): Promise<TestServer> {
  const server = await startServer({
    fixture: twoTenantFixture(),
    now: () => T0,
    rateLimit,
    fastLane,
  })
  servers.push(server)
  return server
}

/** Both servers, the one with the lane first. */
const both = async (rateLimit?: number) => [
  await start(true, rateLimit),
  await start(false, rateLimit),
]

/** An answer as compared: status, body, and every header but the date and the request id's value. */
function seen(res: TestResponse) {
  const headers: Record<string, string> = {}
  res.headers.forEach((value, name) => {
    if (name !== 'date') headers[name] = name === 'x-request-id' ? 'id' : value
  })
  expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-z]+$/)
  return { status: res.status, text: res.text, headers }
}

type Call = readonly [method: string, path: string, options: RequestOptions]

const json = (body: unknown, key = ACME_KEY): RequestOptions => ({ body, key })
const raw = (text: string, type: string | null = 'application/json'): RequestOptions => ({
  raw: text,
  key: ACME_KEY,
  headers: type === null ? {} : { 'content-type': type },
})

const READ = '/v1/chats/readByAgent'
const CALLS: readonly Call[] = [
  ['PUT', READ, json({ id: 2, read: true })],
  ['PUT', READ, json({ id: 2, read: true })],
  ['PUT', READ, json({ id: 2, read: false })],
  ['PUT', '/v1/chats/readByCustomer', json({ id: 1, read: true })],
  ['PUT', '/v1/chats/read', json({ id: '3', read: true })],
  ['PUT', READ, raw('{"id":1,"read":false}', 'application/json; charset=utf-8')],
  ['PUT', READ, raw('{"id":1,"read":true}', null)],
  ['PUT', READ, json({ id: 50, read: true })],
  ['PUT', READ, json({ id: 999_999, read: true })],
  ['PUT', READ, json({ id: 2, read: 'true' })],
  ['PUT', READ, json({ id: 0, read: true })],
  ['PUT', READ, json({ id: 2.5, read: true })],
  ['PUT', READ, json({ read: true })],
  ['PUT', READ, json({})],
  ['PUT', READ, json({ id: 2, read: true, extra: 1 })],
  ['PUT', READ, raw('')],
  ['PUT', READ, raw('  ')],
  ['PUT', READ, raw('null')],
  ['PUT', READ, raw('[1]')],
  ['PUT', READ, raw('"text"')],
  ['PUT', READ, raw('{"id":2,"read":true')],
  ['PUT', READ, raw('{"__proto__":{"x":1},"id":2,"read":true}')],
  ['PUT', READ, raw('{"constructor":{"prototype":{"x":1}},"id":2,"read":true}')],
  ['PUT', READ, raw('{"id":2,"read":true,"note":"a\\u0000b"}')],
  ['PUT', READ, raw(`{"id":2,"read":true,"x":${'['.repeat(5000)}"\\u0000"${']'.repeat(5000)}}`)],
  ['PUT', READ, raw('{"id":2,"read":true}', 'text/plain')],
  ['PUT', READ, raw('{"id":2,"read":true}', 'application/json; charset')],
  ['PUT', `${READ}/`, json({ id: 2, read: true })],
  ['PUT', `${READ}?x=1`, json({ id: 2, read: true })],
  ['PUT', READ, json({ id: 3, read: false }, ACME_SECOND_KEY)],
  ['PUT', READ, json({ id: 3, read: true }, ACME_SECOND_KEY)],
  ['PUT', READ, { body: { id: 2, read: true }, key: null }],
  ['PUT', READ, json({ id: 2, read: true }, 'not-a-key')],
  ['PUT', READ, json({ id: 1, read: true, upToMessageId: 1 })],
  ['PUT', READ, json({ id: 1, read: true, upToMessageId: '2' })],
  ['PUT', READ, json({ id: 1, read: false, upToMessageId: 1 })],
  ['PUT', READ, json({ id: 1, read: true, upToMessageId: 999_999 })],
  ['PUT', READ, json({ id: 1, read: true, upToMessageId: 'x' })],
  ['PUT', READ, json({ id: 999_999, read: true, upToMessageId: 1 })],
  ['GET', '/v1/chats/1/readState', {}],
  ['GET', '/v1/chats/unreadTotals', {}],
  ['GET', '/v1/chats/1', {}],
  ['GET', '/v1/chats/2', {}],
  ['GET', '/v1/chats/3', {}],
  ['GET', '/v1/chats/2/messages', {}],
]

describe('the fast lane', () => {
  it('answers mark-read without Fastify once the key has been checked', async () => {
    const server = await start(true)
    // The key's first request is checked by Fastify (against the database), and remembered.
    expect((await server.request('PUT', READ, json({ id: 2, read: true }))).status).toBe(200)
    const before = server.fastifyRequests()
    const res = await server.request('PUT', READ, {
      ...json({ id: 2, read: false }),
      headers: { 'x-request-id': 'inbox-42' },
    })
    expect(res.status).toBe(200)
    expect(res.body.readByAgent).toBe(false)
    expect(res.headers.get('x-request-id')).toBe('inbox-42')
    expect(server.fastifyRequests()).toBe(before)
  })

  it('answers every request as Fastify does, and leaves the same data', async () => {
    const [lane, fastify] = await both()
    for (const [method, path, options] of CALLS) {
      const laneAnswer = seen(await lane!.request(method, path, options))
      const fastifyAnswer = seen(await fastify!.request(method, path, options))
      expect({ method, path, options, ...laneAnswer }).toEqual({
        method,
        path,
        options,
        ...fastifyAnswer,
      })
    }
    // Not every request above was Fastify's on the lane's server: the lane answered some.
    expect(lane!.fastifyRequests()).toBeLessThan(fastify!.fastifyRequests())
  })

  it('counts the rate limit as Fastify does, and answers over it alike', async () => {
    const [lane, fastify] = await both(3)
    for (let i = 0; i < 5; i++) {
      const options = json({ id: 2, read: i % 2 === 0 })
      expect(seen(await lane!.request('PUT', READ, options))).toEqual(
        seen(await fastify!.request('PUT', READ, options)),
      )
    }
    const over = await lane!.request('PUT', READ, json({ id: 2, read: true }))
    expect(over.status).toBe(429)
    expect(over.headers.get('retry-after')).toBe('60')
  })

  it('answers nothing to a client gone before the end of its body, and goes on serving', async () => {
    const server = await start(true)
    await server.request('PUT', READ, json({ id: 2, read: true }))
    const { port } = new URL(server.url)
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          `PUT ${READ} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ACME_KEY}\r\n` +
            'Content-Type: application/json\r\nContent-Length: 40\r\n\r\n{"id":2,',
          () => setTimeout(() => socket.destroy(), 20),
        )
      })
      socket.on('close', () => resolve())
      socket.on('error', reject)
    })
    const after = await server.request('PUT', READ, json({ id: 2, read: false }))
    expect(after.status).toBe(200)
    expect(after.body.readByAgent).toBe(false)
  })
})
