import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { Chat } from '../src/contract/index.js'
import type { Fixture, FixtureChat, FixtureMessage } from '../src/server/fixtures/fixture.schema.js'
import { ACME_KEY, GLOBEX_KEY, T0, T0_SECONDS, twoTenantFixture } from './helpers/fixtures.js'
import { startServer, type TestResponse, type TestServer } from './helpers/server.js'
import {
  ALICE,
  BLANK,
  BOB,
  INVALID,
  MIKE,
  NOT_A_CHOICE,
  NUMERIC,
  SARAH,
  UNAUTHORIZED_KEYS,
  UNAUTHORIZED_TEXT,
  notFound,
} from './helpers/wire.js'

/** The chat-model field order, as the contract declares it. */
const CHAT_KEYS = Object.keys(Chat.properties)
const t = (offset: number) => T0_SECONDS - 3600 + offset

/** Starts a server with `fixture` before each test (or once for the describe), closes it after. */
function serverFor(fixture: () => Fixture, per: 'test' | 'suite' = 'test'): () => TestServer {
  let server: TestServer | undefined
  const start = async () => {
    server = await startServer({ fixture: fixture(), now: () => T0 })
  }
  const stop = () => server?.close()
  if (per === 'test') {
    beforeEach(start)
    afterEach(stop)
  } else {
    beforeAll(start)
    afterAll(stop)
  }
  return () => server!
}

const ids = (res: TestResponse): number[] => res.body.data.map((chat: any) => chat.id)
/** The field problems of a 400, by field; the first entry must be `invalid_request`. */
const problems = (res: TestResponse): Record<string, string> => {
  expect(res.body.errors[0]).toEqual(INVALID)
  return Object.fromEntries(res.body.errors.slice(1).map((e: any) => [e.code, e.message]))
}

/** One organization whose chats have distinct, tied and unset times for every sort field. */
function sortFixture(): Fixture {
  const customer = 300
  const agent = 'ann@sorty.test'
  const said = (text: string, at: number) => ({ from: 'customer' as const, text, createdAt: t(at) })
  const answered = (text: string, at: number): FixtureMessage => ({
    ...said(text, at),
    from: 'agent',
    agent,
  })
  const closed = (at: number) => ({ status: 'closed', closedAt: t(at) })
  const chat = (id: number, at: number, more?: Partial<FixtureChat>) =>
    ({ id, customer, createdAt: t(at), ...more }) satisfies FixtureChat
  return {
    organizations: [
      {
        domain: 'sorty',
        apiKeys: ['sorty-test-key'],
        applications: [{ name: 'Site' }],
        agents: [{ name: 'Ann', email: agent }],
        customers: [{ id: customer, name: 'Carl' }],
        // Listed out of id order, so only the sort can put them in order.
        chats: [
          chat(15, 30, { messages: [said('e', 30)] }),
          chat(13, 20),
          chat(11, 10, { ...closed(60), messages: [said('a', 10), answered('b', 50)] }),
          chat(14, 5, { messages: [answered('d', 70)] }),
          chat(12, 20, { ...closed(40), messages: [said('c', 30)] }),
        ],
      },
    ],
  }
}

/** Expected ids per sort field and order in `sortFixture`: ties by id, unset times last. */
const SORTED: Record<string, { asc: number[]; desc: number[] }> = {
  createdAt: { asc: [14, 11, 12, 13, 15], desc: [15, 13, 12, 11, 14] },
  lastCustomerMessageAt: { asc: [11, 12, 15, 13, 14], desc: [15, 12, 11, 14, 13] },
  lastMessageAt: { asc: [12, 15, 11, 14, 13], desc: [14, 11, 15, 12, 13] },
  closedAt: { asc: [12, 11, 13, 14, 15], desc: [11, 12, 15, 14, 13] },
}

/** One organization with 105 chats, ids 1001..1105, each created a second after the previous. */
function bulkFixture(): Fixture {
  const chat = (i: number) => ({ id: 1001 + i, customer: 400, createdAt: t(i) })
  const chats = Array.from({ length: 105 }, (_, i) => chat(i))
  const customers = [{ id: 400, name: 'Dora' }]
  return { organizations: [{ domain: 'bulk', apiKeys: ['bulk-test-key'], customers, chats }] }
}
/** `from`, `from - 1`, ... `to` */
const down = (from: number, to: number) => Array.from({ length: from - to + 1 }, (_, i) => from - i)

describe('GET /v1/chats', () => {
  describe('errors and tenants', () => {
    const server = serverFor(twoTenantFixture, 'suite')

    it.each(UNAUTHORIZED_KEYS)('answers %s with 401 and no chats', async (_name, key) => {
      const res = await server().request('GET', '/v1/chats', { key })
      expect(res.status).toBe(401)
      expect(res.text).toBe(UNAUTHORIZED_TEXT)
    })

    it.each([
      ['an unknown sort', 'sort=chats.rating', 'sort', NOT_A_CHOICE],
      ['a sort of another resource', 'sort=customers.firstSeen', 'sort', NOT_A_CHOICE],
      ['an unknown order', 'order=up', 'order', NOT_A_CHOICE],
      ['limit=0', 'limit=0', 'limit', 'This value should be greater than or equal to 1.'],
      ['limit=abc', 'limit=abc', 'limit', 'This value should be of type int.'],
      ['offset=-1', 'offset=-1', 'offset', 'This value should be greater than or equal to 0.'],
      // Not integers: the contract's PageQuery is Type.Integer, so these are bad values too.
      ['limit=1.5', 'limit=1.5', 'limit', 'This value should be of type int.'],
      ['limit=true', 'limit=true', 'limit', 'This value should be of type int.'],
      ['offset=1.7', 'offset=1.7', 'offset', 'This value should be of type int.'],
    ])('answers %s with a 400 naming the parameter', async (_name, query, code, message) => {
      const res = await server().request('GET', `/v1/chats?${query}`)
      expect(res.status).toBe(400)
      expect(res.body.errors).toEqual([INVALID, { code, message }])
    })

    it("lists only the key's own chats, and counts only them", async () => {
      const acme = await server().request('GET', '/v1/chats', { key: ACME_KEY })
      expect(acme.status).toBe(200)
      expect(ids(acme)).toEqual([3, 2, 1])
      expect(acme.body.meta).toEqual({ total: 3 })
      const globex = await server().request('GET', '/v1/chats', { key: GLOBEX_KEY })
      expect(ids(globex)).toEqual([50])
      expect(globex.body.meta).toEqual({ total: 1 })
    })

    it('answers in the {data, meta:{total}} envelope, each chat in the chat-model order', async () => {
      const res = await server().request('GET', '/v1/chats')
      expect(Object.keys(res.body)).toEqual(['data', 'meta'])
      for (const chat of res.body.data) expect(Object.keys(chat)).toEqual(CHAT_KEYS)
      const single = await server().request('GET', '/v1/chats/2')
      expect(res.body.data[1]).toEqual(single.body)
    })
  })

  describe('sorting', () => {
    const server = serverFor(sortFixture, 'suite')
    const list = (query: string) =>
      server().request('GET', `/v1/chats?${query}`, { key: 'sorty-test-key' })

    it('sorts by createdAt descending when no sort is named', async () => {
      const res = await list('')
      expect(ids(res)).toEqual(SORTED.createdAt!.desc)
      expect(res.body.meta).toEqual({ total: 5 })
    })

    it('sorts by createdAt ascending when only order=asc is named', async () => {
      expect(ids(await list('order=asc'))).toEqual(SORTED.createdAt!.asc)
    })

    const cases = Object.keys(SORTED).flatMap((field) =>
      [`chats.${field}`, field].flatMap((sort) =>
        ['asc', 'ASC', 'desc', 'DeSc'].map((order) => [sort, order] as const),
      ),
    )
    it.each(cases)('sort=%s&order=%s puts unset times last and ties by id', async (sort, order) => {
      const field = sort.replace(/^chats\./, '')
      const expected = SORTED[field]![order.toLowerCase() as 'asc' | 'desc']
      const res = await list(`sort=${sort}&order=${order}`)
      expect(res.status).toBe(200)
      expect(ids(res)).toEqual(expected)
    })

    it('answers the sorted times as stored: strings of seconds, or null when unset', async () => {
      const res = await list('sort=chats.closedAt&order=asc')
      const byId = new Map<number, any>(res.body.data.map((chat: any) => [chat.id, chat]))
      expect(byId.get(12)).toMatchObject({ closedAt: String(t(40)), status: 'closed' })
      expect(byId.get(14)).toMatchObject({ lastCustomerMessageAt: null, closedAt: null })
      expect(byId.get(14).lastMessageAt).toBe(String(t(70)))
      expect(byId.get(11)).toMatchObject({ createdAt: String(t(10)), lastMessageAt: String(t(50)) })
      expect(byId.get(11).lastCustomerMessageAt).toBe(String(t(10)))
    })
  })

  describe('paging', () => {
    const server = serverFor(bulkFixture, 'suite')
    const list = (query: string) =>
      server().request('GET', `/v1/chats?${query}`, { key: 'bulk-test-key' })

    it('answers the first 100 chats by default, with the total of all', async () => {
      const res = await list('')
      expect(ids(res)).toEqual(down(1105, 1006))
      expect(res.body.meta).toEqual({ total: 105 })
    })

    it.each(['limit=101', 'limit=500'])('caps %s at 100 chats', async (query) => {
      const res = await list(query)
      expect(ids(res)).toEqual(down(1105, 1006))
      expect(res.body.meta).toEqual({ total: 105 })
    })

    it('answers the rest past offset 100', async () => {
      expect(ids(await list('offset=100'))).toEqual(down(1005, 1001))
    })

    it('answers limit chats from offset, in the sort order', async () => {
      expect(ids(await list('limit=10&offset=20'))).toEqual(down(1085, 1076))
      expect(ids(await list('sort=createdAt&order=asc&limit=3&offset=2'))).toEqual([
        1003, 1004, 1005,
      ])
    })

    it('answers an empty page past the end, with the total', async () => {
      const res = await list('offset=200')
      expect(res.body).toEqual({ data: [], meta: { total: 105 } })
    })
  })
})

describe('GET /v1/chats/{id}', () => {
  const server = serverFor(twoTenantFixture, 'suite')

  it.each(UNAUTHORIZED_KEYS)('answers %s with 401', async (_name, key) => {
    const res = await server().request('GET', '/v1/chats/2', { key })
    expect(res.status).toBe(401)
    expect(res.text).toBe(UNAUTHORIZED_TEXT)
  })

  it.each(['abc', '0', '-1', '2.5'])('answers the id %s with a 400 on chatId', async (id) => {
    const res = await server().request('GET', `/v1/chats/${id}`)
    expect(res.status).toBe(400)
    expect(res.body.errors).toEqual([INVALID, { code: 'chatId', message: NUMERIC }])
  })

  it.each([
    ['an unknown chat', 999],
    ["another organization's chat", 50],
  ])('answers %s with 404 Chat not found', async (_name, id) => {
    const res = await server().request('GET', `/v1/chats/${id}`)
    expect(res.status).toBe(404)
    expect(res.body.errors).toEqual(notFound('Chat'))
  })

  it('answers the bare chat with every documented field, in the chat-model order', async () => {
    const res = await server().request('GET', '/v1/chats/2')
    expect(res.status).toBe(200)
    expect(Object.keys(res.body)).toEqual(CHAT_KEYS)
    const [message] = (await server().request('GET', '/v1/chats/2/messages')).body.data
    expect(res.body).toEqual({
      id: 2,
      closedBy: null,
      lastCustomerMessageAt: String(t(100)),
      status: 'new',
      closedAt: null,
      rating: null,
      createdAt: String(t(100)),
      lastMessageAt: String(t(100)),
      readByAgent: false,
      readByCustomer: true,
      createdWith: 'customer_message',
      snoozedUntil: null,
      lastMessageText: 'Where is my order?',
      lastMessageId: message.id,
      applicationId: 1,
      lastCommunicatedAgentId: null,
      agents: [],
      customer: ALICE,
      assignee: SARAH,
      department: { id: 10, name: 'Support' },
    })
  })

  it('answers the agents who wrote and the last one who talked', async () => {
    const res = await server().request('GET', '/v1/chats/1')
    expect(res.body).toMatchObject({ id: 1, status: 'opened', agents: [SARAH], assignee: null })
    expect(res.body).toMatchObject({ lastCommunicatedAgentId: 1, lastMessageText: 'Hello Alice' })
    expect(res.body).toMatchObject({ lastCustomerMessageAt: String(t(0)), department: null })
    expect(res.body.lastMessageAt).toBe(String(t(60)))
  })

  it('lets the other organization read its own chat with its own key', async () => {
    const res = await server().request('GET', '/v1/chats/50', { key: GLOBEX_KEY })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ id: 50, lastMessageText: 'Globex secret' })
  })
})

describe('POST /v1/chats', () => {
  const server = serverFor(twoTenantFixture)
  const create = (body: unknown, key?: string | null) =>
    server().request('POST', '/v1/chats', key === undefined ? { body } : { body, key })
  const total = async (key = ACME_KEY) =>
    (await server().request('GET', '/v1/chats', { key })).body.meta.total

  it.each(UNAUTHORIZED_KEYS)('answers %s with 401 and creates nothing', async (_name, key) => {
    const res = await create({ customer: 100, application: 1 }, key)
    expect(res.status).toBe(401)
    expect(res.text).toBe(UNAUTHORIZED_TEXT)
    expect(await total()).toBe(3)
  })

  const base = { customer: 100, application: 1 }
  it.each([
    ['no body', undefined, { customer: BLANK, application: BLANK }],
    ['no customer', { application: 1 }, { customer: BLANK }],
    ['no application', { customer: 100 }, { application: BLANK }],
    ['customer "abc"', { ...base, customer: 'abc' }, { customer: NUMERIC }],
    ['customer null', { ...base, customer: null }, { customer: BLANK }],
    ['customer 0', { ...base, customer: 0 }, { customer: NUMERIC }],
    ['application 1.5', { ...base, application: 1.5 }, { application: NUMERIC }],
    ['assignee true', { ...base, assignee: true }, { assignee: NUMERIC }],
    ['department "x"', { ...base, department: 'x' }, { department: NUMERIC }],
    [
      'two bad fields',
      { ...base, customer: 'abc', assignee: [1] },
      { customer: NUMERIC, assignee: NUMERIC },
    ],
  ])('answers %s with a 400 per bad field and creates nothing', async (_name, body, expected) => {
    const res = await create(body)
    expect(res.status).toBe(400)
    expect(problems(res)).toEqual(expected)
    expect(res.body.errors).toHaveLength(Object.keys(expected).length + 1)
    expect(await total()).toBe(3)
  })

  it.each([
    ['an unknown customer', { customer: 999 }, 'Customer'],
    ["another organization's customer", { customer: 200 }, 'Customer'],
    ['an unknown application', { application: 999 }, 'Application'],
    ["another organization's application", { application: 2 }, 'Application'],
    ['an unknown assignee', { assignee: 999 }, 'Agent'],
    ["another organization's assignee", { assignee: 3 }, 'Agent'],
    ['an unknown department', { department: 999 }, 'Department'],
    ["another organization's department", { department: 20 }, 'Department'],
  ])('answers %s with a 404 naming it and creates nothing', async (_name, change, entity) => {
    const res = await create({ ...base, ...change })
    expect(res.status).toBe(404)
    expect(res.body.errors).toEqual(notFound(entity))
    expect(await total()).toBe(3)
    expect(await total(GLOBEX_KEY)).toBe(1)
  })

  it('creates an empty API chat, read on both sides, with its assignee and department', async () => {
    const res = await create({ customer: 100, application: 1, assignee: 1, department: 10 })
    expect(res.status).toBe(201)
    expect(Object.keys(res.body)).toEqual(CHAT_KEYS)
    expect(typeof res.body.id).toBe('number')
    expect(res.body).toEqual({
      id: res.body.id,
      closedBy: null,
      lastCustomerMessageAt: null,
      status: 'empty',
      closedAt: null,
      rating: null,
      createdAt: String(T0_SECONDS),
      lastMessageAt: null,
      readByAgent: true,
      readByCustomer: true,
      createdWith: 'public_api',
      snoozedUntil: null,
      lastMessageText: null,
      lastMessageId: null,
      applicationId: 1,
      lastCommunicatedAgentId: null,
      agents: [],
      customer: ALICE,
      assignee: SARAH,
      department: { id: 10, name: 'Support' },
    })
    expect((await server().request('GET', `/v1/chats/${res.body.id}`)).body).toEqual(res.body)
  })

  it('leaves assignee and department null when they are not given', async () => {
    const res = await create({ customer: 101, application: 1 })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ customer: BOB, assignee: null, department: null })
  })

  it('takes an explicit null assignee and department as none', async () => {
    const res = await create({ customer: 101, application: 1, assignee: null, department: null })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ assignee: null, department: null })
  })

  it('accepts ids as numeric strings, as real clients send them', async () => {
    const res = await create({ customer: '101', application: '1', assignee: '2', department: '10' })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ customer: BOB, applicationId: 1, assignee: MIKE })
    expect(res.body.department).toEqual({ id: 10, name: 'Support' })
  })

  it('adds the chat to its own organization only, newest first', async () => {
    const res = await create({ customer: 100, application: 1 })
    const acme = await server().request('GET', '/v1/chats')
    expect(acme.body.meta).toEqual({ total: 4 })
    expect(ids(acme)[0]).toBe(res.body.id)
    expect(await total(GLOBEX_KEY)).toBe(1)
    const seen = await server().request('GET', `/v1/chats/${res.body.id}`, { key: GLOBEX_KEY })
    expect(seen.status).toBe(404)
  })
})
