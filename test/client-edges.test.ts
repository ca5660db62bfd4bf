import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  ConnectionError,
  createClient,
  HelpCrunchError,
  RateLimitError,
  type ClientOptions,
} from '../src/client/index.js'

// The client against a real HTTP server that answers the way HelpCrunch's docs leave open, or the
// way a hung server or a proxy in front of one answers: what a client of either server meets.

type Handler = (request: IncomingMessage, response: ServerResponse, body: string) => void

let handler: Handler
let server: Server
let baseUrl: string
/** The paths asked for, in order. */
const asked: string[] = []

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => (body += chunk.toString()))
    request.on('end', () => {
      asked.push(`${request.method} ${request.url}`)
      handler(request, response, body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})
beforeEach(() => {
  asked.length = 0
})

const client = (options: Partial<ClientOptions> = {}) =>
  createClient({ apiKey: 'k', baseUrl, ...options })

const json = (response: ServerResponse, status: number, value: unknown, headers = {}) => {
  response.writeHead(status, { 'content-type': 'application/json', ...headers })
  response.end(JSON.stringify(value))
}

const TOO_MANY = { errors: [{ code: 'too_many_requests', message: 'Too many requests' }] }

describe('a server that does not answer', () => {
  it('gives up after timeoutMs with a ConnectionError that says so', async () => {
    handler = () => {} // never answers
    const started = Date.now()
    const error = await client({ timeoutMs: 200 })
      .chats.get(1)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectionError)
    expect((error as Error).message).toContain('no answer within 200 ms (timeoutMs)')
    expect(Date.now() - started).toBeLessThan(3000)
  })

  it('gives up on an answer whose body stalls after its headers', async () => {
    handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' })
      response.write('{"id":')
    }
    await expect(client({ timeoutMs: 200 }).chats.get(1)).rejects.toThrow(
      /GET \/chats\/1 got no answer within 200 ms \(timeoutMs\)\. It was sent/,
    )
  })

  it.each([1500.5, -1, 2 ** 31, Infinity])('refuses timeoutMs %s when made', (timeoutMs) => {
    expect(() => client({ timeoutMs })).toThrow(RangeError)
  })

  it("stops a wait for Retry-After as soon as the client's signal aborts", async () => {
    handler = (_request, response) => json(response, 429, TOO_MANY, { 'retry-after': '30' })
    const controller = new AbortController()
    const waiting = client({ signal: controller.signal }).chats.get(1)
    setTimeout(() => controller.abort(), 100)
    const started = Date.now()
    await expect(waiting).rejects.toBeInstanceOf(ConnectionError)
    expect(Date.now() - started).toBeLessThan(3000)
    expect(asked).toEqual(['GET /v1/chats/1'])
  })
})

describe('answers that are not JSON', () => {
  it.each(['text/plain', 'text/html; charset=UTF-8'])(
    'takes an Ok without quotes, labelled %s, as the answer it is',
    async (type) => {
      handler = (_request, response) => {
        response.writeHead(200, { 'content-type': type })
        response.end('Ok')
      }
      await expect(client().customers.delete(5)).resolves.toBe('Ok')
    },
  )

  it('refuses any other success that is not JSON, rather than typing it as a chat', async () => {
    handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' })
      response.end('Hello from the default site')
    }
    await expect(client().chats.get(1)).rejects.toThrow(/that is not JSON; is the base URL/)
  })

  it("keeps a proxy's error page as a HelpCrunchError with its status", async () => {
    handler = (_request, response) => {
      response.writeHead(502, { 'content-type': 'text/html' })
      response.end('<html><body>Bad gateway</body></html>')
    }
    const error = await client()
      .chats.get(1)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HelpCrunchError)
    expect(error).toMatchObject({ status: 502 })
    expect((error as HelpCrunchError).has('http_error')).toBe(true)
  })

  it('says the base URL is not the API when a success is a web page', async () => {
    handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' })
      response.end('<!doctype html><title>Welcome</title>')
    }
    await expect(client().chats.list()).rejects.toThrow(
      /with a web page that is not JSON; is the base URL/,
    )
  })
})

describe('a 429 that does not say how long to wait', () => {
  it('waits until X-RateLimit-Reset when there is no Retry-After', async () => {
    let calls = 0
    handler = (_request, response) => {
      calls += 1
      if (calls > 1) return json(response, 200, { data: [], meta: { total: 0 } })
      const reset = Math.floor(Date.now() / 1000) + 3
      json(response, 429, TOO_MANY, { 'x-ratelimit-reset': String(reset) })
    }
    const waits: number[] = []
    await client({ onRetry: (seconds) => waits.push(seconds) }).agents.list()
    expect(waits).toHaveLength(1)
    expect(waits[0]).toBeGreaterThanOrEqual(2)
    expect(waits[0]).toBeLessThanOrEqual(3)
  })

  it('assumes 5 s, not 1, when it says nothing at all', async () => {
    handler = (_request, response) => json(response, 429, TOO_MANY)
    const error = await client({ maxRetries: 0 })
      .agents.list()
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RateLimitError)
    expect(error).toMatchObject({ retryAfter: 5 })
  })
})

describe('paging through envelopes the docs leave open', () => {
  /** A list of 5 chats, in pages, with the total where `envelope` puts it. */
  const serveChats = (envelope: 'meta' | 'top' | 'none') => {
    handler = (_request, response, body) => {
      const { offset, limit } = JSON.parse(body) as { offset: number; limit: number }
      const data = [1, 2, 3, 4, 5].slice(offset, offset + limit).map((id) => ({ id }))
      const total = { meta: { meta: { total: 5 } }, top: { total: 5 }, none: {} }[envelope]
      json(response, 200, { data, ...total })
    }
  }

  it.each(['meta', 'top', 'none'] as const)(
    'reads a chat search whose total is %s, and stops at its end',
    async (envelope) => {
      serveChats(envelope)
      const ids: number[] = []
      for await (const chat of client().chats.searchAll({}, { pageSize: 2 })) ids.push(chat.id)
      expect(ids).toEqual([1, 2, 3, 4, 5])
      // Three pages: the third is short, and with a total it is also the last.
      expect(asked).toHaveLength(3)
    },
  )
})

describe('paging through a list that grows meanwhile', () => {
  it('gives each item once when a new one pushes the rest on between pages', async () => {
    const newestFirst = [5, 4, 3, 2, 1]
    handler = (request, response) => {
      const query = new URL(request.url!, 'http://x').searchParams
      const offset = Number(query.get('offset'))
      const limit = Number(query.get('limit'))
      const data = newestFirst.slice(offset, offset + limit).map((id) => ({ id }))
      json(response, 200, { data, meta: { total: newestFirst.length } })
      // A chat arrives after the first page was read.
      if (offset === 0) newestFirst.unshift(6)
    }
    const ids: number[] = []
    for await (const chat of client().chats.all({ pageSize: 2 })) ids.push(chat.id)
    expect(ids).toEqual([5, 4, 3, 2, 1])
  })

  it('stops when a full page brings nothing new, as from a server that ignores offset', async () => {
    handler = (_request, response) => json(response, 200, { data: [{ id: 1 }, { id: 2 }] })
    const ids: number[] = []
    for await (const chat of client().chats.all({ pageSize: 2 })) ids.push(chat.id)
    expect(ids).toEqual([1, 2])
    expect(asked).toHaveLength(2)
  })
})

describe('ids in paths', () => {
  it.each(['../organization', '5208/messages', '', '1.5', '-1'])(
    'refuses %j before sending anything',
    async (id) => {
      await expect(client().chats.get(id)).rejects.toThrow(TypeError)
      await expect(client().customers.delete(id)).rejects.toThrow(TypeError)
      expect(asked).toEqual([])
    },
  )

  it('takes a number or its digits', async () => {
    handler = (_request, response) => json(response, 200, { id: 7 })
    await client().chats.get('7')
    await client().chats.get(7)
    expect(asked).toEqual(['GET /v1/chats/7', 'GET /v1/chats/7'])
  })
})
