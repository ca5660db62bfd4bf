import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Fixture } from '../src/server/fixtures/fixture.schema.js'
import { GLOBEX_KEY, T0, T0_SECONDS, globexOrganization } from './helpers/fixtures.js'
import { ON_READER_THREAD, startServer, type TestServer } from './helpers/server.js'
import { INVALID, NOT_A_CHOICE, UNAUTHORIZED_TEXT } from './helpers/wire.js'

const KEY = 'customer-search-key'
const t = (offset: number) => T0_SECONDS - 10_000 + offset

/** Four customers that differ in every searchable way; globex's Marge must never show. */
function world(): Fixture {
  return {
    organizations: [
      {
        id: 1,
        domain: 'acme',
        apiKeys: [KEY],
        customers: [
          {
            id: 100,
            name: 'Alice Martin',
            email: 'alice@example.com',
            userId: 'u-1',
            company: 'Martin & Co',
            phone: '+33 1 23',
            city: 'Lyon',
            countryCode: 'FR',
            regionCode: 'ARA',
            firstSeen: t(0),
            lastSeen: t(900),
            tags: [{ name: 'VIP' }, { name: 'Lead' }],
          },
          {
            id: 101,
            name: 'Bob Stone',
            email: 'bob@test.org',
            userId: 'u-2',
            city: 'Leeds',
            countryCode: 'GB',
            firstSeen: t(100),
            lastSeen: t(500),
            tags: [{ name: 'Lead' }],
          },
          { id: 102, name: 'Carla Rossi', email: 'carla@example.com', firstSeen: t(200) },
          { id: 103, email: 'visitor@example.net' },
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
  server.request('POST', '/v1/customers/search', { body, key })
const filter = (field: string, operator: string, value: unknown) => ({ field, operator, value })

async function ids(...filters: ReturnType<typeof filter>[]): Promise<number[]> {
  const res = await search({ filter: filters })
  expect(res.status, res.text).toBe(200)
  expect(res.body.total).toBe(res.body.data.length)
  return res.body.data.map((customer: any) => customer.id).sort((a: number, b: number) => a - b)
}

describe('POST /v1/customers/search', () => {
  it.each([
    ['id =', filter('customers.id', '=', 101), [101]],
    ['id >', filter('customers.id', '>', '101'), [102, 103]],
    ['name ~ (any case)', filter('customers.name', '~', 'ROSSI'), [102]],
    ['email = ', filter('customers.email', '=', 'bob@test.org'), [101]],
    ['email ~', filter('customers.email', '~', 'example'), [100, 102, 103]],
    ['email !~ (unset included)', filter('customers.email', '!~', 'example.com'), [101, 103]],
    ['userId =', filter('customers.userId', '=', 'u-1'), [100]],
    ['userId = null', filter('customers.userId', '=', null), [102, 103]],
    ['company ~', filter('customers.company', '~', 'martin'), [100]],
    ['phone ~', filter('customers.phone', '~', '+33'), [100]],
    ['city =', filter('customers.city', '=', 'Leeds'), [101]],
    ['countryCode !=', filter('customers.countryCode', '!=', 'FR'), [101, 102, 103]],
    ['regionCode =', filter('customers.regionCode', '=', 'ARA'), [100]],
    ['tagsData = one tag', filter('customers.tagsData', '=', [{ name: 'Lead' }]), [100, 101]],
    [
      'tagsData = every tag',
      filter('customers.tagsData', '=', [{ name: 'Lead' }, { name: 'VIP' }]),
      [100],
    ],
    ['lastSeen >', filter('customers.lastSeen', '>', t(600)), [100]],
    ['lastSeen <=', filter('customers.lastSeen', '<=', t(500)), [101]],
    ['firstSeen >=', filter('customers.firstSeen', '>=', t(100)), [101, 102]],
    ['firstSeen = null', filter('customers.firstSeen', '=', null), [103]],
    ['a messenger id opencrunch does not keep, =', filter('customers.telegramId', '=', '42'), []],
    [
      'a messenger id opencrunch does not keep, = null',
      filter('customers.whatsappId', '=', null),
      [100, 101, 102, 103],
    ],
    ['a messenger id opencrunch does not keep, != null', filter('telegramId', '!=', null), []],
    [
      'a messenger id opencrunch does not keep, !=',
      filter('customers.viberId', '!=', '42'),
      [100, 101, 102, 103],
    ],
    ['a field without its prefix', filter('city', '=', 'Lyon'), [100]],
  ])('filters on %s', async (_name, given, expected) => {
    expect(await ids(given)).toEqual(expected)
  })

  it('answers {data, total} with the total at the top level, customers in full', async () => {
    const res = await search({ filter: [filter('customers.id', '=', 100)] })
    expect(Object.keys(res.body)).toEqual(['data', 'total'])
    expect(res.body.data[0]).toEqual((await server.request('GET', '/v1/customers/100')).body)
  })

  it('combines with OR, sorts, pages, and keeps to the organization', async () => {
    const either = await search({
      filter: [filter('customers.city', '=', 'Lyon'), filter('customers.city', '=', 'Leeds')],
      comparison: 'OR',
      sort: 'customers.lastSeen',
      order: 'ASC',
    })
    expect(either.body.data.map((c: any) => c.id)).toEqual([101, 100])
    const page = await search({ filter: [], sort: 'firstSeen', order: 'desc', limit: 2, offset: 1 })
    expect(page.body.total).toBe(4)
    expect(page.body.data.map((c: any) => c.id)).toEqual([101, 100])
    // A page past the last match still says how many there are, filtered or not.
    const past = await search({ filter: [], offset: 10 })
    expect(past.body).toEqual({ data: [], total: 4 })
    const pastFiltered = await search({
      filter: [filter('customers.city', '=', 'Lyon')],
      offset: 5,
    })
    expect(pastFiltered.body).toEqual({ data: [], total: 1 })
    const none = await search({ filter: [filter('customers.city', '=', 'Atlantis')] })
    expect(none.body).toEqual({ data: [], total: 0 })
    const theirs = await search({ filter: [] }, GLOBEX_KEY)
    expect(theirs.body).toMatchObject({ total: 1, data: [{ id: 200 }] })
  })

  it('answers a missing or unknown key with 401', async () => {
    expect((await search({ filter: [] }, null)).text).toBe(UNAUTHORIZED_TEXT)
  })

  it.each([
    [
      'an unknown field',
      { filter: [filter('customers.shoeSize', '=', 42)] },
      'filter[0].field',
      NOT_A_CHOICE,
    ],
    [
      'a chat field',
      { filter: [filter('chats.status', '=', 'new')] },
      'filter[0].field',
      NOT_A_CHOICE,
    ],
    [
      'greater-than on a name',
      { filter: [filter('customers.name', '>', 'A')] },
      'filter[0].operator',
      NOT_A_CHOICE,
    ],
    [
      'a time written out',
      { filter: [filter('customers.lastSeen', '>', 'yesterday')] },
      'filter[0].value',
      'This value should be of type int.',
    ],
    [
      'tags as a name',
      { filter: [filter('customers.tagsData', '=', 'VIP')] },
      'filter[0].value',
      'This value should be of type array.',
    ],
    ['an unknown sort', { filter: [], sort: 'customers.name' }, 'sort', NOT_A_CHOICE],
  ])('answers %s with a 400 naming it', async (_name, body, code, message) => {
    const res = await search(body)
    expect(res.status).toBe(400)
    expect(res.body.errors).toEqual([INVALID, { code, message }])
  })
})
