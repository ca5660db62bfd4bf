import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ALICE, customerWorld } from './helpers/customer-world.js'
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

// Alice (100) has the tags Autonomy (#c377e0) and Lead (#c57de0); Bob (101) none.
const AUTONOMY = { name: 'Autonomy', color: '#c377e0' }
const LEAD = { name: 'Lead', color: '#c57de0' }

let server: TestServer
let clock = T0
beforeEach(async () => {
  clock = T0
  server = await startServer({ fixture: customerWorld(), now: () => clock })
})
afterEach(() => server.close())

const tags = (method: 'PUT' | 'DELETE', id: number | string, body?: unknown, key?: string | null) =>
  server.request(method, `/v1/customers/${id}/tags`, {
    body,
    ...(key === undefined ? {} : { key }),
  })
const tagsOf = async (id: number, key?: string) =>
  (await server.request('GET', `/v1/customers/${id}`, key === undefined ? {} : { key })).body.tags

const TOO_LONG = 'This value is too long. It should have 100 characters or less.'
const many = (count: number) => Array.from({ length: count }, (_, i) => ({ name: `t${i}` }))

describe.each(['PUT', 'DELETE'] as const)('%s /v1/customers/{customerId}/tags', (method) => {
  it.each(UNAUTHORIZED_KEYS)('answers %s with 401 and changes nothing', async (_name, key) => {
    const res = await tags(method, 100, { tags: [{ name: 'Lead' }, { name: 'New' }] }, key)
    expect(res.status).toBe(401)
    expect(res.body).toEqual(UNAUTHORIZED)
    expect(await tagsOf(100)).toEqual([AUTONOMY, LEAD])
  })

  it.each([
    ['no body', undefined, 'tags', BLANK],
    ['no tags', {}, 'tags', BLANK],
    ['tags as null', { tags: null }, 'tags', BLANK],
    ['tags as a string', { tags: 'Lead' }, 'tags', 'This value should be of type array.'],
    ['no tag at all', { tags: [] }, 'tags', 'This collection should contain 1 element or more.'],
    [
      '101 tags',
      { tags: many(101) },
      'tags',
      'This collection should contain 100 elements or less.',
    ],
    ['a tag without a name', { tags: [{ name: 'Lead' }, {}] }, 'tags[1].name', BLANK],
    ['a tag with an empty name', { tags: [{ name: '' }] }, 'tags[0].name', BLANK],
    [
      'a tag name of 101 characters',
      { tags: [{ name: 'x'.repeat(101) }] },
      'tags[0].name',
      TOO_LONG,
    ],
    [
      'a tag name as a number',
      { tags: [{ name: 5 }] },
      'tags[0].name',
      'This value should be of type string.',
    ],
  ])(
    'answers %s with a 400 coded with the path, changing nothing',
    async (_n, body, code, message) => {
      const res = await tags(method, 100, body)
      expect(res.status).toBe(400)
      expect(res.body).toEqual({ errors: [INVALID, { code, message }] })
      expect(await tagsOf(100)).toEqual([AUTONOMY, LEAD])
    },
  )

  it('answers the customer id abc with a 400', async () => {
    const res = await tags(method, 'abc', { tags: [{ name: 'Lead' }] })
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ errors: [INVALID, { code: 'customerId', message: NUMERIC }] })
  })

  it('answers an unknown customer with 404 Customer not found', async () => {
    const res = await tags(method, 999999, { tags: [{ name: 'Lead' }] })
    expect(res.status).toBe(404)
    expect(res.body).toEqual({ errors: notFound('Customer') })
  })

  it("answers the other organization's customer with the same 404, changing nothing", async () => {
    const res = await tags(method, 100, { tags: [{ name: 'Lead' }] }, GLOBEX_KEY)
    expect(res.status).toBe(404)
    expect(res.body).toEqual({ errors: notFound('Customer') })
    expect(await tagsOf(100)).toEqual([AUTONOMY, LEAD])
    expect((await tags(method, 200, { tags: [{ name: 'Lead' }] })).status).toBe(404)
  })

  it('answers the whole customer and moves its updated_at to now', async () => {
    clock = T0 + 60_000
    const res = await tags(method, 100, { tags: [{ name: 'Lead' }] })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ ...ALICE, tags: method === 'PUT' ? [AUTONOMY, LEAD] : [AUTONOMY] })
    const row = await server.db.get('SELECT updated_at FROM customers WHERE id = 100')
    expect(row).toEqual({ updated_at: T0_SECONDS + 60 })
  })
})

describe('PUT /v1/customers/{customerId}/tags adds tags', () => {
  it('adds tags after the ones the customer has, unknown ones with their color or #c377e0', async () => {
    const res = await tags('PUT', 100, {
      tags: [{ name: 'Black Friday' }, { name: 'VIP', color: '#000000' }],
    })
    expect(res.status).toBe(200)
    expect(res.body.tags).toEqual([
      AUTONOMY,
      LEAD,
      { name: 'Black Friday', color: '#c377e0' },
      { name: 'VIP', color: '#000000' },
    ])
    expect(await tagsOf(100)).toEqual(res.body.tags)
  })

  it('leaves a tag the customer has where it is, with its color', async () => {
    const res = await tags('PUT', 100, {
      tags: [{ name: 'New' }, { name: 'Autonomy', color: '#ffffff' }, { name: 'New' }],
    })
    expect(res.body.tags).toEqual([AUTONOMY, LEAD, { name: 'New', color: '#c377e0' }])
  })

  it('is a no-op when every tag is there already', async () => {
    const res = await tags('PUT', 100, { tags: [{ name: 'Lead' }, { name: 'Autonomy' }] })
    expect(res.status).toBe(200)
    expect(res.body.tags).toEqual([AUTONOMY, LEAD])
  })

  it("gives a customer the organization's tag with the tag's own color", async () => {
    const res = await tags('PUT', 101, { tags: [{ name: 'Lead', color: '#ffffff' }] })
    expect(res.body.tags).toEqual([LEAD])
  })

  it("keeps each organization's tags apart", async () => {
    const res = await tags('PUT', 200, { tags: [{ name: 'Lead', color: '#111111' }] }, GLOBEX_KEY)
    expect(res.status).toBe(200)
    expect(res.body.tags).toEqual([{ name: 'Lead', color: '#111111' }])
    expect(await tagsOf(100)).toEqual([AUTONOMY, LEAD])
  })

  it('takes 100 tags', async () => {
    const res = await tags('PUT', 101, { tags: many(100) })
    expect(res.status).toBe(200)
    expect(res.body.tags.map((tag: { name: string }) => tag.name)).toEqual(
      many(100).map((tag) => tag.name),
    )
  })
})

describe('DELETE /v1/customers/{customerId}/tags removes tags', () => {
  it('removes the named tags, keeping the order of the others', async () => {
    await tags('PUT', 100, { tags: [{ name: 'Black Friday' }] })
    const res = await tags('DELETE', 100, { tags: [{ name: 'Lead' }] })
    expect(res.status).toBe(200)
    expect(res.body.tags).toEqual([AUTONOMY, { name: 'Black Friday', color: '#c377e0' }])
    expect(await tagsOf(100)).toEqual(res.body.tags)
  })

  it('ignores names the customer does not have, or nobody has', async () => {
    const res = await tags('DELETE', 100, { tags: [{ name: 'Nobody' }, { name: 'Autonomy' }] })
    expect(res.status).toBe(200)
    expect(res.body.tags).toEqual([LEAD])
    const none = await tags('DELETE', 101, { tags: [{ name: 'Lead' }] })
    expect(none.status).toBe(200)
    expect(none.body.tags).toEqual([])
    expect(await tagsOf(100)).toEqual([LEAD])
  })

  it('accepts the tags as PUT takes them, color included', async () => {
    const res = await tags('DELETE', 100, { tags: [{ name: 'Lead', color: '#c57de0' }] })
    expect(res.body.tags).toEqual([AUTONOMY])
  })

  it('keeps the tag in the organization: added again, it has its color and goes last', async () => {
    await tags('DELETE', 100, { tags: [{ name: 'Autonomy' }, { name: 'Lead' }] })
    expect(await tagsOf(100)).toEqual([])
    const res = await tags('PUT', 100, { tags: [{ name: 'Lead', color: '#ffffff' }] })
    expect(res.body.tags).toEqual([LEAD])
  })
})
