import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { acmeFixture } from './helpers/fixtures.js'
import { startServer, type TestServer } from './helpers/server.js'

// Clients mark read up to the message they displayed while customers keep writing: whatever the
// interleaving, the position is the furthest message marked and the flag agrees with it.

describe('upToMessageId racing new customer messages on one chat', () => {
  const CHAT = 2
  const ROUNDS = 40
  let server: TestServer
  let marked: number[]
  let state: any
  let list: any[]

  beforeAll(async () => {
    server = await startServer({ fixture: acmeFixture() })
    marked = []
    // Two messages in three are marked read, up to themselves, as soon as their writer hears
    // their id; the rounds overlap, so marks and messages cross in flight, and the unmarked
    // ones must stay unread unless a later mark covers them.
    await Promise.all(
      Array.from({ length: ROUNDS }, async (_, i) => {
        const sent = await server.request('POST', '/v1/messages', {
          body: { chat: CHAT, text: `message ${i}`, type: 'message' },
        })
        expect(sent.status).toBe(200)
        if (i % 3 === 2) return
        const mark = await server.request('PUT', '/v1/chats/readByAgent', {
          body: { id: CHAT, read: true, upToMessageId: sent.body.id },
        })
        expect(mark.status).toBe(200)
        marked.push(sent.body.id)
      }),
    )
    state = (await server.request('GET', `/v1/chats/${CHAT}/readState`)).body
    list = (await server.request('GET', `/v1/chats/${CHAT}/messages?limit=100`)).body.data
  })
  afterAll(() => server.close())

  it('leaves the position at the furthest message marked, never behind it', () => {
    expect(state.agent.readUpToMessageId).toBe(Math.max(...marked))
  })

  it('keeps the flag and the count true to the position', () => {
    const past = list.filter((m) => m.from === 'customer' && m.id > state.agent.readUpToMessageId)
    expect(state.agent.unreadCount).toBe(past.length)
    expect(state.agent.read).toBe(past.length === 0)
  })

  it("derives every message's read from the position", () => {
    expect(list).toHaveLength(ROUNDS + 1)
    for (const message of list) {
      expect(message.read).toBe(message.id <= state.agent.readUpToMessageId)
    }
  })
})
