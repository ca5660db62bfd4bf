import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestResponse } from './server.js'

/** A small seeded PRNG, so the interleaving is the same on every run. */
export function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31
    return state / 2 ** 31
  }
}

type Operation =
  | { kind: 'mark'; side: 'Agent' | 'Customer'; read: boolean }
  | { kind: 'customer'; text: string }
  | { kind: 'agent'; agent: number; text: string }
  | { kind: 'note'; agent: number; text: string }

function operations(): Operation[] {
  const ops: Operation[] = []
  for (let i = 0; i < 60; i++) ops.push({ kind: 'mark', side: 'Agent', read: i % 2 === 0 })
  for (let i = 0; i < 40; i++) ops.push({ kind: 'mark', side: 'Customer', read: i % 2 === 0 })
  for (let i = 0; i < 60; i++) ops.push({ kind: 'customer', text: `customer ${i}` })
  for (let i = 0; i < 50; i++) ops.push({ kind: 'agent', agent: 1 + (i % 2), text: `agent ${i}` })
  for (let i = 0; i < 30; i++) ops.push({ kind: 'note', agent: 1, text: `note ${i}` })
  const next = random(42)
  for (let i = ops.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1))
    ;[ops[i], ops[j]] = [ops[j]!, ops[i]!]
  }
  return ops
}

/** Where the storm goes: one server, or several serving one database. */
export interface RaceTarget {
  /** Sends the `index`th request of the storm (a target may route by it). */
  request(index: number, method: string, path: string, body?: unknown): Promise<TestResponse>
  close(): Promise<void>
}

/**
 * 240 concurrent requests on one chat of `acmeFixture` (chat 2): mark-read and mark-unread of
 * both sides, customer and agent messages and private notes, in a seeded order, then checks that
 * the final state follows the read-state rules (decisions.md section 4).
 */
export function describeRace(title: string, start: () => Promise<RaceTarget>): void {
  describe(title, () => {
    const CHAT = 2
    let server: RaceTarget
    const ops = operations()
    let results: TestResponse[]
    let finalChat: any
    let finalMessages: any[]
    let next = 0
    const send = (method: string, path: string, body?: unknown) =>
      server.request(next++, method, path, body)

    beforeAll(async () => {
      server = await start()
      results = await Promise.all(
        ops.map((op) => {
          switch (op.kind) {
            case 'mark':
              return send('PUT', `/v1/chats/readBy${op.side}`, { id: CHAT, read: op.read })
            case 'customer':
              return send('POST', '/v1/messages', { chat: CHAT, text: op.text, type: 'message' })
            case 'agent':
              return send('POST', '/v1/messages', {
                chat: CHAT,
                agent: op.agent,
                text: op.text,
                type: 'message',
              })
            case 'note':
              return send('POST', '/v1/messages', {
                chat: CHAT,
                agent: op.agent,
                text: op.text,
                type: 'private',
              })
          }
        }),
      )
      finalChat = (await send('GET', `/v1/chats/${CHAT}`)).body
      finalMessages = []
      for (let offset = 0; ; offset += 100) {
        const page = await send('GET', `/v1/chats/${CHAT}/messages?offset=${offset}`)
        finalMessages.push(...page.body.data)
        if (finalMessages.length >= page.body.total) break
      }
    })
    afterAll(async () => {
      await server?.close()
    })

    it('answers every request with 200', () => {
      expect(results.map((r) => r.status)).toEqual(ops.map(() => 200))
    })

    it('loses no message and duplicates none', () => {
      const posted = ops
        .filter((op) => op.kind !== 'mark')
        .map((op) => (op as { text: string }).text)
      const stored = finalMessages
        .map((m) => m.text)
        .filter((text) => text !== 'Where is my order?')
      expect([...stored].sort()).toEqual([...posted].sort())
      expect(new Set(finalMessages.map((m) => m.id)).size).toBe(finalMessages.length)
      const ids = finalMessages.map((m) => m.id)
      expect(ids).toEqual([...ids].sort((a, b) => b - a))
    })

    it('keeps every derived field on the newest message', () => {
      const newest = finalMessages[0]
      expect(finalChat.lastMessageId).toBe(newest.id)
      expect(finalChat.lastMessageText).toBe(newest.text)
      expect(finalChat.lastMessageAt).toBe(newest.createdAt)
      const newestCustomer = finalMessages.find((m) => m.from === 'customer')
      expect(finalChat.lastCustomerMessageAt).toBe(newestCustomer.createdAt)
      const newestAgent = finalMessages.find((m) => m.from === 'agent' && m.type === 'message')
      expect(finalChat.lastCommunicatedAgentId).toBe(newestAgent.agent.id)
      expect(finalChat.agents.map((a: any) => a.id).sort()).toEqual([1, 2])
      expect(finalChat.status).toBe('opened')
    })

    it('never moves a read position past a message it did not cover, nor loses one it did', () => {
      // Positions only move forward: to the newest message at a mark-read, to an agent's own
      // message, over a note written while the agent side was read.
      const positionOf = (side: 'Agent' | 'Customer') => {
        let position = 0
        ops.forEach((op, i) => {
          const body = results[i]!.body
          if (op.kind === 'mark' && op.side === side && op.read) {
            position = Math.max(position, body.lastMessageId ?? 0)
          }
          if (side === 'Agent' && (op.kind === 'agent' || (op.kind === 'note' && body.read))) {
            position = Math.max(position, body.id)
          }
          if (side === 'Customer' && op.kind === 'customer') position = Math.max(position, body.id)
        })
        return position
      }
      const agentPosition = positionOf('Agent')
      const customerPosition = positionOf('Customer')
      for (const message of finalMessages) {
        const toCustomer = message.from === 'agent' && message.type === 'message'
        const position = toCustomer ? customerPosition : agentPosition
        expect(message.read, `message ${message.id} (${message.text})`).toBe(message.id <= position)
      }
    })

    it('shows each mark-read as done in its own answer', () => {
      ops.forEach((op, i) => {
        if (op.kind === 'mark') expect(results[i]!.body[`readBy${op.side}`]).toBe(op.read)
      })
    })

    it('keeps each flag true only when nothing addressed to that side is unread', () => {
      const unreadByAgent = finalMessages.some((m) => m.from === 'customer' && !m.read)
      const unreadByCustomer = finalMessages.some(
        (m) => m.from === 'agent' && m.type === 'message' && !m.read,
      )
      if (finalChat.readByAgent) expect(unreadByAgent).toBe(false)
      if (finalChat.readByCustomer) expect(unreadByCustomer).toBe(false)
    })

    it('settles to the rules once the storm is over', async () => {
      const read = await send('PUT', '/v1/chats/readByAgent', { id: CHAT, read: true })
      expect(read.body.readByAgent).toBe(true)
      const list = (await send('GET', `/v1/chats/${CHAT}/messages`)).body.data
      expect(list.filter((m: any) => m.from === 'customer').every((m: any) => m.read)).toBe(true)
      await send('POST', '/v1/messages', { chat: CHAT, text: 'last', type: 'message' })
      const after = (await send('GET', `/v1/chats/${CHAT}`)).body
      expect(after).toMatchObject({
        readByAgent: false,
        readByCustomer: true,
        lastMessageText: 'last',
      })
    })
  })
}
