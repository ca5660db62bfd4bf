import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { READ_ARTICLE_ORDER } from '../src/contract/index.js'
import { GLOBEX_KEY, T0, twoTenantFixture } from './helpers/fixtures.js'
import { startServer, type TestServer } from './helpers/server.js'

// opencrunch's read-state extensions (decisions.md section 4): `upToMessageId` in the read
// bodies, a chat's read state per side, and the organization's unread totals.

let server: TestServer
beforeEach(async () => {
  server = await startServer({ fixture: twoTenantFixture(), now: () => T0 })
})
afterEach(() => server.close())

const readBy = (side: 'Agent' | 'Customer', body: Record<string, unknown>) =>
  server.request('PUT', `/v1/chats/readBy${side}`, { body })
const readState = async (id: number) =>
  (await server.request('GET', `/v1/chats/${id}/readState`)).body
const post = async (body: Record<string, unknown>): Promise<number> => {
  const res = await server.request('POST', '/v1/messages', { body })
  expect(res.status).toBe(200)
  return res.body.id
}
const messages = async (id: number) =>
  (await server.request('GET', `/v1/chats/${id}/messages`)).body.data as any[]
const chat2Messages = async () => (await messages(2)).map((m) => m.id as number).reverse()

describe('PUT /v1/chats/readByAgent with upToMessageId', () => {
  it('reads up to the message given: later customer messages stay unread, and so does the chat', async () => {
    const [first] = await chat2Messages()
    const second = await post({ chat: 2, text: 'Hello?', type: 'message' })
    const res = await readBy('Agent', { id: 2, read: true, upToMessageId: first })
    expect(res.status).toBe(200)
    expect(Object.keys(res.body)).toEqual(READ_ARTICLE_ORDER)
    expect(res.body).toMatchObject({ id: 2, readByAgent: false, lastMessageId: second })
    const list = await messages(2)
    expect(list.map((m) => [m.id, m.read])).toEqual([
      [second, false],
      [first, true],
    ])
    expect((await readState(2)).agent).toEqual({
      read: false,
      readUpToMessageId: first,
      unreadCount: 1,
    })
  })

  it('marks the chat read when the message given is the newest addressed to the side', async () => {
    const [first] = await chat2Messages()
    const res = await readBy('Agent', { id: 2, read: true, upToMessageId: String(first) })
    expect(res.body.readByAgent).toBe(true)
    expect((await readState(2)).agent).toEqual({
      read: true,
      readUpToMessageId: first,
      unreadCount: 0,
    })
  })

  it('counts a note past the position as nothing to read: the side is read, the note is not', async () => {
    const [first] = await chat2Messages()
    const note = await post({ chat: 2, agent: 1, text: 'Courier called', type: 'private' })
    const res = await readBy('Agent', { id: 2, read: true, upToMessageId: first })
    expect(res.body.readByAgent).toBe(true)
    expect((await messages(2)).find((m) => m.id === note).read).toBe(false)
  })

  it('never moves a position back: an older message leaves what was read as read', async () => {
    const [first] = await chat2Messages()
    const second = await post({ chat: 2, text: 'Hello?', type: 'message' })
    await readBy('Agent', { id: 2, read: true })
    const res = await readBy('Agent', { id: 2, read: true, upToMessageId: first })
    expect(res.status).toBe(200)
    expect(res.body.readByAgent).toBe(true)
    expect((await readState(2)).agent.readUpToMessageId).toBe(second)
    expect((await messages(2)).every((m) => m.read)).toBe(true)
  })

  it('leaves a side marked unread by hand unread when the message is behind the position', async () => {
    const [first] = await chat2Messages()
    const second = await post({ chat: 2, text: 'Hello?', type: 'message' })
    await readBy('Agent', { id: 2, read: true })
    await readBy('Agent', { id: 2, read: false })
    const res = await readBy('Agent', { id: 2, read: true, upToMessageId: first })
    expect(res.body.readByAgent).toBe(false)
    expect((await readState(2)).agent).toEqual({
      read: false,
      readUpToMessageId: second,
      unreadCount: 0,
    })
  })

  it('changes nothing when the message is the position itself, sent again', async () => {
    const [first] = await chat2Messages()
    await readBy('Agent', { id: 2, read: true, upToMessageId: first })
    // A colleague marks the chat unread; the first client sends its last screen again.
    await readBy('Agent', { id: 2, read: false })
    const res = await readBy('Agent', { id: 2, read: true, upToMessageId: first })
    expect(res.body.readByAgent).toBe(false)
    expect((await readState(2)).agent.readUpToMessageId).toBe(first)
  })

  it('reads a side marked unread by hand again with a message beyond its position', async () => {
    await readBy('Agent', { id: 2, read: true })
    await readBy('Agent', { id: 2, read: false })
    const second = await post({ chat: 2, agent: 1, text: 'Noted', type: 'private' })
    const res = await readBy('Agent', { id: 2, read: true, upToMessageId: second })
    expect(res.body.readByAgent).toBe(true)
    expect((await readState(2)).agent).toEqual({
      read: true,
      readUpToMessageId: second,
      unreadCount: 0,
    })
  })

  it('works the same on the customer side and on /chats/read', async () => {
    // Chat 1: Alice's message, then Sarah's reply, which Alice has not read.
    const [customerMessage, reply] = (await messages(1)).map((m) => m.id as number).reverse()
    const partial = await readBy('Customer', { id: 1, read: true, upToMessageId: customerMessage })
    expect(partial.body.readByCustomer).toBe(false)
    expect((await readState(1)).customer).toMatchObject({ read: false, unreadCount: 1 })
    const whole = await readBy('Customer', { id: 1, read: true, upToMessageId: reply })
    expect(whole.body.readByCustomer).toBe(true)
    const alias = await server.request('PUT', '/v1/chats/read', {
      body: { id: 1, read: true, upToMessageId: reply },
    })
    expect(alias.status).toBe(200)
    expect((await readState(1)).agent.readUpToMessageId).toBe(reply)
  })
})

describe('upToMessageId: bad input changes nothing', () => {
  const unchanged = async (run: () => Promise<void>) => {
    const before = [await readState(1), await readState(2)]
    await run()
    expect([await readState(1), await readState(2)]).toEqual(before)
  }

  it('refuses it with read: false, naming the field', () =>
    unchanged(async () => {
      const [first] = await chat2Messages()
      const res = await readBy('Agent', { id: 2, read: false, upToMessageId: first })
      expect(res.status).toBe(400)
      expect(res.body.errors).toEqual([
        { code: 'invalid_request', message: 'Invalid request' },
        { code: 'upToMessageId', message: 'This value is allowed only when read is true.' },
      ])
    }))

  it.each([
    ['a word', 'latest'],
    ['zero', 0],
    ['a negative id', -3],
    ['a fraction', 1.5],
    ['null', null],
    ['a boolean', true],
  ])('refuses %s as a 400 naming upToMessageId', (_name, value) =>
    unchanged(async () => {
      const res = await readBy('Agent', { id: 2, read: true, upToMessageId: value })
      expect(res.status).toBe(400)
      expect(res.body.errors.map((e: any) => e.code)).toContain('upToMessageId')
    }),
  )

  it("answers 404 for a message of another chat, or of another organization's chat", () =>
    unchanged(async () => {
      const [ofChat1] = (await messages(1)).map((m) => m.id as number)
      const globexChat = await server.request('GET', '/v1/chats/50/messages', { key: GLOBEX_KEY })
      for (const id of [ofChat1, globexChat.body.data[0].id, 999_999]) {
        const res = await readBy('Agent', { id: 2, read: true, upToMessageId: id })
        expect(res.status).toBe(404)
        expect(res.body.errors).toEqual([
          { code: 'invalid_request', message: 'Invalid request' },
          { code: 'not_found', message: 'Message not found' },
        ])
      }
    }))

  it("answers an unknown chat, or another organization's, with the read endpoints' 404", async () => {
    const [first] = await chat2Messages()
    for (const id of [5208, 50]) {
      const res = await readBy('Agent', { id, read: true, upToMessageId: first })
      expect(res.status).toBe(404)
      expect(res.text).toBe(
        `{"errors":[{"code":"not_fount","message":"Chat for ID \\"${id}\\" was not found"}]}`,
      )
    }
  })
})

describe('GET /v1/chats/{chatId}/readState', () => {
  it("answers each side's flag, position and unread count", async () => {
    const ids = (await messages(1)).map((m) => m.id as number).reverse()
    expect(await readState(1)).toEqual({
      chatId: 1,
      lastMessageId: ids[1],
      agent: { read: true, readUpToMessageId: ids[1], unreadCount: 0 },
      customer: { read: false, readUpToMessageId: ids[0], unreadCount: 1 },
    })
    expect(await readState(3)).toEqual({
      chatId: 3,
      lastMessageId: null,
      agent: { read: true, readUpToMessageId: null, unreadCount: 0 },
      customer: { read: true, readUpToMessageId: null, unreadCount: 0 },
    })
  })

  it('follows new messages and marks', async () => {
    await post({ chat: 2, text: 'Hello?', type: 'message' })
    await post({ chat: 2, text: 'Anyone?', type: 'message' })
    expect((await readState(2)).agent).toMatchObject({ read: false, unreadCount: 3 })
    await readBy('Agent', { id: 2, read: true })
    await readBy('Agent', { id: 2, read: false })
    // Marked unread by hand: the flag says so, and nothing lies past the position.
    expect((await readState(2)).agent).toMatchObject({ read: false, unreadCount: 0 })
    await post({ chat: 2, agent: 1, text: 'Here', type: 'message' })
    expect(await readState(2)).toMatchObject({
      agent: { read: true, unreadCount: 0 },
      customer: { read: false, unreadCount: 1 },
    })
  })

  it("answers 404 for an unknown chat or another organization's", async () => {
    for (const id of [5208, 50]) {
      const res = await server.request('GET', `/v1/chats/${id}/readState`)
      expect(res.status).toBe(404)
      expect(res.body.errors[1]).toEqual({ code: 'not_found', message: 'Chat not found' })
    }
  })

  it('answers 400 for an id that is not one, and 401 without a key', async () => {
    const bad = await server.request('GET', '/v1/chats/abc/readState')
    expect(bad.status).toBe(400)
    expect(bad.body.errors.map((e: any) => e.code)).toContain('chatId')
    const anonymous = await server.request('GET', '/v1/chats/1/readState', { key: null })
    expect(anonymous.status).toBe(401)
  })
})

describe('GET /v1/chats/unreadTotals', () => {
  it("counts the agent side's unread chats in all and per assignee, department and application", async () => {
    const res = await server.request('GET', '/v1/chats/unreadTotals')
    expect(res.status).toBe(200)
    // Only chat 2 (Sarah's, in Support) waits for the agents.
    expect(res.body).toEqual({
      side: 'agent',
      chats: 1,
      byAssignee: [{ id: 1, chats: 1 }],
      byDepartment: [{ id: 10, chats: 1 }],
      byApplication: [{ id: 1, chats: 1 }],
    })
  })

  it('counts the customer side with side=customer, and follows marks', async () => {
    await post({ chat: 3, agent: 2, text: 'Hi Bob', type: 'message' })
    await readBy('Agent', { id: 2, read: true })
    const res = await server.request('GET', '/v1/chats/unreadTotals?side=customer')
    expect(res.body).toEqual({
      side: 'customer',
      chats: 2,
      byAssignee: [{ id: null, chats: 2 }],
      byDepartment: [{ id: null, chats: 2 }],
      byApplication: [{ id: 1, chats: 2 }],
    })
    const agents = await server.request('GET', '/v1/chats/unreadTotals?side=agent')
    expect(agents.body).toMatchObject({ chats: 0, byAssignee: [] })
  })

  it("counts only the key's organization", async () => {
    const res = await server.request('GET', '/v1/chats/unreadTotals', { key: GLOBEX_KEY })
    expect(res.body).toMatchObject({ chats: 1, byApplication: [{ id: 2, chats: 1 }] })
  })

  it('answers 400 naming side for an unknown side, and 401 without a key', async () => {
    const bad = await server.request('GET', '/v1/chats/unreadTotals?side=team')
    expect(bad.status).toBe(400)
    expect(bad.body.errors[1]).toEqual({
      code: 'side',
      message: 'The value you selected is not a valid choice.',
    })
    const anonymous = await server.request('GET', '/v1/chats/unreadTotals', { key: null })
    expect(anonymous.status).toBe(401)
  })
})
