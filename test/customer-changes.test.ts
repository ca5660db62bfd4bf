import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Customer } from '../src/contract/index.js'
import { ALICE, ALICE_BODY, CLEARED, customerWorld } from './helpers/customer-world.js'
import { GLOBEX_KEY, T0, T0_SECONDS } from './helpers/fixtures.js'
import { startServer, type TestServer } from './helpers/server.js'
import {
  BLANK,
  INVALID,
  NUMERIC,
  UNAUTHORIZED,
  UNAUTHORIZED_KEYS,
  notFound,
} from './helpers/wire.js'

const CUSTOMER_KEYS = Object.keys(Customer.properties)
const typed = (type: string) => `This value should be of type ${type}.`

let server: TestServer
let clock = T0
beforeEach(async () => {
  clock = T0
  server = await startServer({ fixture: customerWorld(), now: () => clock })
})
afterEach(() => server.close())

const get = async (id: number, key?: string) =>
  (await server.request('GET', `/v1/customers/${id}`, key ? { key } : {})).body
const updatedAt = async (id: number) =>
  (await server.db.get<{ updated_at: number }>('SELECT updated_at FROM customers WHERE id = ?', [
    id,
  ]))!.updated_at

describe.each(['PUT', 'PATCH'])('%s /v1/customers/{customerId}', (method) => {
  const change = (id: number | string, body?: unknown, key?: string | null) =>
    server.request(method, `/v1/customers/${id}`, { body, ...(key === undefined ? {} : { key }) })

  it.each(UNAUTHORIZED_KEYS)('answers %s with 401 and changes nothing', async (_name, key) => {
    const res = await change(100, { name: 'Eve' }, key)
    expect(res.status).toBe(401)
    expect(res.body).toEqual(UNAUTHORIZED)
    expect(await get(100)).toEqual(ALICE)
  })

  it.each([
    ['email not an email', { email: 'nope' }, 'email', 'This value is not a valid email address.'],
    ['name as a number', { name: 5 }, 'name', typed('string')],
    ['unsubscribed as a string', { unsubscribed: 'yes' }, 'unsubscribed', typed('bool')],
    ['firstSeen as words', { firstSeen: 'yesterday' }, 'firstSeen', typed('numeric')],
    ['firstSeen with a fraction', { firstSeen: '1700000000.5' }, 'firstSeen', typed('numeric')],
    [
      'notes too long',
      { notes: 'x'.repeat(65536) },
      'notes',
      'This value is too long. It should have 65535 characters or less.',
    ],
    ['tags as a string', { tags: 'Lead' }, 'tags', typed('array')],
    ['a tag without a name', { tags: [{ color: '#000' }] }, 'tags[0].name', BLANK],
    [
      '101 tags',
      { tags: Array.from({ length: 101 }, (_, i) => ({ name: `t${i}` })) },
      'tags',
      'This collection should contain 100 elements or less.',
    ],
    ['customData as a string', { customData: 'x' }, 'customData', typed('array')],
    [
      'a custom attribute without a value',
      { customData: [{ property: 'plan' }] },
      'customData[0].value',
      BLANK,
    ],
    [
      'a custom attribute that is not a scalar',
      { customData: { plan: { tier: 1 } } },
      'customData.plan',
      typed('string|int|float|bool'),
    ],
    ['location as a string', { location: 'Lisbon' }, 'location', typed('object')],
    ['a location city as a number', { location: { city: 5 } }, 'location.city', typed('string')],
    [
      'a location city that differs from city',
      { city: 'Porto', location: { city: 'Braga' } },
      'location.city',
      'This value differs from city, which is given too.',
    ],
    [
      'a null location beside a countryCode',
      { countryCode: 'ES', location: null },
      'location.countryCode',
      'This value differs from countryCode, which is given too.',
    ],
    [
      'a custom attribute named constructor',
      { customData: { constructor: 'x' } },
      'customData.constructor',
      'This field was not expected.',
    ],
  ])(
    'answers %s with a 400 coded with the field path, changing nothing',
    async (_n, body, code, message) => {
      const res = await change(100, body)
      expect(res.status).toBe(400)
      expect(res.body).toEqual({ errors: [INVALID, { code, message }] })
      expect(await get(100)).toEqual(ALICE)
    },
  )

  it.each(['abc', '0', '1.5'])('answers the customer id %s with a 400', async (id) => {
    const res = await change(id, { name: 'Eve' })
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ errors: [INVALID, { code: 'customerId', message: NUMERIC }] })
  })

  it('answers an unknown customer with 404 Customer not found', async () => {
    const res = await change(999999, { name: 'Eve' })
    expect(res.status).toBe(404)
    expect(res.body).toEqual({ errors: notFound('Customer') })
  })

  it("answers the other organization's customer with the same 404, changing nothing", async () => {
    const res = await change(200, { name: 'Eve' })
    expect(res.status).toBe(404)
    expect(res.body).toEqual({ errors: notFound('Customer') })
    expect(await get(200, GLOBEX_KEY)).toMatchObject({ name: 'Marge', userId: 'marge-1' })
    expect((await change(100, { name: 'Eve' }, GLOBEX_KEY)).status).toBe(404)
    expect(await get(100)).toEqual(ALICE)
  })

  it('refuses a userId another customer has with invalid_userId_value, changing nothing', async () => {
    const res = await change(100, { userId: 'bob-1', name: 'Eve', tags: [{ name: 'Ghost' }] })
    expect(res.status).toBe(400)
    expect(res.body).toEqual({
      errors: [
        INVALID,
        { code: 'invalid_userId_value', message: 'A customer with this userId already exists' },
      ],
    })
    expect(await get(100)).toEqual(ALICE)
    expect(await get(101)).toMatchObject({ userId: 'bob-1' })
    // The tag of the refused change was never created: made now, it takes the color given now.
    const tagged = await server.request('PUT', '/v1/customers/101/tags', {
      body: { tags: [{ name: 'Ghost', color: '#000000' }] },
    })
    expect(tagged.body.tags).toEqual([{ name: 'Ghost', color: '#000000' }])
  })

  it("accepts the customer's own userId, and one only another organization has", async () => {
    const own = await change(100, { ...ALICE_BODY, userId: 'alice-1' })
    expect(own.status).toBe(200)
    expect(own.body.userId).toBe('alice-1')
    const theirs = await change(100, { userId: 'marge-1' })
    expect(theirs.status).toBe(200)
    expect(theirs.body.userId).toBe('marge-1')
  })

  it('stores an empty userId as none, so several customers can have it', async () => {
    expect((await change(100, { userId: '' })).body.userId).toBeNull()
    const bob = await change(101, { userId: '' })
    expect(bob.status).toBe(200)
    expect(bob.body.userId).toBeNull()
  })

  it('answers the customer as GET then shows it, and moves updated_at to now', async () => {
    clock = T0 + 60_000
    const res = await change(100, { name: 'Alicia' })
    expect(res.status).toBe(200)
    expect(Object.keys(res.body)).toEqual(CUSTOMER_KEYS)
    expect(res.body.name).toBe('Alicia')
    expect(await get(100)).toEqual(res.body)
    expect(await updatedAt(100)).toBe(T0_SECONDS + 60)
    expect(await updatedAt(101)).toBe(T0_SECONDS)
    expect((await server.request('GET', '/v1/customers')).body.total).toBe(2)
  })

  it('takes a time with a fraction of zeros, as HelpCrunch writes some, as that second', async () => {
    const res = await change(101, { firstSeen: '1700000000.000', lastSeen: '1700000100.0' })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ firstSeen: '1700000000', lastSeen: '1700000100' })
    expect(await get(101)).toMatchObject({ firstSeen: '1700000000', lastSeen: '1700000100' })
  })

  it('sets every field a body gives, customData in the list form', async () => {
    const res = await change(101, {
      name: 'Robert',
      email: 'robert@example.com',
      userId: 'bob-2',
      company: 'Initech',
      phone: '+1 555 0199',
      firstSeen: 1700000000,
      lastSeen: '1700000100',
      city: 'Porto',
      regionCode: '13',
      countryCode: 'PT',
      unsubscribed: true,
      blocked: false,
      source: 'https://initech.test/',
      referer: 'https://ads.test/',
      lastPage: 'https://initech.test/buy',
      locale: 'en',
      createdFrom: 'widget',
      integrationId: '42',
      notes: 'Called twice',
      tags: [{ name: 'Black Friday' }, { name: 'Lead', color: '#ffffff' }],
      customData: [
        { property: 'plan', value: 'free' },
        { property: 'score', value: 1.5 },
      ],
    })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      id: 101,
      name: 'Robert',
      email: 'robert@example.com',
      userId: 'bob-2',
      company: 'Initech',
      phone: '+1 555 0199',
      firstSeen: '1700000000',
      lastSeen: '1700000100',
      location: { regionCode: '13', countryCode: 'PT', city: 'Porto' },
      device: null,
      unsubscribed: true,
      blocked: false,
      source: 'https://initech.test/',
      referer: 'https://ads.test/',
      lastPage: 'https://initech.test/buy',
      locale: 'en',
      createdFrom: 'widget',
      integrationId: '42',
      notes: 'Called twice',
      // "Lead" is acme's tag already: it keeps its color.
      tags: [
        { name: 'Black Friday', color: '#c377e0' },
        { name: 'Lead', color: '#c57de0' },
      ],
      customData: { plan: 'free', score: 1.5 },
    })
  })

  it('clears the fields given as null, the booleans to false', async () => {
    const res = await change(100, {
      ...ALICE_BODY,
      company: null,
      firstSeen: null,
      city: null,
      unsubscribed: null,
      blocked: false,
    })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      ...ALICE,
      company: null,
      firstSeen: null,
      location: { ...ALICE.location, city: null },
      unsubscribed: false,
      blocked: false,
    })
  })

  it('clears tags and customData given as null', async () => {
    const res = await change(100, { ...ALICE_BODY, tags: null, customData: null })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ ...ALICE, tags: [], customData: {} })
  })

  it('takes location as the customer answers it, each field as its top-level one', async () => {
    const location = { regionCode: '13', countryCode: 'PT', city: 'Porto' }
    const res = await change(100, { location, city: 'Porto' })
    expect(res.status, res.text).toBe(200)
    expect(res.body.location).toEqual(location)
    expect((await get(100)).location).toEqual(location)
  })

  it('keeps the customer as it was when sent back what GET answered', async () => {
    const res = await change(100, await get(100))
    expect(res.status, res.text).toBe(200)
    expect(res.body).toEqual(ALICE)
    expect(await get(100)).toEqual(res.body)
  })

  it("makes the tags given exactly the customer's, in their order", async () => {
    const res = await change(100, {
      tags: [{ name: 'New' }, { name: 'Autonomy' }, { name: 'New' }],
    })
    expect(res.body.tags).toEqual([
      { name: 'New', color: '#c377e0' },
      { name: 'Autonomy', color: '#c377e0' },
    ])
    expect((await get(100)).tags).toEqual(res.body.tags)
  })
})

describe('PUT /v1/customers/{customerId} replaces the customer', () => {
  const put = (body?: unknown) => server.request('PUT', '/v1/customers/100', { body })

  it.each([
    [
      'a body of one field',
      { notes: 'note from bridge' },
      { ...CLEARED, notes: 'note from bridge' },
    ],
    ['an empty body', {}, CLEARED],
    ['no body', undefined, CLEARED],
  ])('clears every field %s does not mention, keeping the device', async (_n, body, expected) => {
    const res = await put(body)
    expect(res.status).toBe(200)
    expect(res.body).toEqual(expected)
    expect(await get(100)).toEqual(expected)
  })

  it('replaces the whole customData with the object form', async () => {
    const res = await put({ customData: { region: 'eu', note: null } })
    expect(res.body.customData).toEqual({ region: 'eu', note: null })
  })

  it('replaces the whole customData with the list form', async () => {
    const res = await put({ customData: [{ property: 'telegram', value: '@alice' }] })
    expect(res.body.customData).toEqual({ telegram: '@alice' })
  })

  it("answers the bridge's trace requests with 200", async () => {
    const first = await put({ notes: 'note from bridge' })
    expect(first.status).toBe(200)
    const second = await put({
      email: 'alice2@example.com',
      customData: [{ property: 'telegram', value: '@alice' }],
    })
    expect(second.status).toBe(200)
    expect(second.body).toEqual({
      ...CLEARED,
      email: 'alice2@example.com',
      customData: { telegram: '@alice' },
    })
  })
})

describe('PATCH /v1/customers/{customerId} changes only what it mentions', () => {
  const patch = (body?: unknown, raw?: string) =>
    server.request('PATCH', '/v1/customers/100', raw === undefined ? { body } : { raw })

  it.each([
    ['an empty body', {}],
    ['no body', undefined],
  ])('changes nothing with %s', async (_n, body) => {
    const res = await patch(body)
    expect(res.status).toBe(200)
    expect(res.body).toEqual(ALICE)
  })

  it("answers the PHP client's trace request (no Content-Type) with 200, notes alone changed", async () => {
    const res = await patch(undefined, '{"notes": "x"}')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ ...ALICE, notes: 'x' })
    expect(await get(100)).toEqual({ ...ALICE, notes: 'x' })
  })

  it('sets and clears the fields it mentions and keeps the others', async () => {
    const res = await patch({ name: 'Alicia', email: null, regionCode: null, blocked: false })
    expect(res.body).toEqual({
      ...ALICE,
      name: 'Alicia',
      email: null,
      location: { ...ALICE.location, regionCode: null },
      blocked: false,
    })
  })

  it('merges customData in the list form: sets the given properties, keeps the others', async () => {
    const res = await patch({
      customData: [
        { property: 'seats', value: 15 },
        { property: 'trial', value: true },
      ],
    })
    expect(res.body.customData).toEqual({ plan: 'pro', seats: 15, trial: true })
    expect(res.body.tags).toEqual(ALICE.tags)
  })

  it('merges customData in the object form, removing a property given as null', async () => {
    const res = await patch({ customData: { plan: null, region: 'eu', missing: null } })
    expect(res.body.customData).toEqual({ seats: 12, region: 'eu' })
    expect((await get(100)).customData).toEqual({ seats: 12, region: 'eu' })
  })

  it('changes only the location fields its location names, and clears all three with null', async () => {
    const city = await server.request('PATCH', '/v1/customers/100', {
      body: { location: { city: 'Sintra' } },
    })
    expect(city.status, city.text).toBe(200)
    expect(city.body.location).toEqual({ ...ALICE.location, city: 'Sintra' })
    const cleared = await server.request('PATCH', '/v1/customers/100', { body: { location: null } })
    expect(cleared.status, cleared.text).toBe(200)
    expect(cleared.body.location).toEqual({ regionCode: null, countryCode: null, city: null })
    expect(cleared.body.name).toBe(ALICE.name)
  })

  it('keeps the tags when tags is not given', async () => {
    const res = await patch({ notes: 'x' })
    expect(res.body.tags).toEqual(ALICE.tags)
  })
})
