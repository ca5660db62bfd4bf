import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Message } from '../src/contract/index.js'
import type { Fixture } from '../src/server/fixtures/fixture.schema.js'
import { GLOBEX_KEY, T0, T0_SECONDS } from './helpers/fixtures.js'
import { acmeOrganization, globexOrganization } from './helpers/fixtures.js'
import { startServer, type TestResponse, type TestServer } from './helpers/server.js'
import {
  BLANK,
  INVALID,
  MIKE,
  NOT_A_CHOICE,
  NUMERIC,
  SARAH,
  UNAUTHORIZED_KEYS,
  UNAUTHORIZED_TEXT,
  notFound,
} from './helpers/wire.js'

const MESSAGE_KEYS = Object.keys(Message.properties)
const t = (offset: number) => T0_SECONDS - 3600 + offset

/**
 * acme and globex, acme with more chats: 4 pending, 5 on hold, 6 closed after an agent reply,
 * 7 closed with no agent reply, 8 with no communication, 9 with 105 customer messages.
 */
function world(): Fixture {
  const acme = acmeOrganization()
  const talk = (at: number) => [
    { from: 'customer' as const, text: 'Question', createdAt: t(at) },
    { from: 'agent' as const, agent: 'sarah@acme.test', text: 'Answer', createdAt: t(at + 10) },
  ]
  const flood = Array.from({ length: 105 }, (_, i) => ({ ...talk(500 + i)[0]!, text: `n${i + 1}` }))
  const chats: NonNullable<Fixture['organizations'][number]['chats']> = [
    ...(acme.chats ?? []),
    { id: 4, customer: 100, status: 'pending', messages: talk(300) },
    { id: 5, customer: 100, status: 'on hold', messages: talk(320) },
    { id: 6, customer: 100, status: 'closed', closedAt: t(400), messages: talk(340) },
    { id: 7, customer: 101, status: 'closed', closedAt: t(400), messages: talk(360).slice(0, 1) },
    { id: 8, customer: 101, status: 'no communication', messages: talk(380) },
    { id: 9, customer: 101, messages: flood },
  ]
  return { organizations: [{ ...acme, chats }, globexOrganization()] }
}

let server: TestServer
/** The server's clock in epoch milliseconds; `say` moves it on a second before each post. */
let clock = T0
/** The clock as the wire's timestamp string. */
const stamp = () => String(Math.floor(clock / 1000))
beforeEach(async () => {
  clock = T0
  server = await startServer({ fixture: world(), now: () => clock })
})
afterEach(() => server.close())

const chat = async (id: number, key?: string) =>
  (await server.request('GET', `/v1/chats/${id}`, key === undefined ? {} : { key })).body
const list = (id: number, query = '', key?: string) =>
  server.request('GET', `/v1/chats/${id}/messages${query}`, key === undefined ? {} : { key })
const texts = (res: TestResponse): string[] => res.body.data.map((m: any) => m.text)
const post = (body: unknown, key?: string | null) =>
  server.request('POST', '/v1/messages', key === undefined ? { body } : { body, key })

/** Posts `body` one second after the previous post; answers the message. */
async function say(body: Record<string, unknown>) {
  clock += 1000
  const res = await post({ type: 'message', text: 'hi', ...body })
  expect(res.status, res.text).toBe(200)
  return res.body
}

describe('GET /v1/chats/{id}/messages', () => {
  it.each(UNAUTHORIZED_KEYS)('answers %s with 401', async (_name, key) => {
    const res = await server.request('GET', '/v1/chats/1/messages', { key })
    expect(res.status).toBe(401)
    expect(res.text).toBe(UNAUTHORIZED_TEXT)
  })

  it.each([
    ['limit=0', 'limit=0', 'limit', 'This value should be greater than or equal to 1.'],
    ['limit=abc', 'limit=abc', 'limit', 'This value should be of type int.'],
    ['offset=-1', 'offset=-1', 'offset', 'This value should be greater than or equal to 0.'],
    ['limit=1.5', 'limit=1.5', 'limit', 'This value should be of type int.'],
  ])('answers %s with a 400 naming the parameter', async (_name, query, code, message) => {
    const res = await list(1, `?${query}`)
    expect(res.status).toBe(400)
    expect(res.body.errors).toEqual([INVALID, { code, message }])
  })

  it('answers a non-numeric chat id with a 400 on chatId', async () => {
    const res = await server.request('GET', '/v1/chats/abc/messages')
    expect(res.status).toBe(400)
    expect(res.body.errors).toEqual([INVALID, { code: 'chatId', message: NUMERIC }])
  })

  it.each([
    ['an unknown chat', 999],
    ["another organization's chat", 50],
  ])('answers %s with 404 Chat not found', async (_name, id) => {
    const res = await list(id)
    expect(res.status).toBe(404)
    expect(res.body.errors).toEqual(notFound('Chat'))
  })

  it('answers {data, total}, newest first, each message in the documented order', async () => {
    const res = await list(1)
    expect(res.status).toBe(200)
    expect(Object.keys(res.body)).toEqual(['data', 'total'])
    expect(res.body.total).toBe(2)
    for (const message of res.body.data) expect(Object.keys(message)).toEqual(MESSAGE_KEYS)
    const [reply, question] = res.body.data
    expect(reply).toEqual({
      id: (await chat(1)).lastMessageId,
      agent: SARAH,
      type: 'message',
      text: 'Hello Alice',
      read: false,
      createdAt: String(t(60)),
      updatedAt: null,
      edited: false,
      broadcastType: null,
      chat: 1,
      from: 'agent',
    })
    expect(question).toEqual({
      ...reply,
      id: question.id,
      agent: null,
      text: 'Hi there',
      read: true,
      createdAt: String(t(0)),
      from: 'customer',
    })
    expect(question.id).toBeLessThan(reply.id)
  })

  it('pages with limit and offset, the total always that of the whole chat', async () => {
    for (let i = 1; i <= 7; i++) await say({ chat: 3, text: `m${i}` })
    const pages = [
      ['?limit=3', ['m7', 'm6', 'm5']],
      ['?limit=3&offset=3', ['m4', 'm3', 'm2']],
      ['?limit=3&offset=6', ['m1']],
      ['?limit=3&offset=7', []],
    ] as const
    for (const [query, expected] of pages) {
      const res = await list(3, query)
      expect(texts(res), query).toEqual(expected)
      expect(res.body.total).toBe(7)
    }
  })

  it('answers the newest 100 by default and caps limit at 100', async () => {
    const newest = Array.from({ length: 100 }, (_, i) => `n${105 - i}`)
    for (const query of ['', '?limit=100', '?limit=101', '?limit=500']) {
      const res = await list(9, query)
      expect(texts(res), query).toEqual(newest)
      expect(res.body.total).toBe(105)
    }
    expect(texts(await list(9, '?offset=100'))).toEqual(['n5', 'n4', 'n3', 'n2', 'n1'])
  })

  it('answers an empty chat with no messages and a zero total', async () => {
    expect((await list(3)).body).toEqual({ data: [], total: 0 })
  })
})

describe('POST /v1/messages', () => {
  const unchanged = async (action: () => Promise<TestResponse>) => {
    const before = [await chat(2), (await list(2)).body]
    const res = await action()
    expect([await chat(2), (await list(2)).body]).toEqual(before)
    return res
  }

  it.each(UNAUTHORIZED_KEYS)('answers %s with 401 and writes nothing', async (_name, key) => {
    const res = await unchanged(() => post({ chat: 2, agent: 1, text: 'x', type: 'message' }, key))
    expect(res.status).toBe(401)
    expect(res.text).toBe(UNAUTHORIZED_TEXT)
  })

  const base = { chat: 2, text: 'x', type: 'message' }
  it.each([
    ['no body', undefined, { chat: BLANK, text: BLANK, type: BLANK }],
    ['no chat', { text: 'x', type: 'message' }, { chat: BLANK }],
    ['no text', { chat: 2, type: 'message' }, { text: BLANK }],
    ['an empty text', { ...base, text: '' }, { text: BLANK }],
    ['no type', { chat: 2, text: 'x' }, { type: BLANK }],
    ['type "email"', { ...base, type: 'email' }, { type: NOT_A_CHOICE }],
    ['type "tech"', { ...base, type: 'tech' }, { type: NOT_A_CHOICE }],
    ['agent "x"', { ...base, agent: 'x' }, { agent: NUMERIC }],
    ['chat "abc"', { ...base, chat: 'abc' }, { chat: NUMERIC }],
  ])('answers %s with a 400 per bad field and writes nothing', async (_name, body, expected) => {
    const res = await unchanged(() => post(body))
    expect(res.status).toBe(400)
    expect(res.body.errors[0]).toEqual(INVALID)
    const entries = res.body.errors.slice(1).map((e: any) => [e.code, e.message])
    expect(entries).toHaveLength(Object.keys(expected).length)
    expect(Object.fromEntries(entries)).toEqual(expected)
  })

  it.each([
    ['an unknown chat', { chat: 999 }, 'Chat'],
    ["another organization's chat", { chat: 50 }, 'Chat'],
    ['an unknown agent', { agent: 999 }, 'Agent'],
    ["another organization's agent", { agent: 3 }, 'Agent'],
    ["a note by another organization's agent", { agent: 3, type: 'private' }, 'Agent'],
  ])('answers %s with a 404 naming it and writes nothing', async (_name, change, entity) => {
    const theirs = (await list(50, '', GLOBEX_KEY)).body
    const res = await unchanged(() => post({ ...base, ...change }))
    expect(res.status).toBe(404)
    expect(res.body.errors).toEqual(notFound(entity))
    expect((await list(50, '', GLOBEX_KEY)).body).toEqual(theirs)
  })

  it("posts an agent's message and answers it in the documented order", async () => {
    const res = await post({ chat: 2, agent: 1, text: 'On its way', type: 'message' })
    expect(res.status).toBe(200)
    expect(Object.keys(res.body)).toEqual(MESSAGE_KEYS)
    expect(res.body).toEqual({
      id: res.body.id,
      agent: SARAH,
      type: 'message',
      text: 'On its way',
      read: false,
      createdAt: String(T0_SECONDS),
      updatedAt: null,
      edited: false,
      broadcastType: null,
      chat: 2,
      from: 'agent',
    })
    const stored = await list(2)
    expect(stored.body.total).toBe(2)
    expect(stored.body.data[0]).toEqual(res.body)
  })

  it('posts as the customer when agent is left out', async () => {
    const res = await post({ chat: 2, text: 'Any news?', type: 'message' })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ agent: null, type: 'message', text: 'Any news?', chat: 2 })
    expect(res.body).toMatchObject({ from: 'customer', read: false })
    expect((await list(2)).body.data[0]).toEqual(res.body)
  })

  it('posts as the customer when agent is null, as serializers of optional fields send it', async () => {
    const res = await post({ chat: 2, agent: null, text: 'Still there?', type: 'message' })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ agent: null, from: 'customer' })
  })

  it("posts a private note by an agent, read as the team's side is", async () => {
    const res = await post({ chat: 1, agent: 2, text: 'VIP', type: 'private' })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ agent: MIKE, type: 'private', from: 'agent', read: true })
  })

  it('posts a private note by no particular agent', async () => {
    const res = await post({ chat: 1, text: 'Team note', type: 'private' })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ agent: null, type: 'private', text: 'Team note' })
    expect(res.body.from).toBe('agent')
    expect((await list(1)).body.data[0]).toEqual(res.body)
  })

  it('accepts chat and agent ids as numeric strings', async () => {
    const res = await post({ chat: '2', agent: '1', text: 'Strings', type: 'message' })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ chat: 2, agent: SARAH, from: 'agent' })
  })

  it('stores and answers markdownText in place of text', async () => {
    const body = { chat: 2, agent: 1, text: 'bold', markdownText: '**bold**', type: 'message' }
    const res = await post(body)
    expect(res.status).toBe(200)
    expect(res.body.text).toBe('**bold**')
    expect(res.body).not.toHaveProperty('markdownText')
    expect((await list(2)).body.data[0].text).toBe('**bold**')
    expect((await chat(2)).lastMessageText).toBe('**bold**')
  })
})

describe('chat fields derived from posted messages', () => {
  it('lastMessageAt follows every message: customer, agent and private note', async () => {
    expect((await chat(3)).lastMessageAt).toBeNull()
    for (const body of [{}, { agent: 1 }, { agent: 1, type: 'private' }, { type: 'private' }]) {
      await say({ chat: 3, ...body })
      expect((await chat(3)).lastMessageAt).toBe(stamp())
    }
  })

  it('lastCustomerMessageAt follows customer messages only', async () => {
    expect((await chat(3)).lastCustomerMessageAt).toBeNull()
    await say({ chat: 3 })
    const customerAt = stamp()
    await say({ chat: 3, agent: 1 })
    await say({ chat: 3, agent: 2, type: 'private' })
    await say({ chat: 3, type: 'private' })
    expect((await chat(3)).lastCustomerMessageAt).toBe(customerAt)
    await say({ chat: 3 })
    expect((await chat(3)).lastCustomerMessageAt).toBe(stamp())
  })

  it('lastMessageText is the text of the newest message of any kind', async () => {
    for (const body of [{}, { agent: 1 }, { agent: 2, type: 'private' }, { type: 'private' }]) {
      const text = `text ${JSON.stringify(body)}`
      await say({ chat: 2, ...body, text })
      expect((await chat(2)).lastMessageText).toBe(text)
    }
  })

  it('lastMessageId is the id of the newest message of any kind', async () => {
    for (const body of [{}, { agent: 1 }, { agent: 2, type: 'private' }, { type: 'private' }]) {
      const message = await say({ chat: 2, ...body })
      expect((await chat(2)).lastMessageId).toBe(message.id)
    }
  })

  it('lastCommunicatedAgentId follows agent messages, not notes or the customer', async () => {
    expect((await chat(3)).lastCommunicatedAgentId).toBeNull()
    await say({ chat: 3, agent: 1, type: 'private' })
    expect((await chat(3)).lastCommunicatedAgentId).toBeNull()
    await say({ chat: 3, agent: 2 })
    expect((await chat(3)).lastCommunicatedAgentId).toBe(2)
    await say({ chat: 3, agent: 1, type: 'private' })
    await say({ chat: 3 })
    expect((await chat(3)).lastCommunicatedAgentId).toBe(2)
    await say({ chat: 3, agent: 1 })
    expect((await chat(3)).lastCommunicatedAgentId).toBe(1)
  })

  it('agents lists each agent who wrote a message once, first writer first', async () => {
    await say({ chat: 3, agent: 1, type: 'private' })
    await say({ chat: 3, agent: 2, type: 'private' })
    expect((await chat(3)).agents).toEqual([])
    await say({ chat: 3, agent: 2 })
    await say({ chat: 3 })
    await say({ chat: 3, agent: 1 })
    await say({ chat: 3, agent: 2 })
    await say({ chat: 3, agent: 1 })
    expect((await chat(3)).agents).toEqual([MIKE, SARAH])
  })

  it('status: an empty chat becomes new with its first customer message', async () => {
    expect((await chat(3)).status).toBe('empty')
    await say({ chat: 3 })
    expect((await chat(3)).status).toBe('new')
    await say({ chat: 3 })
    expect((await chat(3)).status).toBe('new')
  })

  it('status: a private note changes no status', async () => {
    await say({ chat: 3, agent: 1, type: 'private' })
    expect((await chat(3)).status).toBe('empty')
    await say({ chat: 2, agent: 1, type: 'private' })
    expect((await chat(2)).status).toBe('new')
  })

  it('status: a new chat becomes opened with the first agent reply', async () => {
    expect((await chat(2)).status).toBe('new')
    await say({ chat: 2, agent: 2 })
    expect((await chat(2)).status).toBe('opened')
    await say({ chat: 2 })
    expect((await chat(2)).status).toBe('opened')
  })

  it.each([
    ['pending', 4],
    ['onhold', 5],
  ])('status: %s -> opened on a customer message', async (status, id) => {
    expect((await chat(id)).status).toBe(status)
    await say({ chat: id })
    expect((await chat(id)).status).toBe('opened')
  })

  it.each([
    ['pending', 4],
    ['onhold', 5],
  ])('status: %s stays as it is on an agent message', async (status, id) => {
    await say({ chat: id, agent: 1 })
    expect((await chat(id)).status).toBe(status)
  })

  it('status: a closed chat an agent answered reopens as opened, closing cleared', async () => {
    expect(await chat(6)).toMatchObject({ status: 'closed', closedBy: 'agent' })
    await say({ chat: 6 })
    expect(await chat(6)).toMatchObject({ status: 'opened', closedAt: null, closedBy: null })
  })

  it('status: a closed chat no agent answered reopens as new, closing cleared', async () => {
    expect(await chat(7)).toMatchObject({ status: 'closed', closedAt: String(t(400)) })
    await say({ chat: 7 })
    expect(await chat(7)).toMatchObject({ status: 'new', closedAt: null, closedBy: null })
  })

  it('status: a no-communication chat reopens as opened on a customer message', async () => {
    expect((await chat(8)).status).toBe('no communication')
    await say({ chat: 8 })
    expect((await chat(8)).status).toBe('opened')
  })
})
