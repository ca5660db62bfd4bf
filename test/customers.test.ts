import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Customer } from '../src/contract/index.js'
import type { Fixture } from '../src/server/fixtures/fixture.schema.js'
import {
  ACME_KEY,
  GLOBEX_KEY,
  T0,
  T0_SECONDS,
  acmeOrganization,
  globexOrganization,
} from './helpers/fixtures.js'
import { startServer, type TestServer } from './helpers/server.js'
import { INVALID, UNAUTHORIZED } from './helpers/wire.js'

const CUSTOMER_KEYS = Object.keys(Customer.properties)
const CUSTOMER_NOT_FOUND = {
  errors: [INVALID, { code: 'not_found', message: 'Customer not found' }],
}

/**
 * acme with three customers whose firstSeen, lastSeen and id orders all differ:
 * firstSeen 100 < 102 < 101, lastSeen 101 < 102 < 100, id 100 < 101 < 102. globex has 200.
 */
function customerFixture(): Fixture {
  const acme = acmeOrganization()
  const [alice, bob] = acme.customers!
  acme.customers = [
    { ...alice!, firstSeen: T0_SECONDS - 300, lastSeen: T0_SECONDS - 10 },
    { ...bob!, firstSeen: T0_SECONDS - 100, lastSeen: T0_SECONDS - 200 },
    { id: 102, name: 'Carol', firstSeen: T0_SECONDS - 200, lastSeen: T0_SECONDS - 100 },
  ]
  return { organizations: [acme, globexOrganization()] }
}

let server: TestServer
beforeEach(async () => {
  server = await startServer({ fixture: customerFixture(), now: () => T0 })
})
afterEach(() => server.close())

const create = (body?: unknown, key: string = ACME_KEY) =>
  server.request('POST', '/v1/customers', { body, key })
const list = (query = '', key: string = ACME_KEY) =>
  server.request('GET', `/v1/customers${query}`, { key })
const total = async (key: string = ACME_KEY) => (await list('', key)).body.total as number
const ids = (res: { body: any }) => res.body.data.map((c: any) => c.id)

describe('POST /v1/customers', () => {
  it('answers a missing or unknown key with 401 and creates nothing', async () => {
    for (const key of [null, 'not-a-key']) {
      const res = await server.request('POST', '/v1/customers', { key, body: { name: 'Eve' } })
      expect(res.status).toBe(401)
      expect(res.body).toEqual(UNAUTHORIZED)
    }
    expect(await total()).toBe(3)
  })

  const typed = (type: string) => `This value should be of type ${type}.`
  it.each([
    [
      'email not an email',
      { email: 'not-an-email' },
      'email',
      'This value is not a valid email address.',
    ],
    ['name as a number', { name: 5 }, 'name', typed('string')],
    ['a tag without a name', { tags: [{}] }, 'tags[0].name', 'This value should not be blank.'],
    ['customData as a string', { customData: 'x' }, 'customData', typed('array')],
    ['unsubscribed as a string', { unsubscribed: 'yes' }, 'unsubscribed', typed('bool')],
    ['firstSeen as words', { firstSeen: 'yesterday' }, 'firstSeen', typed('numeric')],
    [
      'a custom attribute without a value',
      { customData: [{ property: 'plan' }] },
      'customData[0].value',
      'This value should not be blank.',
    ],
    [
      'a custom attribute that is not a scalar',
      { customData: { plan: { tier: 1 } } },
      'customData.plan',
      typed('string|int|float|bool'),
    ],
    [
      'a custom attribute named __proto__ in the list form',
      { customData: [{ property: '__proto__', value: 'x' }] },
      'customData[0].property',
      'This value is not valid.',
    ],
    [
      'a custom attribute named constructor in the object form',
      { customData: { constructor: 'x' } },
      'customData.constructor',
      'This field was not expected.',
    ],
    [
      'a custom attribute with an empty name',
      { customData: { '': 1 } },
      'customData.',
      'This field was not expected.',
    ],
  ])(
    'answers %s with a 400 coded with the field path, creating nothing',
    async (_n, body, code, message) => {
      const res = await create({ name: 'Eve', ...body })
      expect(res.status).toBe(400)
      expect(res.body).toEqual({ errors: [INVALID, { code, message }] })
      expect(await total()).toBe(3)
    },
  )

  it('answers a firstSeen too large to be UNIX seconds (1e300) with a 400', async () => {
    const res = await server.request('POST', '/v1/customers', { raw: '{"firstSeen": 1e300}' })
    expect(res.status).toBe(400)
    expect(res.body).toEqual({
      errors: [INVALID, { code: 'firstSeen', message: typed('numeric') }],
    })
    expect(await total()).toBe(3)
  })

  it('refuses a __proto__ key in the object form as such, polluting nothing', async () => {
    const res = await server.request('POST', '/v1/customers', {
      raw: '{"customData": {"__proto__": {"polluted": true}}}',
    })
    expect(res.status).toBe(400)
    expect(res.body.errors).toEqual([
      INVALID,
      {
        code: 'body',
        message: 'This value must not use __proto__ or constructor.prototype as a key.',
      },
    ])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(await total()).toBe(3)
  })

  it('answers several bad fields with one entry each', async () => {
    const res = await create({ email: 'nope', blocked: 'no' })
    expect(res.status).toBe(400)
    expect(res.body.errors[0]).toEqual(INVALID)
    expect(
      res.body.errors
        .slice(1)
        .map((e: any) => e.code)
        .sort(),
    ).toEqual(['blocked', 'email'])
  })

  it('answers a userId the organization already has with 400 invalid_userId_value', async () => {
    const res = await create({ name: 'Alice again', userId: 'alice-1', tags: [{ name: 'Ghost' }] })
    expect(res.status).toBe(400)
    expect(res.body).toEqual({
      errors: [INVALID, { code: 'invalid_userId_value', message: expect.stringMatching(/userId/) }],
    })
    expect(await total()).toBe(3)
    // The failed attempt left no tag behind: "Ghost" is created now, with the color given now.
    const later = await create({ tags: [{ name: 'Ghost', color: '#000000' }] })
    expect(later.body.tags).toEqual([{ name: 'Ghost', color: '#000000' }])
  })

  it("accepts a userId that only the other organization's customer has", async () => {
    const res = await create({ name: 'Marge at acme', userId: 'marge-1' })
    expect(res.status).toBe(201)
    expect(res.body.userId).toBe('marge-1')
    const theirs = await create({ userId: 'alice-1' }, GLOBEX_KEY)
    expect(theirs.status).toBe(201)
    expect(await total(GLOBEX_KEY)).toBe(2)
  })

  it('creates a customer: 201 and every field, in the documented order', async () => {
    const res = await create({
      name: 'Dana',
      email: 'dana@example.com',
      userId: 'dana-1',
      company: 'Initech',
      phone: '+1 555 0100',
      firstSeen: 1700000000,
      lastSeen: '1700000100',
      city: 'Lisbon',
      regionCode: '11',
      countryCode: 'PT',
      unsubscribed: true,
      blocked: false,
      source: 'https://initech.test/',
      referer: 'https://search.test/',
      lastPage: 'https://initech.test/pricing',
      locale: 'pt',
      createdFrom: 'telegram',
      integrationId: '465847687',
      notes: 'VIP',
      tags: [{ name: 'Lead', color: '#c57de0' }, { name: 'Black Friday' }],
      customData: [
        { property: 'plan', value: 'pro' },
        { property: 'seats', value: 12 },
        { property: 'trial', value: false },
      ],
    })
    expect(res.status).toBe(201)
    expect(Object.keys(res.body)).toEqual(CUSTOMER_KEYS)
    expect(res.body).toEqual({
      id: expect.any(Number),
      name: 'Dana',
      email: 'dana@example.com',
      userId: 'dana-1',
      company: 'Initech',
      phone: '+1 555 0100',
      firstSeen: '1700000000',
      lastSeen: '1700000100',
      location: { regionCode: '11', countryCode: 'PT', city: 'Lisbon' },
      device: null,
      unsubscribed: true,
      blocked: false,
      source: 'https://initech.test/',
      referer: 'https://search.test/',
      lastPage: 'https://initech.test/pricing',
      locale: 'pt',
      createdFrom: 'telegram',
      integrationId: '465847687',
      notes: 'VIP',
      tags: [
        { name: 'Lead', color: '#c57de0' },
        { name: 'Black Friday', color: '#c377e0' },
      ],
      customData: { plan: 'pro', seats: 12, trial: false },
    })
    expect(Object.keys(res.body.location)).toEqual(['regionCode', 'countryCode', 'city'])
    expect(res.body.id).not.toBe(100)
    expect(await total()).toBe(4)
    const back = await server.request('GET', `/v1/customers/${res.body.id}`)
    expect(back.body).toEqual(res.body)
  })

  it('accepts customData as an object and answers it as an object', async () => {
    const res = await create({ customData: { plan: 'free', score: 1.5, vip: true, note: null } })
    expect(res.status).toBe(201)
    expect(res.body.customData).toEqual({ plan: 'free', score: 1.5, vip: true, note: null })
  })

  it('accepts location as it answers it, and refuses a city given two ways, creating nothing', async () => {
    const location = { regionCode: 'CA', countryCode: 'US', city: 'San Jose' }
    const res = await create({ location })
    expect(res.status, res.text).toBe(201)
    expect(res.body.location).toEqual(location)
    const total = (await server.request('GET', '/v1/customers')).body.total
    const conflict = await create({ city: 'Austin', location })
    expect(conflict.status).toBe(400)
    expect(conflict.body.errors).toEqual([
      INVALID,
      { code: 'location.city', message: 'This value differs from city, which is given too.' },
    ])
    expect((await server.request('GET', '/v1/customers')).body.total).toBe(total)
  })

  it('accepts firstSeen as a numeric string and answers it as a string', async () => {
    const res = await create({ firstSeen: '1603885746' })
    expect(res.status).toBe(201)
    expect(res.body.firstSeen).toBe('1603885746')
  })

  it('reuses a tag the organization has, with its color', async () => {
    const res = await create({ tags: [{ name: 'Autonomy', color: '#ffffff' }] })
    expect(res.body.tags).toEqual([{ name: 'Autonomy', color: '#c377e0' }])
  })

  it.each([
    ['no body', undefined],
    ['an empty object', {}],
  ])('creates a customer with nulls from %s', async (_name, body) => {
    const res = await create(body)
    expect(res.status).toBe(201)
    expect(Object.keys(res.body)).toEqual(CUSTOMER_KEYS)
    expect(res.body).toEqual({
      id: expect.any(Number),
      name: null,
      email: null,
      userId: null,
      company: null,
      phone: null,
      firstSeen: null,
      lastSeen: null,
      location: { regionCode: null, countryCode: null, city: null },
      device: null,
      unsubscribed: false,
      blocked: false,
      source: null,
      referer: null,
      lastPage: null,
      locale: null,
      createdFrom: null,
      integrationId: null,
      notes: null,
      tags: [],
      customData: {},
    })
    expect(await total()).toBe(4)
  })
})

describe('GET /v1/customers', () => {
  it('answers a missing or unknown key with 401', async () => {
    for (const key of [null, 'not-a-key']) {
      const res = await server.request('GET', '/v1/customers', { key })
      expect(res.status).toBe(401)
      expect(res.body).toEqual(UNAUTHORIZED)
    }
  })

  const choice = 'The value you selected is not a valid choice.'
  it.each([
    ['an unknown sort', '?sort=customers.name', 'sort', choice],
    ['a sort of another resource', '?sort=chats.createdAt', 'sort', choice],
    ['an unknown order', '?order=up', 'order', choice],
    ['a limit of 0', '?limit=0', 'limit', 'This value should be greater than or equal to 1.'],
    ['a limit as text', '?limit=many', 'limit', 'This value should be of type int.'],
    [
      'a negative offset',
      '?offset=-1',
      'offset',
      'This value should be greater than or equal to 0.',
    ],
  ])('answers %s with a 400 naming the parameter', async (_name, query, code, message) => {
    const res = await list(query)
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ errors: [INVALID, { code, message }] })
  })

  it('answers an offset beyond any integer the database takes with a 400, not a 500', async () => {
    const res = await list('?offset=99999999999999999999')
    expect(res.status).toBe(400)
    expect(res.body.errors[0]).toEqual(INVALID)
    expect(res.body.errors[1].code).toBe('offset')
  })

  it('lists with the total at the top level, newest first by default', async () => {
    const res = await list()
    expect(res.status).toBe(200)
    expect(Object.keys(res.body)).toEqual(['data', 'total'])
    expect(res.body.total).toBe(3)
    expect(ids(res)).toEqual([102, 101, 100])
    for (const customer of res.body.data) expect(Object.keys(customer)).toEqual(CUSTOMER_KEYS)
    expect(res.body.data[2]).toMatchObject({
      name: 'Alice',
      firstSeen: String(T0_SECONDS - 300),
      tags: [{ name: 'Autonomy', color: '#c377e0' }],
    })
    const created = await create({ name: 'Newest' })
    expect(ids(await list())[0]).toBe(created.body.id)
  })

  it.each([
    ['customers.firstSeen', 'asc', [100, 102, 101]],
    ['firstSeen', 'ASC', [100, 102, 101]],
    ['customers.firstSeen', 'desc', [101, 102, 100]],
    ['firstSeen', 'Desc', [101, 102, 100]],
    ['customers.lastSeen', 'asc', [101, 102, 100]],
    ['lastSeen', 'DESC', [100, 102, 101]],
  ])('sorts by %s %s', async (sort, order, expected) => {
    const res = await list(`?sort=${sort}&order=${order}`)
    expect(res.status).toBe(200)
    expect(ids(res)).toEqual(expected)
  })

  it('sorts descending when only sort is given', async () => {
    expect(ids(await list('?sort=customers.firstSeen'))).toEqual([101, 102, 100])
  })

  it('pages with limit and offset, the total staying the whole count', async () => {
    const first = await list('?limit=2')
    expect(ids(first)).toEqual([102, 101])
    expect(first.body.total).toBe(3)
    const second = await list('?limit=2&offset=2')
    expect(ids(second)).toEqual([100])
    expect(second.body.total).toBe(3)
    const past = await list('?offset=10')
    expect(past.body).toEqual({ data: [], total: 3 })
  })

  it('returns 100 by default and at most 100 whatever limit says', async () => {
    const acme = acmeOrganization()
    for (let i = 0; i < 103; i += 1) acme.customers!.push({ name: `Bulk ${i}` })
    const big = await startServer({ fixture: { organizations: [acme] }, now: () => T0 })
    try {
      const byDefault = await big.request('GET', '/v1/customers')
      expect(byDefault.body.data).toHaveLength(100)
      expect(byDefault.body.total).toBe(105)
      const capped = await big.request('GET', '/v1/customers?limit=500')
      expect(capped.status).toBe(200)
      expect(capped.body.data).toHaveLength(100)
      const rest = await big.request('GET', '/v1/customers?offset=100&limit=100')
      expect(rest.body.data).toHaveLength(5)
    } finally {
      await big.close()
    }
  })

  it('shows each organization only its own customers', async () => {
    expect(ids(await list())).not.toContain(200)
    const theirs = await list('', GLOBEX_KEY)
    expect(theirs.body.total).toBe(1)
    expect(ids(theirs)).toEqual([200])
    await create({ name: 'Acme only' })
    expect((await list('', GLOBEX_KEY)).body.total).toBe(1)
  })
})

describe('GET /v1/customers/{id}', () => {
  it('answers a missing or unknown key with 401', async () => {
    for (const key of [null, 'not-a-key']) {
      const res = await server.request('GET', '/v1/customers/100', { key })
      expect(res.status).toBe(401)
      expect(res.body).toEqual(UNAUTHORIZED)
    }
  })

  it.each(['abc', '0', '-1', '1.5'])('answers the id %s with a 400', async (id) => {
    const res = await server.request('GET', `/v1/customers/${id}`)
    expect(res.status).toBe(400)
    expect(res.body).toEqual({
      errors: [INVALID, { code: 'customerId', message: 'This value should be of type numeric.' }],
    })
  })

  it('answers an unknown customer with 404 Customer not found', async () => {
    const res = await server.request('GET', '/v1/customers/999999')
    expect(res.status).toBe(404)
    expect(res.body).toEqual(CUSTOMER_NOT_FOUND)
  })

  it("answers the other organization's customer with the same 404", async () => {
    const res = await server.request('GET', '/v1/customers/200')
    expect(res.status).toBe(404)
    expect(res.body).toEqual(CUSTOMER_NOT_FOUND)
    const theirs = await server.request('GET', '/v1/customers/200', { key: GLOBEX_KEY })
    expect(theirs.status).toBe(200)
    expect(theirs.body).toMatchObject({ id: 200, name: 'Marge', userId: 'marge-1' })
    expect((await server.request('GET', '/v1/customers/100', { key: GLOBEX_KEY })).status).toBe(404)
  })

  it('answers the bare customer with its tags, in the documented order', async () => {
    const res = await server.request('GET', '/v1/customers/100')
    expect(res.status).toBe(200)
    expect(Object.keys(res.body)).toEqual(CUSTOMER_KEYS)
    expect(res.body).toMatchObject({
      id: 100,
      name: 'Alice',
      email: 'alice@example.com',
      userId: 'alice-1',
      firstSeen: String(T0_SECONDS - 300),
      lastSeen: String(T0_SECONDS - 10),
      tags: [{ name: 'Autonomy', color: '#c377e0' }],
      customData: {},
    })
  })
})
