import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Event } from '../src/contract/index.js'
import { GLOBEX_KEY, T0, T0_SECONDS, twoTenantFixture } from './helpers/fixtures.js'
import { startServer, type TestServer } from './helpers/server.js'
import {
  BLANK,
  INVALID,
  NUMERIC,
  UNAUTHORIZED,
  UNAUTHORIZED_KEYS,
  notFound,
} from './helpers/wire.js'

const EVENT_KEYS = Object.keys(Event.properties)

let server: TestServer
let clock = T0
beforeEach(async () => {
  clock = T0
  server = await startServer({ fixture: twoTenantFixture(), now: () => clock })
})
afterEach(() => server.close())

const post = (body?: unknown, key?: string | null) =>
  server.request('POST', '/v1/events', { body, ...(key === undefined ? {} : { key }) })
const stored = () =>
  server.db.all('SELECT id, organization_id, customer_id, name, data, created_at FROM events')

describe('POST /v1/events', () => {
  it.each(UNAUTHORIZED_KEYS)('answers %s with 401 and stores nothing', async (_name, key) => {
    const res = await post({ name: 'Click', customer: 100 }, key)
    expect(res.status).toBe(401)
    expect(res.body).toEqual(UNAUTHORIZED)
    expect(await stored()).toEqual([])
  })

  const typed = (type: string) => `This value should be of type ${type}.`
  it.each([
    ['no name', { customer: 100 }, 'name', BLANK],
    ['an empty name', { name: '', customer: 100 }, 'name', BLANK],
    ['a null name', { name: null, customer: 100 }, 'name', BLANK],
    ['a name as a number', { name: 5, customer: 100 }, 'name', typed('string')],
    [
      'a name of 256 characters',
      { name: 'x'.repeat(256), customer: 100 },
      'name',
      'This value is too long. It should have 255 characters or less.',
    ],
    ['no customer', { name: 'Click' }, 'customer', BLANK],
    ['a customer as words', { name: 'Click', customer: 'alice' }, 'customer', NUMERIC],
    ['a customer of 0', { name: 'Click', customer: 0 }, 'customer', NUMERIC],
    ['a customer as an object', { name: 'Click', customer: { id: 100 } }, 'customer', NUMERIC],
    ['data as a list', { name: 'Click', customer: 100, data: [1] }, 'data', typed('object')],
    ['data as a string', { name: 'Click', customer: 100, data: 'x' }, 'data', typed('object')],
  ])(
    'answers %s with a 400 coded with the field, storing nothing',
    async (_n, body, code, message) => {
      const res = await post(body)
      expect(res.status).toBe(400)
      expect(res.body).toEqual({ errors: [INVALID, { code, message }] })
      expect(await stored()).toEqual([])
    },
  )

  it('answers no body with one 400 entry per required field', async () => {
    const res = await post()
    expect(res.status).toBe(400)
    expect(res.body).toEqual({
      errors: [INVALID, { code: 'name', message: BLANK }, { code: 'customer', message: BLANK }],
    })
  })

  it('answers an unknown customer with 404 Customer not found, storing nothing', async () => {
    const res = await post({ name: 'Click', customer: 999999 })
    expect(res.status).toBe(404)
    expect(res.body).toEqual({ errors: notFound('Customer') })
    expect(await stored()).toEqual([])
  })

  it("answers the other organization's customer with the same 404, storing nothing", async () => {
    const res = await post({ name: 'Click', customer: 200 })
    expect(res.status).toBe(404)
    expect(res.body).toEqual({ errors: notFound('Customer') })
    expect((await post({ name: 'Click', customer: 100 }, GLOBEX_KEY)).status).toBe(404)
    expect(await stored()).toEqual([])
  })

  it('stores the event and answers it: id, name, data, createdAt from the clock', async () => {
    clock = T0 + 42_500
    const data = { button: 'Buy', price: 9.99, items: [1, { sku: 'A-1' }], gift: false, note: null }
    const res = await post({ name: 'Button Click', data, customer: 100 })
    expect(res.status).toBe(200)
    expect(Object.keys(res.body)).toEqual(EVENT_KEYS)
    expect(res.body).toEqual({
      id: expect.any(Number),
      name: 'Button Click',
      data,
      createdAt: String(T0_SECONDS + 42),
    })
    expect(await stored()).toEqual([
      {
        id: res.body.id,
        organization_id: 1,
        customer_id: 100,
        name: 'Button Click',
        data: JSON.stringify(data),
        created_at: T0_SECONDS + 42,
      },
    ])
  })

  it.each([
    ['left out', { name: 'Visit', customer: 100 }],
    ['null', { name: 'Visit', customer: 100, data: null }],
  ])('answers data %s as an empty object', async (_n, body) => {
    const res = await post(body)
    expect(res.status).toBe(200)
    expect(res.body.data).toEqual({})
    expect(res.text).toContain('"data":{}')
  })

  it('accepts the customer as a numeric string, and gives each event its own id', async () => {
    const first = await post({ name: 'One', customer: '100' })
    const second = await post({ name: 'Two', customer: 101 })
    const theirs = await post({ name: 'Three', customer: 200 }, GLOBEX_KEY)
    expect([first.status, second.status, theirs.status]).toEqual([200, 200, 200])
    expect(second.body.id).toBeGreaterThan(first.body.id)
    const rows = await server.db.all(
      'SELECT organization_id, customer_id, name FROM events ORDER BY id',
    )
    expect(rows).toEqual([
      { organization_id: 1, customer_id: 100, name: 'One' },
      { organization_id: 1, customer_id: 101, name: 'Two' },
      { organization_id: 2, customer_id: 200, name: 'Three' },
    ])
  })

  it('leaves the customer as it was', async () => {
    const before = (await server.request('GET', '/v1/customers/100')).body
    await post({ name: 'Visit', customer: 100, data: { page: '/pricing' } })
    expect((await server.request('GET', '/v1/customers/100')).body).toEqual(before)
  })
})
