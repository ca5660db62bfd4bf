import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Chat, RATINGS } from '../src/contract/index.js'
import type { Fixture, FixtureChat } from '../src/server/fixtures/fixture.schema.js'
import {
  GLOBEX_KEY,
  T0,
  T0_SECONDS,
  acmeOrganization,
  globexOrganization,
} from './helpers/fixtures.js'
import { startServer, type TestResponse, type TestServer } from './helpers/server.js'
import { BLANK, INVALID, MIKE, NOT_A_CHOICE, NUMERIC, SARAH, notFound } from './helpers/wire.js'

// PUT /v1/chats/assignee, /department and /rate (what the five changes share, and snooze and
// status, are in chat-changes.test.ts).

const CHAT_KEYS = Object.keys(Chat.properties)
const SUPPORT = { id: 10, name: 'Support' }
const t = (offset: number) => T0_SECONDS - 3600 + offset
/** When the fixture's chat 2 last changed: its one customer message. */
const CHAT_2_UPDATED = t(100)

const asked = { from: 'customer' as const, text: 'Is it fixed?', createdAt: t(300) }
const answered = {
  from: 'agent' as const,
  agent: 'sarah@acme.test',
  text: 'It is',
  createdAt: t(360),
}
const noted = { ...answered, type: 'private' as const, text: 'Fixed it quietly' }
const closedChat = (id: number, more: Partial<FixtureChat>): FixtureChat => ({
  id,
  customer: 100,
  createdAt: t(300),
  status: 'closed',
  closedAt: t(400),
  ...more,
})

/**
 * acme (chats 1-3 of the shared fixture) with closed chats to rate, and globex:
 * - 4: closed, Sarah answered: can be rated (agent side read, customer side unread).
 * - 5: the same, with its read flags the other way round.
 * - 6: closed, only a private note from Sarah: no agent message.
 * - 7: closed, Sarah answered, rated `great` already.
 * - 8: closed, rated `poor`, no agent message.
 * - 9: open (Sarah answered), yet rated `great`.
 */
function ratingFixture(): Fixture {
  const acme = acmeOrganization()
  const chats: FixtureChat[] = [
    ...acme.chats!,
    closedChat(4, { messages: [asked, answered] }),
    closedChat(5, { messages: [asked, answered], readByAgent: false, readByCustomer: true }),
    closedChat(6, { messages: [asked, noted] }),
    closedChat(7, { messages: [asked, answered], rating: 'great' }),
    closedChat(8, { messages: [asked], rating: 'poor' }),
    { id: 9, customer: 100, createdAt: t(300), messages: [asked, answered], rating: 'great' },
  ]
  return { organizations: [{ ...acme, chats }, globexOrganization()] }
}

let server: TestServer
let clock = T0
beforeEach(async () => {
  clock = T0
  server = await startServer({ fixture: ratingFixture(), now: () => clock })
})
afterEach(() => server.close())

const put = (endpoint: string, body: unknown) =>
  server.request('PUT', `/v1/chats/${endpoint}`, { body })
const get = (id: number) => server.request('GET', `/v1/chats/${id}`)
const updatedAt = async (id: number) =>
  (await server.db.get<{ updated_at: number }>('SELECT updated_at FROM chats WHERE id = ?', [id]))!
    .updated_at

/** Asserts a 200 whose body is the chat exactly as a following GET answers it; returns it. */
async function answeredAsStored(res: TestResponse, id: number) {
  expect(res.status, res.text).toBe(200)
  expect(Object.keys(res.body)).toEqual(CHAT_KEYS)
  expect(res.text).toBe((await get(id)).text)
  expect(res.body.id).toBe(id)
  return res.body
}

/** Asserts a 400 with exactly `problems` after `invalid_request`. */
function invalid(res: TestResponse, problems: Array<[string, string]>) {
  expect(res.status).toBe(400)
  expect(res.body.errors).toEqual([
    INVALID,
    ...problems.map(([code, message]) => ({ code, message })),
  ])
}

describe('PUT /v1/chats/assignee', () => {
  it.each([
    ['an integer', 2],
    ['a numeric string', '2'],
  ])('assigns the chat to the agent given as %s', async (_name, assignee) => {
    const chat = await answeredAsStored(await put('assignee', { id: 2, assignee }), 2)
    expect(chat.assignee).toEqual(MIKE)
    expect(await updatedAt(2)).toBe(T0_SECONDS)
  })

  it('assigns an unassigned chat', async () => {
    expect((await get(1)).body.assignee).toBeNull()
    const chat = await answeredAsStored(await put('assignee', { id: 1, assignee: 1 }), 1)
    expect(chat.assignee).toEqual(SARAH)
  })

  it('unassigns the chat with null', async () => {
    expect((await get(2)).body.assignee).toEqual(SARAH)
    const chat = await answeredAsStored(await put('assignee', { id: 2, assignee: null }), 2)
    expect(chat.assignee).toBeNull()
    expect(await updatedAt(2)).toBe(T0_SECONDS)
  })

  it('changes nothing, not even updated_at, when the agent is already the assignee', async () => {
    const before = (await get(2)).text
    expect((await put('assignee', { id: 2, assignee: 1 })).text).toBe(before)
    expect(await updatedAt(2)).toBe(CHAT_2_UPDATED)
  })

  it.each([
    ['an unknown agent', 999],
    ["another organization's agent", 3],
  ])('answers %s with 404 Agent not found and changes nothing', async (_name, assignee) => {
    const res = await put('assignee', { id: 2, assignee })
    expect(res.status).toBe(404)
    expect(res.body.errors).toEqual(notFound('Agent'))
    expect((await get(2)).body.assignee).toEqual(SARAH)
    expect(await updatedAt(2)).toBe(CHAT_2_UPDATED)
  })

  it('answers an unknown chat with an unknown agent as Chat not found', async () => {
    const res = await put('assignee', { id: 999, assignee: 999 })
    expect(res.body.errors).toEqual(notFound('Chat'))
  })

  it.each([
    ['a word', 'x'],
    ['zero', 0],
    ['a boolean', true],
    ['a list', [2]],
    ['an agent object', { id: 2 }],
  ])('answers assignee as %s with a 400 on assignee', async (_name, assignee) => {
    invalid(await put('assignee', { id: 2, assignee }), [['assignee', NUMERIC]])
    expect((await get(2)).body.assignee).toEqual(SARAH)
  })
})

describe('PUT /v1/chats/department', () => {
  it.each([
    ['an integer', 10],
    ['a numeric string', '10'],
  ])('moves the chat to the department given as %s', async (_name, department) => {
    expect((await get(1)).body.department).toBeNull()
    const chat = await answeredAsStored(await put('department', { id: 1, department }), 1)
    expect(chat.department).toEqual(SUPPORT)
    expect(await updatedAt(1)).toBe(T0_SECONDS)
  })

  it('clears the department with null', async () => {
    expect((await get(2)).body.department).toEqual(SUPPORT)
    const chat = await answeredAsStored(await put('department', { id: 2, department: null }), 2)
    expect(chat.department).toBeNull()
    expect(await updatedAt(2)).toBe(T0_SECONDS)
  })

  it('changes nothing, not even updated_at, when the chat is in that department', async () => {
    const before = (await get(2)).text
    expect((await put('department', { id: 2, department: 10 })).text).toBe(before)
    expect(await updatedAt(2)).toBe(CHAT_2_UPDATED)
  })

  it.each([
    ['an unknown department', 999],
    ["another organization's department", 20],
  ])('answers %s with 404 Department not found and changes nothing', async (_name, department) => {
    const res = await put('department', { id: 2, department })
    expect(res.status).toBe(404)
    expect(res.body.errors).toEqual(notFound('Department'))
    expect((await get(2)).body.department).toEqual(SUPPORT)
    expect(await updatedAt(2)).toBe(CHAT_2_UPDATED)
  })

  it.each([
    ['a name', 'Support'],
    ['a negative id', -10],
    ['a boolean', false],
    ['a list', [10]],
  ])('answers department as %s with a 400 on department', async (_name, department) => {
    invalid(await put('department', { id: 2, department }), [['department', NUMERIC]])
    expect((await get(2)).body.department).toEqual(SUPPORT)
  })
})

describe('PUT /v1/chats/rate', () => {
  const refused = (message: string) => [{ code: 'invalid_request', message }]

  it.each(RATINGS)('rates a closed chat an agent answered %j, stored as given', async (rating) => {
    const chat = await answeredAsStored(await put('rate', { id: 4, rating }), 4)
    expect(chat).toMatchObject({ rating, status: 'closed', closedAt: String(t(400)) })
    expect(await updatedAt(4)).toBe(T0_SECONDS)
  })

  it.each([4, 5])('leaves the read state of chat %i as it was', async (id) => {
    const { readByAgent, readByCustomer } = (await get(id)).body
    expect(readByAgent).toBe(id === 4)
    expect(readByCustomer).toBe(id === 5)
    const res = await put('rate', { id, rating: 'average' })
    expect(res.body).toMatchObject({ rating: 'average', readByAgent, readByCustomer })
  })

  it.each([
    ['an open chat', 1, 'Chat must me closed to rate'],
    ['an open chat without agent messages', 2, 'Chat must me closed to rate'],
    ['an empty chat', 3, 'Chat must me closed to rate'],
    ['an open chat with a rating', 9, 'Chat must me closed to rate'],
    ['a rated chat', 7, 'Chat is already rated'],
    ['a rated chat without agent messages', 8, 'Chat is already rated'],
    [
      'a chat with only a private note from an agent',
      6,
      'Chat must have at least one agent message to rate',
    ],
  ])('refuses to rate %s with its exact 400 and changes nothing', async (_name, id, message) => {
    const before = (await get(id)).text
    const updated = await updatedAt(id)
    const res = await put('rate', { id, rating: 'perfect' })
    expect(res.status).toBe(400)
    expect(res.text).toBe(JSON.stringify({ errors: refused(message) }))
    expect((await get(id)).text).toBe(before)
    expect(await updatedAt(id)).toBe(updated)
  })

  it('refuses a second rating and keeps the first', async () => {
    await answeredAsStored(await put('rate', { id: 4, rating: 'great' }), 4)
    const again = await put('rate', { id: 4, rating: 'very poor' })
    expect(again.status).toBe(400)
    expect(again.body.errors).toEqual(refused('Chat is already rated'))
    expect((await get(4)).body.rating).toBe('great')
  })

  it('rates a chat closed through PUT /v1/chats/status', async () => {
    expect((await put('rate', { id: 1, rating: 'poor' })).status).toBe(400)
    await answeredAsStored(await put('status', { id: 1, status: 'closed' }), 1)
    const chat = await answeredAsStored(await put('rate', { id: 1, rating: 'poor' }), 1)
    expect(chat).toMatchObject({ rating: 'poor', closedBy: 'agent', closedAt: String(T0_SECONDS) })
  })

  it("answers rating another organization's chat with 404 and leaves it unrated", async () => {
    const res = await put('rate', { id: 50, rating: 'great' })
    expect(res.body.errors).toEqual(notFound('Chat'))
    const theirs = await server.request('GET', '/v1/chats/50', { key: GLOBEX_KEY })
    expect(theirs.body.rating).toBeNull()
  })

  it.each([
    ['an unknown rating', 'excellent', NOT_A_CHOICE],
    ['a rating in capitals', 'Perfect', NOT_A_CHOICE],
    ['an empty rating', '', NOT_A_CHOICE],
    ['a number', 5, 'This value should be of type string.'],
    ['null', null, BLANK],
  ])(
    'answers %s with a 400 on rating and leaves the chat unrated',
    async (_name, rating, message) => {
      invalid(await put('rate', { id: 4, rating }), [['rating', message]])
      expect((await get(4)).body.rating).toBeNull()
    },
  )

  it('answers a bad id and a bad rating with one entry each', async () => {
    invalid(await put('rate', { id: 'abc', rating: 'excellent' }), [
      ['id', NUMERIC],
      ['rating', NOT_A_CHOICE],
    ])
  })
})
