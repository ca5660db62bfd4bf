import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ConnectionError,
  createClient,
  HELPCRUNCH_BASE_URL,
  HelpCrunchError,
  RateLimitError,
  type HelpCrunchClient,
} from '../src/client/index.js'
import { ACME_KEY, acmeFixture } from './helpers/fixtures.js'
import { startServer, type TestServer } from './helpers/server.js'

// The client against a real opencrunch server, over HTTP, one method per endpoint.

let server: TestServer
let client: HelpCrunchClient
/** Every URL the client fetched, to see how it pages. */
const fetched: string[] = []

beforeAll(async () => {
  server = await startServer({ fixture: acmeFixture() })
  client = createClient({
    apiKey: ACME_KEY,
    baseUrl: `${server.url}/v1/`,
    fetch: (input, init) => {
      fetched.push(`${init?.method ?? 'GET'} ${(input as URL).href}`)
      return fetch(input, init)
    },
  })
})
afterAll(async () => {
  await server.close()
})

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of items) out.push(item)
  return out
}

describe('the client, one method per endpoint', () => {
  it('reads the organization and its team', async () => {
    expect((await client.organization.get()).domain).toBe('acme')
    expect((await client.agents.list()).data.map((agent) => agent.email)).toEqual([
      'sarah@acme.test',
      'mike@acme.test',
    ])
    expect((await collect(client.agents.all())).length).toBe(2)
    expect((await client.departments.list()).data[0]!.name).toBe('Support')
    expect((await collect(client.departments.all())).length).toBe(1)
    expect((await client.applications.list()).data[0]!.name).toBe('Website')
    expect((await collect(client.applications.all())).length).toBe(1)
    expect(await client.agents.unsubscribe(2)).toBe('Ok')
  })

  it('lists, gets, creates and searches chats', async () => {
    const page = await client.chats.list({ sort: 'createdAt', order: 'asc', limit: 2 })
    expect(page.data.map((chat) => chat.id)).toEqual([1, 2])
    expect(page.meta.total).toBe(3)
    expect((await client.chats.get(2)).customer.id).toBe(100)
    const created = await client.chats.create({ customer: 101, application: 1 })
    expect(created.customer.id).toBe(101)
    const found = await client.chats.search({
      filter: [{ field: 'chats.customer', operator: '=', value: 101 }],
    })
    expect(found.data.map((chat) => chat.id).sort()).toEqual([3, created.id].sort())
    const all = await collect(
      client.chats.searchAll({ filter: [{ field: 'customer', operator: '=', value: 101 }] }),
    )
    expect(all.length).toBe(2)
  })

  it('marks read and unread on both sides, answering the whole chat', async () => {
    const unread = await client.chats.readByAgent(2, false)
    expect(unread).toMatchObject({ id: 2, readByAgent: false })
    expect((await client.chats.readByAgent('2', true)).readByAgent).toBe(true)
    expect((await client.chats.readByCustomer(1, false)).readByCustomer).toBe(false)
    expect((await client.chats.read(2, false)).readByAgent).toBe(false)
  })

  it("reads up to a message, and reports each side's read state and the unread totals", async () => {
    const [reply] = (await client.chats.messages(1)).data
    const sent = await client.messages.send({ chat: 1, text: 'Still there?', type: 'message' })
    const partial = await client.chats.readByAgent(1, true, { upToMessageId: reply!.id })
    expect(partial.readByAgent).toBe(false)
    const state = await client.chats.readState('1')
    expect(state.agent).toEqual({ read: false, readUpToMessageId: reply!.id, unreadCount: 1 })
    expect((await client.chats.unreadTotals()).byAssignee).toContainEqual({ id: null, chats: 1 })
    const whole = await client.chats.read(1, true, { upToMessageId: String(sent.id) })
    expect(whole.readByAgent).toBe(true)
    expect((await client.chats.unreadTotals('customer')).side).toBe('customer')
  })

  it('changes status, assignee, department, rating and snooze', async () => {
    expect((await client.chats.setStatus(1, 'pending')).status).toBe('pending')
    expect((await client.chats.setAssignee(1, 2)).assignee?.id).toBe(2)
    expect((await client.chats.setAssignee(1, null)).assignee).toBeNull()
    expect((await client.chats.setDepartment(1, 10)).department?.id).toBe(10)
    expect((await client.chats.setStatus(1, 'closed')).closedBy).toBe('agent')
    expect((await client.chats.rate(1, 'great')).rating).toBe('great')
    expect((await client.chats.snooze(1, 4_000_000_000)).snoozedUntil).toBe('4000000000')
    expect((await client.chats.snooze(1, null)).snoozedUntil).toBeNull()
    // The spellings the API answers and its docs use, and a time as a numeric string, type-check.
    expect((await client.chats.setStatus(1, 'onhold')).status).toBe('onhold')
    expect((await client.chats.setStatus(1, 'on hold')).status).toBe('onhold')
    expect((await client.chats.snooze(1, '4000000001')).snoozedUntil).toBe('4000000001')
  })

  it('sends messages and reads them back, one page or all', async () => {
    const sent = await client.messages.send({ chat: 2, text: 'Any news?', type: 'message' })
    expect(sent).toMatchObject({ chat: 2, from: 'customer', text: 'Any news?' })
    await client.messages.send({ chat: 2, agent: 1, text: 'Shipped today', type: 'message' })
    const newest = await client.chats.messages(2, { limit: 1 })
    expect(newest.data[0]!.text).toBe('Shipped today')
    expect(newest.total).toBe(3)
    const all = await collect(client.chats.allMessages(2, { pageSize: 1 }))
    expect(all.map((message) => message.text)).toEqual([
      'Shipped today',
      'Any news?',
      'Where is my order?',
    ])
  })

  it('creates, changes, tags, searches and deletes customers, and records events', async () => {
    const carol = await client.customers.create({ name: 'Carol', userId: 'carol-1' })
    expect((await client.customers.get(carol.id)).name).toBe('Carol')
    expect((await client.customers.update(carol.id, { company: 'Initech' })).company).toBe(
      'Initech',
    )
    const replaced = await client.customers.replace(carol.id, { name: 'Carol B' })
    expect([replaced.name, replaced.company]).toEqual(['Carol B', null])
    const [changed] = await client.customers.updateMany([{ customer: carol.id, phone: '555' }])
    expect(changed!.phone).toBe('555')
    expect((await client.customers.tag(carol.id, [{ name: 'VIP' }])).tags[0]!.name).toBe('VIP')
    expect((await client.customers.untag(carol.id, [{ name: 'VIP' }])).tags).toEqual([])
    const found = await client.customers.search({
      filter: [{ field: 'customers.name', operator: '=', value: 'Carol B' }],
    })
    expect(found.data.map((customer) => customer.id)).toEqual([carol.id])
    expect((await collect(client.customers.searchAll({}))).length).toBe(found.total + 2)
    const event = await client.events.create({ customer: carol.id, name: 'signed up' })
    expect(event.name).toBe('signed up')
    expect((await client.customers.list({ limit: 1 })).data).toHaveLength(1)
    expect(await client.customers.delete(carol.id)).toBe('Ok')
  })
})

describe('iterating a list', () => {
  it('walks every page with offset and limit, fetching as it goes', async () => {
    for (let i = 0; i < 5; i++) await client.customers.create({ name: `Paged ${i}` })
    const total = (await client.customers.list()).total
    fetched.length = 0
    const seen = []
    for await (const customer of client.customers.all({ sort: 'id', order: 'asc', pageSize: 2 })) {
      seen.push(customer.id)
    }
    expect(seen).toHaveLength(total)
    expect(new Set(seen).size).toBe(total)
    expect(seen).toEqual([...seen].sort((a, b) => a - b))
    expect(fetched).toHaveLength(Math.ceil(total / 2))
    expect(fetched[1]).toContain('offset=2&limit=2')
  })

  it('sends the sort with every page, and keeps the page size to itself', async () => {
    fetched.length = 0
    await collect(client.chats.all({ sort: 'createdAt', order: 'desc', pageSize: 3 }))
    await collect(client.customers.all({ sort: 'id', pageSize: 3 }))
    expect(fetched.length).toBeGreaterThanOrEqual(2)
    for (const url of fetched) {
      expect(url).toMatch(/[?&]sort=(createdAt|id)(&|$)/)
      expect(url).toMatch(/[?&]limit=3(&|$)/)
      expect(url).not.toContain('pageSize')
    }
    expect(fetched[0]).toContain('order=desc')
  })

  it('stops fetching when the caller stops reading', async () => {
    fetched.length = 0
    for await (const chat of client.chats.all({ pageSize: 1 })) {
      expect(chat.id).toBeGreaterThan(0)
      break
    }
    expect(fetched).toHaveLength(1)
  })

  it('refuses a page size outside 1-100', async () => {
    await expect(collect(client.chats.all({ pageSize: 101 }))).rejects.toThrow(
      'pageSize must be a whole number from 1 to 100',
    )
  })
})

describe('typed errors', () => {
  it('throws HelpCrunchError with the status and the errors list', async () => {
    const error = await client.customers.get(999_999).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(HelpCrunchError)
    expect(error).toMatchObject({
      status: 404,
      errors: [
        { code: 'invalid_request', message: 'Invalid request' },
        { code: 'not_found', message: 'Customer not found' },
      ],
    })
    expect((error as HelpCrunchError).message).toBe('HelpCrunch answered 404: Customer not found')
    expect((error as HelpCrunchError).requestId).toMatch(/\S/)
  })

  it("keeps HelpCrunch's own code for an unknown chat on mark-read", async () => {
    const error = (await client.chats
      .readByAgent(5208, true)
      .catch((e: unknown) => e)) as HelpCrunchError
    expect(error.status).toBe(404)
    expect(error.has('not_fount')).toBe(true)
  })

  it('names the bad field of a 400', async () => {
    const error = (await client.chats
      .readByAgent(2, 'yes' as unknown as boolean)
      .catch((e: unknown) => e)) as HelpCrunchError
    expect(error.status).toBe(400)
    expect(error.has('read')).toBe(true)
    expect(error.message).toBe('HelpCrunch answered 400: read: This value should be of type bool.')
  })

  it('answers a wrong key with a 401', async () => {
    const stranger = createClient({ apiKey: 'not-a-key', baseUrl: `${server.url}/v1` })
    await expect(stranger.chats.list()).rejects.toMatchObject({ status: 401 })
  })

  it('throws ConnectionError, saying what to check, when nothing answers', async () => {
    const nowhere = createClient({ apiKey: ACME_KEY, baseUrl: 'http://127.0.0.1:1/v1' })
    const error = await nowhere.chats.list().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectionError)
    expect((error as Error).message).toMatch(/Cannot reach http:\/\/127\.0\.0\.1:1: .*base URL/)
  })

  it("talks to HelpCrunch's own API unless told otherwise", async () => {
    const urls: string[] = []
    const offline = createClient({
      apiKey: 'k',
      fetch: (input) => {
        urls.push((input as URL).href)
        return Promise.reject(new Error('offline'))
      },
    })
    await expect(offline.chats.get(5208)).rejects.toBeInstanceOf(ConnectionError)
    expect(HELPCRUNCH_BASE_URL).toBe('https://api.helpcrunch.com/v1')
    expect(urls).toEqual(['https://api.helpcrunch.com/v1/chats/5208'])
  })
})

describe('the package', () => {
  it('is importable as opencrunch/client, and its files import only each other', () => {
    const root = fileURLToPath(new URL('..', import.meta.url))
    const printed = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import { createClient, HELPCRUNCH_BASE_URL } from 'opencrunch/client';" +
          'console.log(typeof createClient, HELPCRUNCH_BASE_URL)',
      ],
      { cwd: root, encoding: 'utf8' },
    )
    expect(printed.trim()).toBe('function https://api.helpcrunch.com/v1')
    // Nothing outside dist/client (no server code, no typebox): it runs in a browser as is.
    const dir = join(root, 'dist', 'client')
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.js'))) {
      const source = readFileSync(join(dir, file), 'utf8')
      for (const [, specifier] of source.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
        expect(specifier, `${file} imports ${specifier}`).toMatch(/^\.\/[\w-]+\.js$/)
      }
    }
  })
})

describe('429 and Retry-After', () => {
  let limited: TestServer
  beforeAll(async () => {
    // Two requests a second per key: the third waits for the next window.
    limited = await startServer({ fixture: acmeFixture(), rateLimit: 2, rateLimitWindowMs: 1000 })
  })
  afterAll(async () => {
    await limited.close()
  })
  const at = (options: object = {}) =>
    createClient({ apiKey: ACME_KEY, baseUrl: `${limited.url}/v1`, ...options })

  it('waits the Retry-After the server gives, then succeeds', async () => {
    const waits: Array<[number, number]> = []
    const patient = at({
      onRetry: (seconds: number, retry: number) => waits.push([seconds, retry]),
    })
    await patient.agents.list()
    await patient.agents.list()
    const started = Date.now()
    const page = await patient.agents.list()
    expect(page.data).toHaveLength(2)
    expect(waits).toEqual([[1, 1]])
    // The server said to wait a second; the client did, and not much longer.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('throws RateLimitError with retryAfter once its retries are used up', async () => {
    const hasty = at({ maxRetries: 0 })
    await new Promise((resolve) => setTimeout(resolve, 1100))
    await hasty.agents.list()
    await hasty.agents.list()
    const error = await hasty.agents.list().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RateLimitError)
    expect(error).toMatchObject({ status: 429, retryAfter: 1 })
    expect((error as RateLimitError).has('too_many_requests')).toBe(true)
  })

  it('does not wait longer than the caller allows', async () => {
    const bounded = at({ maxRetryWaitMs: 10 })
    await new Promise((resolve) => setTimeout(resolve, 1100))
    await bounded.agents.list()
    await bounded.agents.list()
    const started = Date.now()
    await expect(bounded.agents.list()).rejects.toBeInstanceOf(RateLimitError)
    expect(Date.now() - started).toBeLessThan(900) // it did not wait out the second
  })
})
