import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../src/server/storage/db.js'
import { T0, acmeFixture } from './helpers/fixtures.js'
import { ON_READER_THREAD, startServer, type TestServer } from './helpers/server.js'

// Searches run on a connection of their own (on SQLite, a reader thread, here for every search
// however small): whatever a client has been answered for must show in the very next search, on
// either engine.

let server: TestServer
beforeAll(async () => {
  server = await startServer({
    fixture: acmeFixture(),
    now: () => T0,
    ...ON_READER_THREAD,
  })
})
afterAll(() => server.close())

/** The ids of the chats a search for the agents' unread ones finds, in order. */
async function unreadByAgent(): Promise<number[]> {
  const res = await server.request('POST', '/v1/chats/search', {
    body: { filter: [{ field: 'readByAgent', operator: '=', value: false }] },
  })
  expect(res.status, res.text).toBe(200)
  expect(res.body.meta.total).toBe(res.body.data.length)
  return res.body.data.map((chat: { id: number }) => chat.id).sort((a: number, b: number) => a - b)
}

const mark = (id: number, read: boolean) =>
  server.request('PUT', '/v1/chats/readByAgent', { body: { id, read } })

describe('a search right after a write', () => {
  it('finds every mark as soon as it is answered', async () => {
    const unread = new Set(await unreadByAgent())
    for (let step = 0; step < 30; step++) {
      const id = 1 + (step % 3)
      const read = unread.has(id)
      const res = await mark(id, read)
      expect(res.status, res.text).toBe(200)
      if (read) unread.delete(id)
      else unread.add(id)
      expect(await unreadByAgent()).toEqual([...unread].sort())
    }
  })

  it('answers searches asked for among marks, each page agreeing with its total', async () => {
    for (let round = 0; round < 10; round++) {
      const read = round % 2 === 0
      const asked = [1, 2, 3].flatMap((id) => [mark(id, read), unreadByAgent()])
      // Each search sees some of the marks asked for with it, and its total counts the very
      // chats it lists (unreadByAgent checks that); every mark is answered.
      for (const answer of await Promise.all(asked)) {
        if (!Array.isArray(answer)) expect(answer.status, answer.text).toBe(200)
      }
      expect(await unreadByAgent()).toEqual(read ? [] : [1, 2, 3])
    }
  })

  it('lists each chat as just marked, and pages the list by its total', async () => {
    for (const read of [true, false, true]) {
      expect((await mark(2, read)).status).toBe(200)
      const list = await server.request('GET', '/v1/chats?sort=chats.createdAt&order=asc')
      expect(list.status, list.text).toBe(200)
      const chat = list.body.data.find((each: { id: number }) => each.id === 2)
      expect(chat.readByAgent).toBe(read)
      const total = list.body.meta.total as number
      expect(list.body.data).toHaveLength(total)
      const last = await server.request(
        'GET',
        `/v1/chats?sort=chats.createdAt&order=asc&offset=${total - 1}`,
      )
      expect(last.body).toEqual({ data: [list.body.data.at(-1)], meta: { total } })
    }
  })

  it('finds a customer under the name just given', async () => {
    const renamed = await server.request('PATCH', '/v1/customers/101', {
      body: { name: 'Roberta' },
    })
    expect(renamed.status, renamed.text).toBe(200)
    const found = await server.request('POST', '/v1/customers/search', {
      body: { filter: [{ field: 'customers.name', operator: '=', value: 'Roberta' }] },
    })
    expect(found.status, found.text).toBe(200)
    expect(found.body.data.map((customer: { id: number }) => customer.id)).toEqual([101])
    expect(found.body.total).toBe(1)
  })
})

describe('where a search or a list runs', () => {
  it("is chosen by how much it reads: the organization's chats or customers, or a list's rows", async () => {
    const asked: number[] = []
    const watched = await startServer({
      fixture: acmeFixture(),
      now: () => T0,
      wrapDb: (db) =>
        Object.assign(Object.create(db) as Db, {
          readerFor: (rows: number) => (asked.push(rows), db.readerFor(rows)),
        }),
    })
    try {
      const chats = await watched.request('GET', '/v1/chats')
      const customers = await watched.request('GET', '/v1/customers?offset=5000&limit=10')
      expect(customers.body).toMatchObject({ data: [], total: expect.any(Number) })
      // A list reads its page and what it skips; the default page is 100.
      expect(asked.splice(0)).toEqual([100, 5010])
      const body = { filter: [] }
      expect((await watched.request('POST', '/v1/chats/search', { body })).status).toBe(200)
      expect((await watched.request('POST', '/v1/customers/search', { body })).status).toBe(200)
      expect(chats.body.meta.total).not.toBe(customers.body.total)
      expect(asked).toEqual([chats.body.meta.total, customers.body.total])
    } finally {
      await watched.close()
    }
  })
})
