import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ALICE, CLEARED, customerWorld } from './helpers/customer-world.js'
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

/** A customer with nothing set, as the wire shows one. */
const NOTHING = { ...CLEARED, device: null }
const BOB = { ...NOTHING, id: 101, name: 'Bob', email: 'bob@example.com', userId: 'bob-1' }
const CAROL = { ...NOTHING, id: 102, name: 'Carol', userId: 'carol-1' }

let server: TestServer
let clock = T0
beforeEach(async () => {
  clock = T0
  const world = customerWorld()
  world.organizations[0]!.customers!.push({ id: 102, name: 'Carol', userId: 'carol-1' })
  server = await startServer({ fixture: world, now: () => clock })
})
afterEach(() => server.close())

const batch = (body?: unknown, key?: string | null) =>
  server.request('PUT', '/v1/customers/batch', { body, ...(key === undefined ? {} : { key }) })
const get = async (id: number) => (await server.request('GET', `/v1/customers/${id}`)).body

/** Alice, Bob and Carol are as the fixture made them. */
async function expectNothingChanged() {
  expect(await get(100)).toEqual(ALICE)
  expect(await get(101)).toEqual(BOB)
  expect(await get(102)).toEqual(CAROL)
}

describe('PUT /v1/customers/batch', () => {
  it.each(UNAUTHORIZED_KEYS)('answers %s with 401 and changes nothing', async (_name, key) => {
    const res = await batch([{ customer: 101, notes: 'x' }], key)
    expect(res.status).toBe(401)
    expect(res.body).toEqual(UNAUTHORIZED)
    await expectNothingChanged()
  })

  const eleven = Array.from({ length: 11 }, () => ({ customer: 101, notes: 'x' }))
  it.each([
    ['no body', undefined, 'body', 'This value should be of type array.'],
    ['an object', { customer: 101, notes: 'x' }, 'body', 'This value should be of type array.'],
    ['an empty array', [], 'body', 'This collection should contain 1 element or more.'],
    ['11 items', eleven, 'body', 'This collection should contain 10 elements or less.'],
    [
      'an item that is not an object',
      [{ customer: 101 }, 'x'],
      '[1]',
      'This value should be of type object.',
    ],
    ['an item without customer', [{ customer: 101 }, { notes: 'x' }], '[1].customer', BLANK],
    ['a customer id as words', [{ customer: 'bob', notes: 'x' }], '[0].customer', NUMERIC],
    ['a customer id of 0', [{ customer: 0, notes: 'x' }], '[0].customer', NUMERIC],
    [
      'a bad email in the third item',
      [
        { customer: 100, notes: 'x' },
        { customer: 101, notes: 'y' },
        { customer: 102, email: 'nope' },
      ],
      '[2].email',
      'This value is not a valid email address.',
    ],
    [
      'a tag without a name',
      [{ customer: 101, tags: [{ color: '#000' }] }],
      '[0].tags[0].name',
      BLANK,
    ],
    [
      'a custom attribute that is not a scalar',
      [{ customer: 101, customData: { plan: [1] } }],
      '[0].customData.plan',
      'This value should be of type string|int|float|bool.',
    ],
  ])(
    'answers %s with a 400 coded with the path, changing nothing',
    async (_n, body, code, message) => {
      const res = await batch(body)
      expect(res.status).toBe(400)
      expect(res.body).toEqual({ errors: [INVALID, { code, message }] })
      await expectNothingChanged()
    },
  )

  it('names every item whose location differs from its fields, changing none of them', async () => {
    const res = await batch([
      { customer: 100, location: { city: 'Faro' } },
      { customer: 101, city: 'Porto', location: { city: 'Faro' } },
      { customer: 100, countryCode: 'PT', location: null },
    ])
    expect(res.status).toBe(400)
    expect(res.body.errors).toEqual([
      INVALID,
      { code: '[1].location.city', message: 'This value differs from city, which is given too.' },
      {
        code: '[2].location.countryCode',
        message: 'This value differs from countryCode, which is given too.',
      },
    ])
    await expectNothingChanged()
  })

  it('answers an unknown customer in the third item with 404, changing none of the others', async () => {
    const res = await batch([
      { customer: 100, notes: 'changed' },
      { customer: 101, notes: 'changed', tags: [{ name: 'Ghost' }] },
      { customer: 999999, notes: 'changed' },
    ])
    expect(res.status).toBe(404)
    expect(res.body).toEqual({ errors: notFound('Customer') })
    await expectNothingChanged()
  })

  it("answers the other organization's customer in an item with the same 404", async () => {
    const res = await batch([
      { customer: 101, notes: 'changed' },
      { customer: 200, notes: 'changed' },
    ])
    expect(res.status).toBe(404)
    expect(res.body).toEqual({ errors: notFound('Customer') })
    await expectNothingChanged()
    const marge = await server.request('GET', '/v1/customers/200', { key: GLOBEX_KEY })
    expect(marge.body.notes).toBeNull()
  })

  const DUPLICATE = {
    errors: [
      INVALID,
      { code: 'invalid_userId_value', message: 'A customer with this userId already exists' },
    ],
  }

  it("refuses another customer's userId in the third item, changing none of the others", async () => {
    const res = await batch([
      { customer: 100, notes: 'changed' },
      { customer: 101, notes: 'changed' },
      { customer: 102, userId: 'alice-1' },
    ])
    expect(res.status).toBe(400)
    expect(res.body).toEqual(DUPLICATE)
    await expectNothingChanged()
  })

  it('refuses two items giving two customers the same new userId, changing nothing', async () => {
    const res = await batch([
      { customer: 101, userId: 'shared' },
      { customer: 102, userId: 'shared' },
    ])
    expect(res.status).toBe(400)
    expect(res.body).toEqual(DUPLICATE)
    await expectNothingChanged()
  })

  it('applies each item as a PATCH and answers the customers in the order of the items', async () => {
    clock = T0 + 60_000
    const res = await batch([
      {
        customer: 102,
        email: 'carol@example.com',
        customData: [{ property: 'plan', value: 'free' }],
      },
      { customer: '100', notes: null, customData: { seats: 13 }, tags: [{ name: 'Lead' }] },
      { customer: 101, notes: 'called', unsubscribed: true },
    ])
    expect(res.status).toBe(200)
    expect(Array.isArray(res.body)).toBe(true)
    expect(res.body).toEqual([
      { ...CAROL, email: 'carol@example.com', customData: { plan: 'free' } },
      {
        ...ALICE,
        notes: null,
        customData: { plan: 'pro', seats: 13 },
        tags: [{ name: 'Lead', color: '#c57de0' }],
      },
      { ...BOB, notes: 'called', unsubscribed: true },
    ])
    for (const customer of res.body) expect(await get(customer.id)).toEqual(customer)
    const updated = await server.db.all<{ id: number; updated_at: number }>(
      'SELECT id, updated_at FROM customers WHERE organization_id = 1 ORDER BY id',
    )
    expect(updated).toEqual([
      { id: 100, updated_at: T0_SECONDS + 60 },
      { id: 101, updated_at: T0_SECONDS + 60 },
      { id: 102, updated_at: T0_SECONDS + 60 },
    ])
  })

  it('takes 10 items, one customer named in several answered each time as it ended', async () => {
    const items = Array.from({ length: 10 }, (_, i) => ({ customer: 101, notes: `n${i}` }))
    const res = await batch(items)
    expect(res.status).toBe(200)
    expect(res.body).toHaveLength(10)
    for (const customer of res.body) expect(customer).toMatchObject({ id: 101, notes: 'n9' })
  })

  it('keeps every field an item does not mention, tags and customData included', async () => {
    const res = await batch([{ customer: 100, userId: 'alice-2' }])
    expect(res.status).toBe(200)
    expect(res.body).toEqual([{ ...ALICE, userId: 'alice-2' }])
  })
})
