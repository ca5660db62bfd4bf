import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { customerWorld } from './helpers/customer-world.js'
import { GLOBEX_KEY, T0 } from './helpers/fixtures.js'
import { startServer, type TestServer } from './helpers/server.js'
import { INVALID, NUMERIC, UNAUTHORIZED, UNAUTHORIZED_KEYS, notFound } from './helpers/wire.js'

// acme: Alice (100) has chats 1 (two messages, Sarah answered) and 2 (one message); Bob (101)
// has chat 3 (empty). globex: Marge (200) has chat 50.

let server: TestServer
beforeEach(async () => {
  server = await startServer({ fixture: customerWorld(), now: () => T0 })
})
afterEach(() => server.close())

const remove = (id: number | string, key?: string | null) =>
  server.request('DELETE', `/v1/customers/${id}`, key === undefined ? {} : { key })
const get = (path: string, key?: string) =>
  server.request('GET', `/v1${path}`, key === undefined ? {} : { key })
const ids = (list: { data: Array<{ id: number }> }) => list.data.map((item) => item.id)

/** How many rows of `table` have `column` among `values`. */
async function rows(table: string, column: string, values: readonly number[]) {
  const row = await server.db.get<{ n: number }>(
    `SELECT count(*) AS n FROM ${table} WHERE ${column} IN (${values.map(() => '?').join(', ')})`,
    values,
  )
  return row!.n
}

/** The stored counts of acme (1) and globex (2). */
const counts = () =>
  server.db.all('SELECT id, chat_count, customer_count FROM organizations ORDER BY id')

describe('DELETE /v1/customers/{customerId}', () => {
  it.each(UNAUTHORIZED_KEYS)('answers %s with 401 and deletes nothing', async (_name, key) => {
    const res = await remove(100, key)
    expect(res.status).toBe(401)
    expect(res.body).toEqual(UNAUTHORIZED)
    expect((await get('/customers/100')).status).toBe(200)
    expect((await get('/chats')).body.meta.total).toBe(3)
  })

  it.each(['abc', '0', '-1'])('answers the id %s with a 400', async (id) => {
    const res = await remove(id)
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ errors: [INVALID, { code: 'customerId', message: NUMERIC }] })
  })

  it('answers an unknown customer with 404 Customer not found', async () => {
    const res = await remove(999999)
    expect(res.status).toBe(404)
    expect(res.body).toEqual({ errors: notFound('Customer') })
    expect((await get('/customers')).body.total).toBe(2)
  })

  it("answers the other organization's customer with the same 404, deleting nothing", async () => {
    const res = await remove(200)
    expect(res.status).toBe(404)
    expect(res.body).toEqual({ errors: notFound('Customer') })
    expect((await get('/customers/200', GLOBEX_KEY)).status).toBe(200)
    expect((await get('/chats/50', GLOBEX_KEY)).status).toBe(200)
    expect((await get('/chats', GLOBEX_KEY)).body.meta.total).toBe(1)
  })

  it('answers 200 with the JSON string "Ok"', async () => {
    const res = await remove(100)
    expect(res.status).toBe(200)
    expect(res.text).toBe('"Ok"')
    expect(res.body).toBe('Ok')
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
  })

  it('deletes the customer: GET answers 404 and the list total drops by one', async () => {
    await remove(100)
    const res = await get('/customers/100')
    expect(res.status).toBe(404)
    expect(res.body).toEqual({ errors: notFound('Customer') })
    const list = (await get('/customers')).body
    expect(list.total).toBe(1)
    expect(ids(list)).toEqual([101])
    expect((await remove(100)).status).toBe(404)
  })

  it("deletes the customer's chats with their messages, read states and agents", async () => {
    expect(await rows('messages', 'chat_id', [1, 2])).toBe(3)
    expect(await rows('chat_read_states', 'chat_id', [1, 2])).toBe(2)
    expect(await rows('chat_agents', 'chat_id', [1, 2])).toBe(1)
    await remove(100)
    for (const id of [1, 2]) {
      const chat = await get(`/chats/${id}`)
      expect(chat.status).toBe(404)
      expect(chat.body).toEqual({ errors: notFound('Chat') })
      expect((await get(`/chats/${id}/messages`)).status).toBe(404)
    }
    const chats = (await get('/chats')).body
    expect(chats.meta.total).toBe(1)
    expect(ids(chats)).toEqual([3])
    expect(await rows('messages', 'chat_id', [1, 2])).toBe(0)
    expect(await rows('chat_read_states', 'chat_id', [1, 2])).toBe(0)
    expect(await rows('chat_agents', 'chat_id', [1, 2])).toBe(0)
  })

  it("leaves other customers' chats, and the other organization, alone", async () => {
    await remove(100)
    const bobs = await get('/chats/3')
    expect(bobs.status).toBe(200)
    expect(bobs.body.customer.id).toBe(101)
    expect((await get('/chats/50', GLOBEX_KEY)).status).toBe(200)
    expect((await get('/chats/50/messages', GLOBEX_KEY)).body.total).toBe(1)
    expect(await counts()).toEqual([
      { id: 1, chat_count: 1, customer_count: 1 },
      { id: 2, chat_count: 1, customer_count: 1 },
    ])
  })

  it("deletes the customer's events and tag links, leaving others' and the tags", async () => {
    for (const customer of [100, 101]) {
      const res = await server.request('POST', '/v1/events', { body: { name: 'Click', customer } })
      expect(res.status).toBe(200)
    }
    await remove(100)
    expect(await rows('events', 'customer_id', [100])).toBe(0)
    expect(await rows('events', 'customer_id', [101])).toBe(1)
    expect(await rows('customer_tags', 'customer_id', [100])).toBe(0)
    // acme's tag "Lead" outlives Alice: Bob gets it with its color, not the one sent now.
    const tagged = await server.request('PUT', '/v1/customers/101/tags', {
      body: { tags: [{ name: 'Lead', color: '#ffffff' }] },
    })
    expect(tagged.body.tags).toEqual([{ name: 'Lead', color: '#c57de0' }])
  })

  it('keeps the counts right for what is created afterwards', async () => {
    await remove(100)
    const chat = await server.request('POST', '/v1/chats', {
      body: { customer: 101, application: 1 },
    })
    expect(chat.status).toBe(201)
    const again = await server.request('POST', '/v1/customers', { body: { userId: 'alice-1' } })
    expect(again.status).toBe(201)
    expect((await get('/chats')).body.meta.total).toBe(2)
    expect((await get('/customers')).body.total).toBe(2)
  })

  it('deletes a customer without chats, leaving the chat total as it was', async () => {
    const created = await server.request('POST', '/v1/customers', { body: { name: 'Dana' } })
    expect((await get('/customers')).body.total).toBe(3)
    expect((await remove(created.body.id)).status).toBe(200)
    expect((await get('/customers')).body.total).toBe(2)
    expect((await get('/chats')).body.meta.total).toBe(3)
  })

  it('never gives a new customer, chat, message or event the id of one deleted', async () => {
    /** A customer with a chat, a message and an event: the ids each got. */
    const newCustomer = async (name: string) => {
      const customer = await server.request('POST', '/v1/customers', { body: { name } })
      const chat = await server.request('POST', '/v1/chats', {
        body: { customer: customer.body.id, application: 1 },
      })
      const message = await server.request('POST', '/v1/messages', {
        body: { chat: chat.body.id, text: 'Hello', type: 'message' },
      })
      const event = await server.request('POST', '/v1/events', {
        body: { name: 'Visit', customer: customer.body.id },
      })
      for (const res of [customer, chat, message, event]) expect(res.status).toBeLessThan(300)
      return [customer, chat, message, event].map((res) => res.body.id as number)
    }
    const first = await newCustomer('Carl')
    // The newest of each: SQLite would give its id, the highest left plus one, to the next.
    expect((await remove(first[0]!)).status).toBe(200)
    const second = await newCustomer('Dora')
    second.forEach((id, i) =>
      expect(id, ['customer', 'chat', 'message', 'event'][i]).toBeGreaterThan(first[i]!),
    )
  })
})
