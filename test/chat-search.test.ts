import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Fixture } from '../src/server/fixtures/fixture.schema.js'
import { GLOBEX_KEY, T0, T0_SECONDS, globexOrganization } from './helpers/fixtures.js'
import { ON_READER_THREAD, startServer, type TestServer } from './helpers/server.js'
import { INVALID, NOT_A_CHOICE, UNAUTHORIZED_TEXT } from './helpers/wire.js'

const KEY = 'search-key-1'
const t = (offset: number) => T0_SECONDS - 10_000 + offset
const customerSays = (at: number) => ({
  from: 'customer' as const,
  text: 'Hello?',
  createdAt: t(at),
})
const agentSays = (agent: string, at: number) => ({
  from: 'agent' as const,
  agent,
  text: 'On it',
  createdAt: t(at),
})
const SARAH = 'sarah@acme.test'
const MIKE = 'mike@acme.test'

/**
 * Six chats that differ in every searchable way:
 * 1 Alice, Sarah, Support, opened, read      4 Bob, Sarah, Support, pending, Sarah and Mike wrote
 * 2 Alice, unassigned, new, unread           5 Carla, Support, empty (no messages)
 * 3 Bob, Mike, Sales, closed, rated great    6 Carla, Mike, Sales, on hold, unread
 * Alice is tagged VIP and Lead, Bob Lead, Carla nothing. globex's chat 50 must never show.
 */
function world(): Fixture {
  return {
    organizations: [
      {
        id: 1,
        domain: 'acme',
        apiKeys: [KEY],
        applications: [{ id: 1, name: 'Website' }],
        agents: [
          { id: 1, name: 'Sarah', email: SARAH, role: 'admin' },
          { id: 2, name: 'Mike', email: MIKE },
        ],
        departments: [
          { id: 10, name: 'Support' },
          { id: 11, name: 'Sales' },
        ],
        customers: [
          {
            id: 100,
            name: 'Alice',
            email: 'alice@example.com',
            userId: 'u-alice',
            tags: [{ name: 'VIP' }, { name: 'Lead' }],
          },
          {
            id: 101,
            name: 'Bob',
            email: 'bob@test.org',
            userId: 'u-bob',
            tags: [{ name: 'Lead' }],
          },
          { id: 102, name: 'Carla', email: 'carla@example.com', userId: 'u-carla' },
        ],
        chats: [
          {
            id: 1,
            customer: 100,
            assignee: SARAH,
            department: 'Support',
            createdAt: t(0),
            messages: [customerSays(0), agentSays(SARAH, 10)],
          },
          { id: 2, customer: 100, createdAt: t(100), messages: [customerSays(100)] },
          {
            id: 3,
            customer: 101,
            assignee: MIKE,
            department: 'Sales',
            createdAt: t(200),
            status: 'closed',
            closedAt: t(400),
            rating: 'great',
            messages: [customerSays(200), agentSays(MIKE, 210)],
          },
          {
            id: 4,
            customer: 101,
            assignee: SARAH,
            department: 'Support',
            createdAt: t(300),
            status: 'pending',
            messages: [customerSays(300), agentSays(SARAH, 310), agentSays(MIKE, 320)],
          },
          {
            id: 5,
            customer: 102,
            department: 'Support',
            createdAt: t(500),
            createdWith: 'public_api',
          },
          {
            id: 6,
            customer: 102,
            assignee: MIKE,
            department: 'Sales',
            createdAt: t(600),
            status: 'on hold',
            messages: [agentSays(MIKE, 600), customerSays(650)],
          },
        ],
      },
      globexOrganization(),
    ],
  }
}

let server: TestServer
beforeAll(async () => {
  server = await startServer({
    fixture: world(),
    key: KEY,
    now: () => T0,
    ...ON_READER_THREAD,
  })
})
afterAll(() => server.close())

const search = (body: unknown, key: string | null = KEY) =>
  server.request('POST', '/v1/chats/search', { body, key })
const filter = (field: string, operator: string, value: unknown) => ({ field, operator, value })

/** The ids a search finds, sorted, checking the total agrees. */
async function ids(...filters: ReturnType<typeof filter>[]): Promise<number[]> {
  const res = await search({ filter: filters })
  expect(res.status, res.text).toBe(200)
  expect(res.body.meta.total).toBe(res.body.data.length)
  return res.body.data.map((chat: any) => chat.id).sort((a: number, b: number) => a - b)
}

describe('POST /v1/chats/search: fields and operators', () => {
  it.each([
    ['assignee =', filter('chats.assignee', '=', 1), [1, 4]],
    ['assignee != (unassigned included)', filter('chats.assignee', '!=', 1), [2, 3, 5, 6]],
    ['assignee = null', filter('chats.assignee', '=', null), [2, 5]],
    ['assignee != null', filter('chats.assignee', '!=', null), [1, 3, 4, 6]],
    ['department >', filter('chats.department', '>', 10), [3, 6]],
    ['department <=, as a string', filter('chats.department', '<=', '10'), [1, 4, 5]],
    ['customer =', filter('chats.customer', '=', 101), [3, 4]],
    ['agents = (wrote at least once)', filter('chats.agents', '=', 2), [3, 4, 6]],
    ['agents !=', filter('chats.agents', '!=', 2), [1, 2, 5]],
    ['createdAt >', filter('chats.createdAt', '>', t(250)), [4, 5, 6]],
    [
      'createdAt >=, as a numeric string',
      filter('chats.createdAt', '>=', String(t(300))),
      [4, 5, 6],
    ],
    [
      'createdAt >=, with a fraction of zeros as HelpCrunch writes some',
      filter('chats.createdAt', '>=', `${t(300)}.000`),
      [4, 5, 6],
    ],
    ['createdAt <', filter('chats.createdAt', '<', t(200)), [1, 2]],
    ['createdAt <=', filter('chats.createdAt', '<=', t(200)), [1, 2, 3]],
    ['createdAt =', filter('chats.createdAt', '=', t(300)), [4]],
    ['createdAt !=', filter('chats.createdAt', '!=', t(300)), [1, 2, 3, 5, 6]],
    ['closedAt = null', filter('chats.closedAt', '=', null), [1, 2, 4, 5, 6]],
    ['lastMessageAt >', filter('chats.lastMessageAt', '>', t(600)), [6]],
    ['updatedAt >', filter('chats.updatedAt', '>', 0), [1, 2, 3, 4, 5, 6]],
    ['status = opened', filter('chats.status', '=', 'opened'), [1]],
    ['status = "on hold"', filter('chats.status', '=', 'on hold'), [6]],
    ['status = "3" (pending)', filter('chats.status', '=', '3'), [4]],
    ['status = 5 (closed)', filter('chats.status', '=', 5), [3]],
    ['status = empty', filter('chats.status', '=', 'empty'), [5]],
    ['status !=', filter('chats.status', '!=', 'closed'), [1, 2, 4, 5, 6]],
    ['rating =', filter('chats.rating', '=', 'great'), [3]],
    ['rating != (unrated included)', filter('chats.rating', '!=', 'great'), [1, 2, 4, 5, 6]],
    ['customer.email =', filter('chats.customer.email', '=', 'bob@test.org'), [3, 4]],
    ['customer.email != ', filter('chats.customer.email', '!=', 'bob@test.org'), [1, 2, 5, 6]],
    ['customer.email ~ (any case)', filter('chats.customer.email', '~', 'EXAMPLE'), [1, 2, 5, 6]],
    ['customer.email !~', filter('chats.customer.email', '!~', 'example'), [3, 4]],
    [
      'customer.email ~ a wildcard, matched as itself',
      filter('chats.customer.email', '~', '%'),
      [],
    ],
    ['customer.userId =', filter('chats.customer.userId', '=', 'u-carla'), [5, 6]],
    [
      'customer.tagsData = one tag',
      filter('chats.customer.tagsData', '=', [{ name: 'Lead' }]),
      [1, 2, 3, 4],
    ],
    [
      'customer.tagsData = every tag',
      filter('chats.customer.tagsData', '=', [{ name: 'VIP' }, { name: 'Lead' }]),
      [1, 2],
    ],
    ['readByAgent = false (unread)', filter('readByAgent', '=', false), [2, 6]],
    ['readByAgent = true', filter('chats.readByAgent', '=', true), [1, 3, 4, 5]],
    ['readByAgent != true', filter('readByAgent', '!=', true), [2, 6]],
    ['readByCustomer = false', filter('readByCustomer', '=', false), [1, 3, 4]],
    ['a field without its prefix', filter('status', '=', 'pending'), [4]],
  ])('filters on %s', async (_name, given, expected) => {
    expect(await ids(given)).toEqual(expected)
  })

  it('combines filters with AND by default, and with OR in any case', async () => {
    const opened = filter('chats.status', '=', 'opened')
    const pending = filter('chats.status', '=', 'pending')
    const sarah = filter('chats.assignee', '=', 1)
    expect(await ids(sarah, pending)).toEqual([4])
    const or = await search({ filter: [opened, pending], comparison: 'or' })
    expect(or.body.data.map((c: any) => c.id).sort()).toEqual([1, 4])
    const and = await search({ filter: [opened, pending], comparison: 'AND' })
    expect(and.body).toEqual({ data: [], meta: { total: 0 } })
  })

  it('matches every chat of the organization, and only of it, with an empty filter', async () => {
    const res = await search({ filter: [] })
    expect(res.body.meta.total).toBe(6)
    expect(res.body.data.map((c: any) => c.id)).toEqual([6, 5, 4, 3, 2, 1])
    const theirs = await search({ filter: [] }, GLOBEX_KEY)
    expect(theirs.body).toMatchObject({ meta: { total: 1 }, data: [{ id: 50 }] })
    expect(await search({})).toMatchObject({ body: { meta: { total: 6 } } })
  })

  it('answers each chat exactly as GET /v1/chats/{id} does', async () => {
    const res = await search({ filter: [filter('chats.customer', '=', 101)] })
    for (const chat of res.body.data) {
      expect(chat).toEqual((await server.request('GET', `/v1/chats/${chat.id}`)).body)
    }
  })
})

describe('POST /v1/chats/search: sort and paging', () => {
  const order = async (body: object) =>
    (await search({ filter: [], ...body })).body.data.map((c: any) => c.id)

  it('sorts by any sort field, prefixed or not, in either order written in any case', async () => {
    expect(await order({ sort: 'chats.createdAt', order: 'ASC' })).toEqual([1, 2, 3, 4, 5, 6])
    expect(await order({ sort: 'createdAt', order: 'desc' })).toEqual([6, 5, 4, 3, 2, 1])
    // Chat 5 has no message: it sorts last both ways.
    expect(await order({ sort: 'chats.lastMessageAt', order: 'desc' })).toEqual([6, 4, 3, 2, 1, 5])
    expect(await order({ sort: 'lastMessageAt', order: 'Asc' })).toEqual([1, 2, 3, 4, 6, 5])
  })

  it('pages with limit and offset, as numbers or numeric strings, the total counting all', async () => {
    const body = {
      filter: [filter('chats.department', '!=', null)],
      sort: 'chats.createdAt',
      order: 'asc',
    }
    const first = await search({ ...body, limit: 2 })
    expect(first.body).toMatchObject({ meta: { total: 5 } })
    expect(first.body.data.map((c: any) => c.id)).toEqual([1, 3])
    const second = await search({ ...body, limit: '2', offset: '2' })
    expect(second.body.data.map((c: any) => c.id)).toEqual([4, 5])
    const past = await search({ ...body, offset: 10 })
    expect(past.body).toEqual({ data: [], meta: { total: 5 } })
    // Unfiltered, the total is the organization's count of chats.
    const all = await search({ filter: [] })
    expect(all.body.meta.total).toBe(all.body.data.length)
    expect(await search({ filter: [], offset: 50 })).toMatchObject({
      body: { data: [], meta: { total: all.body.meta.total } },
    })
  })
})

describe('POST /v1/chats/search: errors', () => {
  it('answers a missing or unknown key with 401', async () => {
    for (const key of [null, 'nope-nope']) {
      expect((await search({ filter: [] }, key)).text).toBe(UNAUTHORIZED_TEXT)
    }
  })

  const typed = (type: string) => `This value should be of type ${type}.`
  const AT_LEAST_0 = 'This value should be greater than or equal to 0.'
  const AT_LEAST_1 = 'This value should be greater than or equal to 1.'
  it.each([
    [
      'an unknown field',
      { filter: [filter('chats.mood', '=', 1)] },
      'filter[0].field',
      NOT_A_CHOICE,
    ],
    [
      'an unknown operator',
      { filter: [filter('chats.status', 'LIKE', 'x')] },
      'filter[0].operator',
      NOT_A_CHOICE,
    ],
    [
      'contains on a time',
      { filter: [filter('chats.createdAt', '~', 1)] },
      'filter[0].operator',
      NOT_A_CHOICE,
    ],
    [
      'not-equal on tags',
      { filter: [filter('chats.customer.tagsData', '!=', [{ name: 'VIP' }])] },
      'filter[0].operator',
      NOT_A_CHOICE,
    ],
    [
      'a date written out',
      { filter: [filter('chats.createdAt', '>', '18 Jun 2020')] },
      'filter[0].value',
      typed('int'),
    ],
    [
      'a time with a fraction that is not zeros',
      { filter: [filter('chats.createdAt', '>', '1603864800.5')] },
      'filter[0].value',
      typed('int'),
    ],
    [
      'an id with a fraction of zeros, which only times may have',
      { filter: [filter('chats.assignee', '=', '1.000')] },
      'filter[0].value',
      typed('int'),
    ],
    [
      'an id as a word',
      { filter: [filter('chats.assignee', '=', 'Sarah')] },
      'filter[0].value',
      typed('int'),
    ],
    [
      'a flag as a string',
      { filter: [filter('readByAgent', '=', 'true')] },
      'filter[0].value',
      typed('bool'),
    ],
    [
      'an email as a number',
      { filter: [filter('chats.customer.email', '=', 5)] },
      'filter[0].value',
      typed('string'),
    ],
    [
      'tags as a string',
      { filter: [filter('chats.customer.tagsData', '=', 'VIP')] },
      'filter[0].value',
      typed('array'),
    ],
    [
      'an unknown status',
      { filter: [filter('chats.status', '=', 'closedish')] },
      'filter[0].value',
      NOT_A_CHOICE,
    ],
    [
      'an unknown rating',
      { filter: [filter('chats.rating', '=', 'superb')] },
      'filter[0].value',
      NOT_A_CHOICE,
    ],
    [
      'null where the field is always set',
      { filter: [filter('chats.createdAt', '=', null)] },
      'filter[0].value',
      'This value should not be blank.',
    ],
    [
      'a filter without a field',
      { filter: [{ operator: '=', value: 1 }] },
      'filter[0].field',
      'This value should not be blank.',
    ],
    ['a filter that is not a list', { filter: 'status=opened' }, 'filter', typed('array')],
    ['an unknown comparison', { filter: [], comparison: 'XOR' }, 'comparison', NOT_A_CHOICE],
    ['an unknown sort', { filter: [], sort: 'chats.rating' }, 'sort', NOT_A_CHOICE],
    ['an unknown order', { filter: [], order: 'sideways' }, 'order', NOT_A_CHOICE],
    ['limit 0', { filter: [], limit: 0 }, 'limit', AT_LEAST_1],
    ['limit "0"', { filter: [], limit: '0' }, 'limit', AT_LEAST_1],
    ['a negative offset', { filter: [], offset: -1 }, 'offset', AT_LEAST_0],
    ['a negative offset as text', { filter: [], offset: '-5' }, 'offset', AT_LEAST_0],
    [
      'an offset past 32 bits',
      { filter: [], offset: 2 ** 31 },
      'offset',
      'This value should be less than or equal to 2147483647.',
    ],
    ['limit 1.5', { filter: [], limit: 1.5 }, 'limit', typed('int')],
    ['offset as a word', { filter: [], offset: 'ten' }, 'offset', typed('int')],
  ])('answers %s with a 400 naming it', async (_name, body, code, message) => {
    const res = await search(body)
    expect(res.status).toBe(400)
    expect(res.body.errors).toEqual([INVALID, { code, message }])
  })

  it('names every bad filter of a search at once, by its index', async () => {
    const res = await search({
      filter: [
        filter('chats.status', '=', 'opened'),
        filter('chats.nope', '=', 1),
        filter('chats.createdAt', '>', 'soon'),
      ],
    })
    expect(res.body.errors.slice(1).map((e: any) => e.code)).toEqual([
      'filter[1].field',
      'filter[2].value',
    ])
  })
})

describe('POST /v1/chats/search: paging through ties', () => {
  // 30 chats created at the same second, their last messages at three times or none (unset):
  // a page boundary falls inside every run of equal keys, so only the id decides the order.
  const TIES_KEY = 'search-ties-key'
  const lastAt = (id: number) => (id > 24 ? null : t(600 + (id % 3) * 10))
  let ties: TestServer
  beforeAll(async () => {
    ties = await startServer({
      key: TIES_KEY,
      now: () => T0,
      fixture: {
        organizations: [
          {
            id: 1,
            domain: 'ties',
            apiKeys: [TIES_KEY],
            customers: [{ id: 100, name: 'Alice' }],
            chats: Array.from({ length: 30 }, (_, index) => {
              const at = lastAt(index + 1)
              return {
                id: index + 1,
                customer: 100,
                createdAt: t(0),
                messages: at === null ? [] : [customerSays(at - t(0))],
              }
            }),
          },
        ],
      },
    })
  })
  afterAll(() => ties.close())

  /** Ids in the order wanted: by the key, unset keys last, then by id, both in `order`. */
  function expected(key: (id: number) => number | null, order: 'asc' | 'desc'): number[] {
    const sign = order === 'asc' ? 1 : -1
    return Array.from({ length: 30 }, (_, index) => index + 1).sort((a, b) => {
      const [ka, kb] = [key(a), key(b)]
      if (ka !== kb) return ka === null ? 1 : kb === null ? -1 : sign * (ka - kb)
      return sign * (a - b)
    })
  }

  it.each([
    ['createdAt', 'asc'],
    ['createdAt', 'desc'],
    ['lastMessageAt', 'asc'],
    ['lastMessageAt', 'desc'],
  ] as const)('pages by %s %s in one order, whatever the page size', async (sort, order) => {
    const pages: number[] = []
    for (let offset = 0; offset < 30; offset += 4) {
      const res = await ties.request('POST', '/v1/chats/search', {
        body: { filter: [], sort, order, limit: 4, offset },
        key: TIES_KEY,
      })
      expect(res.status, res.text).toBe(200)
      pages.push(...res.body.data.map((chat: any) => chat.id))
    }
    expect(pages).toEqual(expected(sort === 'createdAt' ? () => t(0) : lastAt, order))
  })

  it('pages unread chats by last message the same way', async () => {
    const pages: number[] = []
    for (let offset = 0; offset < 24; offset += 5) {
      const res = await ties.request('POST', '/v1/chats/search', {
        body: {
          filter: [filter('readByAgent', '=', false)],
          sort: 'lastMessageAt',
          order: 'desc',
          limit: 5,
          offset,
        },
        key: TIES_KEY,
      })
      expect(res.body.meta.total).toBe(24)
      pages.push(...res.body.data.map((chat: any) => chat.id))
    }
    expect(pages).toEqual(expected(lastAt, 'desc').filter((id) => id <= 24))
  })
})
