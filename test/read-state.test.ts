import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { READ_ARTICLE_ORDER } from '../src/contract/index.js'
import { ACME_KEY, GLOBEX_KEY, T0, twoTenantFixture } from './helpers/fixtures.js'
import { ON_SQLITE } from './helpers/engines.js'
import { startServer, type TestServer } from './helpers/server.js'

let server: TestServer
beforeEach(async () => {
  server = await startServer({ fixture: twoTenantFixture(), now: () => T0 })
})
afterEach(() => server.close())

const readBy = (side: 'Agent' | 'Customer', id: unknown, read: unknown) =>
  server.request('PUT', `/v1/chats/readBy${side}`, { body: { id, read } })
const chat = async (id: number) => (await server.request('GET', `/v1/chats/${id}`)).body
const messages = async (id: number) =>
  (await server.request('GET', `/v1/chats/${id}/messages`)).body.data as any[]
const post = (body: Record<string, unknown>) => server.request('POST', '/v1/messages', { body })

describe('PUT /v1/chats/readByAgent and /readByCustomer', () => {
  it('marks the agent side read: flag true, every customer message read', async () => {
    expect((await chat(2)).readByAgent).toBe(false)
    const res = await readBy('Agent', 2, true)
    expect(res.status).toBe(200)
    expect(res.body.readByAgent).toBe(true)
    expect(res.body.id).toBe(2)
    expect((await messages(2)).every((m) => m.read)).toBe(true)
    expect((await chat(2)).readByAgent).toBe(true)
  })

  it('answers with the whole chat as stored, in the article field order', async () => {
    const res = await readBy('Agent', 2, true)
    expect(Object.keys(res.body)).toEqual(READ_ARTICLE_ORDER)
    const stored = await chat(2)
    for (const key of READ_ARTICLE_ORDER) expect(res.body[key]).toEqual(stored[key])
  })

  it('marks the agent side unread with read:false and keeps what was read as read', async () => {
    await readBy('Agent', 2, true)
    const res = await readBy('Agent', 2, false)
    expect(res.status).toBe(200)
    expect(res.body.readByAgent).toBe(false)
    expect(res.body.readByCustomer).toBe(true)
    expect((await messages(2)).every((m) => m.read)).toBe(true)
  })

  it('changes nothing more when the same call is repeated', async () => {
    const first = await readBy('Agent', 2, true)
    const again = await readBy('Agent', 2, true)
    expect(again.text).toBe(first.text)
    const unread = await readBy('Agent', 2, false)
    expect((await readBy('Agent', 2, false)).text).toBe(unread.text)
  })

  it('marks the customer side read: every agent chat message read', async () => {
    // Chat 1 ends with Sarah's reply, which the customer has not read.
    expect((await chat(1)).readByCustomer).toBe(false)
    expect((await messages(1))[0]).toMatchObject({ from: 'agent', read: false })
    const res = await readBy('Customer', 1, true)
    expect(res.body.readByCustomer).toBe(true)
    expect((await messages(1))[0]).toMatchObject({ from: 'agent', read: true })
  })

  it('keeps the two sides independent', async () => {
    await readBy('Customer', 1, false)
    const agentSide = (await chat(1)).readByAgent
    await readBy('Customer', 1, true)
    await readBy('Customer', 1, false)
    expect((await chat(1)).readByAgent).toBe(agentSide)
  })

  it('treats PUT /v1/chats/read as readByAgent', async () => {
    const res = await server.request('PUT', '/v1/chats/read', { body: { id: 2, read: true } })
    expect(res.status).toBe(200)
    expect(res.body.readByAgent).toBe(true)
    expect(Object.keys(res.body)).toEqual(READ_ARTICLE_ORDER)
    const back = await server.request('PUT', '/v1/chats/read', { body: { id: 2, read: false } })
    expect(back.body).toMatchObject({ readByAgent: false, readByCustomer: true })
  })

  it('accepts the chat id as a numeric string, as real clients send it', async () => {
    const res = await readBy('Agent', '2', true)
    expect(res.status).toBe(200)
    expect(res.body.id).toBe(2)
  })

  it('accepts a numeric string with leading zeros', async () => {
    const res = await readBy('Agent', '0002', true)
    expect(res.status).toBe(200)
    expect(res.body.id).toBe(2)
  })

  it('marks an empty chat read with nothing to read', async () => {
    const res = await readBy('Customer', 3, true)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ readByCustomer: true, lastMessageId: null })
  })
})

describe('read state follows new messages', () => {
  it('a customer message makes the agent side unread and the customer side read', async () => {
    await readBy('Agent', 1, true)
    const sent = await post({ chat: 1, text: 'One more thing', type: 'message' })
    expect(sent.status).toBe(200)
    expect(sent.body).toMatchObject({ from: 'customer', read: false, agent: null })
    const after = await chat(1)
    expect(after).toMatchObject({ readByAgent: false, readByCustomer: true })
    // The customer has now seen Sarah's earlier reply.
    expect((await messages(1)).find((m) => m.from === 'agent').read).toBe(true)
  })

  it('an agent message makes the customer side unread and the agent side read', async () => {
    expect((await chat(2)).readByAgent).toBe(false)
    const sent = await post({ chat: 2, agent: 1, text: 'On its way', type: 'message' })
    expect(sent.body).toMatchObject({ from: 'agent', read: false })
    expect(await chat(2)).toMatchObject({ readByAgent: true, readByCustomer: false })
    // Answering the customer means having read them.
    expect((await messages(2)).find((m) => m.from === 'customer').read).toBe(true)
  })

  it('a private note leaves both sides as they are', async () => {
    for (const readByAgent of [true, false]) {
      await readBy('Agent', 2, readByAgent)
      const before = await chat(2)
      const note = await post({ chat: 2, agent: 1, text: 'Check the courier', type: 'private' })
      expect(note.status).toBe(200)
      expect(note.body).toMatchObject({ type: 'private', from: 'agent', read: readByAgent })
      const after = await chat(2)
      expect(after.readByAgent).toBe(before.readByAgent)
      expect(after.readByCustomer).toBe(before.readByCustomer)
    }
  })

  it('a tech message leaves both sides as they are', async () => {
    const acme = twoTenantFixture().organizations[0]!
    const chats = acme.chats!.map((c) =>
      c.id === 2
        ? {
            ...c,
            messages: [
              ...c.messages!,
              { from: 'agent' as const, type: 'tech' as const, text: 'Assigned' },
            ],
          }
        : c,
    )
    const other = await startServer({
      fixture: { organizations: [{ ...acme, chats }] },
      now: () => T0,
    })
    try {
      const tech = (await other.request('GET', '/v1/chats/2')).body
      const plain = await chat(2)
      expect(tech).toMatchObject({
        readByAgent: plain.readByAgent,
        readByCustomer: plain.readByCustomer,
      })
      expect(tech.lastMessageText).toBe('Assigned')
      expect(tech.status).toBe(plain.status)
    } finally {
      await other.close()
    }
  })

  it('a mark-read covers messages that arrived before it, not after', async () => {
    await post({ chat: 1, text: 'first', type: 'message' })
    await readBy('Agent', 1, true)
    await post({ chat: 1, text: 'second', type: 'message' })
    const list = await messages(1)
    expect(list[0]).toMatchObject({ text: 'second', read: false })
    expect(list[1]).toMatchObject({ text: 'first', read: true })
    expect((await chat(1)).readByAgent).toBe(false)
  })

  it('marking unread then reading again moves the position to the newest message', async () => {
    await readBy('Agent', 2, false)
    await post({ chat: 2, text: 'hello?', type: 'message' })
    await readBy('Agent', 2, true)
    expect((await messages(2)).every((m) => m.read)).toBe(true)
  })
})

describe('read endpoints: errors', () => {
  const NOT_FOUND = (id: string) =>
    `{"errors":[{"code":"not_fount","message":"Chat for ID \\"${id}\\" was not found"}]}`

  it.each(['readByAgent', 'readByCustomer', 'read'])(
    '%s answers an unknown chat with the documented not_fount body, byte for byte',
    async (path) => {
      const res = await server.request('PUT', `/v1/chats/${path}`, {
        body: { id: 5208, read: true },
      })
      expect(res.status).toBe(404)
      expect(res.text).toBe(NOT_FOUND('5208'))
      const asString = await server.request('PUT', `/v1/chats/${path}`, {
        body: { id: '5208', read: true },
      })
      expect(asString.text).toBe(NOT_FOUND('5208'))
    },
  )

  it("answers another organization's chat as unknown, and leaves it untouched", async () => {
    const res = await readBy('Agent', 50, true)
    expect(res.status).toBe(404)
    expect(res.text).toBe(NOT_FOUND('50'))
    const theirs = await server.request('GET', '/v1/chats/50', { key: GLOBEX_KEY })
    expect(theirs.body.readByAgent).toBe(false)
  })

  it.each([
    ['a missing key', null],
    ['an unknown key', 'not-a-key'],
  ])('answers %s with 401', async (_name, key) => {
    const res = await server.request('PUT', '/v1/chats/readByAgent', {
      key,
      body: { id: 2, read: true },
    })
    expect(res.status).toBe(401)
    expect(res.text).toBe(
      '{"errors":[{"code":"invalid_request","message":"Invalid request"},' +
        '{"code":"unauthorized","message":"Unauthorized"}]}',
    )
    expect((await chat(2)).readByAgent).toBe(false)
  })

  const blank = 'This value should not be blank.'
  it.each([
    [
      'no body',
      undefined,
      [
        ['id', blank],
        ['read', blank],
      ],
    ],
    [
      'an empty object',
      {},
      [
        ['id', blank],
        ['read', blank],
      ],
    ],
    ['no read', { id: 2 }, [['read', blank]]],
    ['no id', { read: true }, [['id', blank]]],
    ['read as a string', { id: 2, read: 'true' }, [['read', 'This value should be of type bool.']]],
    ['read as a number', { id: 2, read: 1 }, [['read', 'This value should be of type bool.']]],
    ['read as null', { id: 2, read: null }, [['read', blank]]],
    ['id as text', { id: 'abc', read: true }, [['id', 'This value should be of type numeric.']]],
    ['id as zero', { id: 0, read: true }, [['id', 'This value should be of type numeric.']]],
    ['id negative', { id: -2, read: true }, [['id', 'This value should be of type numeric.']]],
    ['id fractional', { id: 2.5, read: true }, [['id', 'This value should be of type numeric.']]],
    [
      'id as an object',
      { id: { x: 1 }, read: true },
      [['id', 'This value should be of type numeric.']],
    ],
    [
      'both wrong',
      { id: true, read: 'yes' },
      [
        ['id', 'This value should be of type numeric.'],
        ['read', 'This value should be of type bool.'],
      ],
    ],
    ['an array body', [1, 2], [['body', 'This value should be of type object.']]],
  ])(
    'answers %s with a 400 naming each bad field, and changes nothing',
    async (_name, body, problems) => {
      const before = await chat(2)
      const res = await server.request('PUT', '/v1/chats/readByAgent', { body })
      expect(res.status).toBe(400)
      expect(res.body.errors[0]).toEqual({ code: 'invalid_request', message: 'Invalid request' })
      const entries = res.body.errors.slice(1).map((e: any) => [e.code, e.message])
      expect(entries.sort()).toEqual([...problems].sort())
      expect(await chat(2)).toEqual(before)
    },
  )

  it('answers a body that is not JSON with a 400', async () => {
    const res = await server.request('PUT', '/v1/chats/readByAgent', {
      raw: '{"id": 2, "read": tru',
    })
    expect(res.status).toBe(400)
    expect(res.body.errors).toEqual([
      { code: 'invalid_request', message: 'Invalid request' },
      { code: 'body', message: 'This value should be valid JSON.' },
    ])
  })

  it('accepts the body whatever its Content-Type says', async () => {
    for (const type of ['text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', '']) {
      const headers: Record<string, string> = type ? { 'content-type': type } : {}
      const res = await server.request('PUT', '/v1/chats/readByAgent', {
        raw: '{"id": 2, "read": true}',
        headers,
      })
      expect(res.status, type || 'no content type').toBe(200)
    }
  })

  it('lets the second tenant mark its own chat, with its own key', async () => {
    const res = await server.request('PUT', '/v1/chats/readByAgent', {
      key: GLOBEX_KEY,
      body: { id: 50, read: true },
    })
    expect(res.status).toBe(200)
    const acmeView = await server.request('GET', '/v1/chats/50', { key: ACME_KEY })
    expect(acmeView.status).toBe(404)
  })
})

describe('a mark that changes nothing', () => {
  let dir: string
  let onFile: TestServer
  let watcher: Database.Database | undefined
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'opencrunch-noop-'))
    const file = join(dir, 'noop.db')
    onFile = await startServer({ fixture: twoTenantFixture(), now: () => T0, database: file })
    // SQLite: another connection's data_version moves whenever a commit writes to the file.
    if (ON_SQLITE) watcher = new Database(file, { readonly: true })
  })
  afterEach(async () => {
    watcher?.close()
    await onFile.close()
    rmSync(dir, { recursive: true, force: true })
  })
  // PostgreSQL: an update writes a new version of the row, with a new xmin.
  const version = async () =>
    watcher
      ? watcher.pragma('data_version', { simple: true })
      : (await onFile.db.get<{ v: string }>(
          'SELECT CAST(xmin AS TEXT) AS v FROM chat_read_states WHERE chat_id = 2',
        ))!.v
  const mark = (side: 'Agent' | 'Customer', read: boolean) =>
    onFile.request('PUT', `/v1/chats/readBy${side}`, { body: { id: 2, read } })

  it('writes nothing to the database, and answers the chat as a change would', async () => {
    const changed = await mark('Agent', true)
    const before = await version()
    const again = await mark('Agent', true)
    expect(await version()).toBe(before)
    expect(again.status).toBe(200)
    expect(again.text).toBe(changed.text)

    const unread = await mark('Agent', false)
    expect(await version()).not.toBe(before)
    const afterUnread = await version()
    expect((await mark('Agent', false)).text).toBe(unread.text)
    expect((await mark('Customer', true)).body.readByCustomer).toBe(true)
    expect(await version()).toBe(afterUnread)
  })

  it('still moves the position when a message came in since the flag was set', async () => {
    await mark('Agent', true)
    await onFile.request('POST', '/v1/messages', {
      body: { chat: 2, agent: 1, text: 'a note', type: 'private' },
    })
    const before = await version()
    const res = await mark('Agent', true)
    expect(res.body.readByAgent).toBe(true)
    expect(await version()).toBe(before)
    const customer = await onFile.request('POST', '/v1/messages', {
      body: { chat: 2, text: 'hello again', type: 'message' },
    })
    expect((await mark('Agent', false)).body.readByAgent).toBe(false)
    const read = await mark('Agent', true)
    expect(read.body).toMatchObject({ readByAgent: true, lastMessageId: customer.body.id })
    expect(await version()).not.toBe(before)
  })
})
