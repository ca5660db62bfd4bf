import { createHmac } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Fixture } from '../src/server/fixtures/fixture.schema.js'
import { acmeOrganization, GLOBEX_KEY, globexOrganization } from './helpers/fixtures.js'
import { asAdmin, ENGINE } from './helpers/engines.js'
import { startReceiver, type Receiver } from './helpers/receiver.js'
import {
  deleteDelivery,
  nextDelivery,
  scheduleRetry,
  takeLease,
} from '../src/server/features/webhooks/webhook-queue.repository.js'
import { startServer, type TestServer, type TestServerOptions } from './helpers/server.js'

// Read-change events (decisions.md section 4), delivered to a real HTTP receiver, signed as
// HelpCrunch signs its webhooks.

const KEY = '0123456789abcdef0123456789abcdef01234567'
const ALL = [
  'chat.read_by_agent',
  'chat.unread_by_agent',
  'chat.read_by_customer',
  'chat.unread_by_customer',
] as const

let receiver: Receiver
let server: TestServer
beforeEach(async () => {
  receiver = await startReceiver()
})
afterEach(async () => {
  await server?.close()
  server = undefined as unknown as TestServer
  await receiver.close()
})

function world(events: readonly string[] = ALL, url?: string): Fixture {
  const acme = {
    ...acmeOrganization(),
    webhookSigningKey: KEY,
    webhooks: events.map((event) => ({
      event: event as (typeof ALL)[number],
      url: url ?? receiver.url,
    })),
  }
  return { organizations: [acme, globexOrganization()] }
}

const FAST = { pollMs: 20, retryDelaysSeconds: [0, 0], timeoutMs: 2000 }

async function start(options: TestServerOptions = {}) {
  server = await startServer({ fixture: world(), webhooks: FAST, ...options })
  return server
}

const mark = (side: 'Agent' | 'Customer', id: number, read: boolean, key?: string) =>
  server.request('PUT', `/v1/chats/readBy${side}`, {
    body: { id, read },
    ...(key === undefined ? {} : { key }),
  })

describe('read-change webhooks', () => {
  it('sends each flag change as its event, signed, in the order the changes happened', async () => {
    await start()
    // Chat 2 waits for the agents; the customer side has read it.
    expect((await mark('Agent', 2, true)).status).toBe(200)
    await mark('Agent', 2, false)
    await mark('Customer', 2, false)
    await mark('Customer', 2, true)
    const bodies = await receiver.delivered(4)
    expect(bodies.map((b) => b.event)).toEqual([
      'chat.read_by_agent',
      'chat.unread_by_agent',
      'chat.unread_by_customer',
      'chat.read_by_customer',
    ])
    const [first] = receiver.received
    expect(first!.headers['x-helpcrunch-signature']).toBe(
      createHmac('sha1', KEY).update(first!.raw).digest('hex'),
    )
    expect(first!.headers['content-type']).toBe('application/json')
    expect(first!.headers.accept).toBe('application/json')
    expect(first!.headers['user-agent']).toMatch(/^opencrunch\/\d+\.\d+\.\d+ \(webhooks\)$/)
    expect(Object.keys(first!.body)).toEqual([
      'event',
      'eventData',
      'attempts',
      'lastAttemptAt',
      'createdAt',
      'id',
    ])
    expect(first!.body).toMatchObject({
      eventData: { chatId: 2, side: 'agent', read: true, readUpToMessageId: 3, lastMessageId: 3 },
      attempts: 0,
    })
    expect(first!.body.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    )
    expect(new Set(bodies.map((b) => b.id)).size).toBe(4)
    // Compact JSON on either engine, as HelpCrunch sends it.
    for (const r of receiver.received) expect(r.raw).toBe(JSON.stringify(r.body))
    const now = Date.now() / 1000
    expect(Math.abs(first!.body.createdAt - now)).toBeLessThan(60)
  })

  it('sends what messages change: a customer message unreads the agents, an agent reply the customer', async () => {
    await start()
    await mark('Agent', 2, true)
    await server.request('POST', '/v1/messages', {
      body: { chat: 2, text: 'Hello?', type: 'message' },
    })
    await server.request('POST', '/v1/messages', {
      body: { chat: 2, agent: 1, text: 'Here', type: 'message' },
    })
    const bodies = await receiver.delivered(4)
    expect(bodies.map((b) => [b.event, b.eventData.chatId])).toEqual([
      ['chat.read_by_agent', 2],
      ['chat.unread_by_agent', 2],
      ['chat.read_by_agent', 2],
      ['chat.unread_by_customer', 2],
    ])
  })

  it('sends nothing for a call that changes no flag, nor for events without a webhook', async () => {
    await start({ fixture: world(['chat.read_by_agent']) })
    await mark('Agent', 2, true)
    await mark('Agent', 2, true)
    await mark('Customer', 1, true) // read by the customer: no webhook for it
    await mark('Agent', 1, false) // unread: no webhook for it
    await mark('Agent', 1, true)
    const bodies = await receiver.delivered(2)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(receiver.received).toHaveLength(2)
    expect(bodies.map((b) => b.eventData.chatId)).toEqual([2, 1])
  })

  it("never sends another organization's changes", async () => {
    await start()
    expect((await mark('Agent', 50, true, GLOBEX_KEY)).status).toBe(200)
    await mark('Agent', 2, true)
    const bodies = await receiver.delivered(1)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(receiver.received.map((r) => r.body.eventData.chatId)).toEqual([2])
    expect(bodies).toHaveLength(1)
  })

  it('sends a failed delivery again, holding back the later ones until it is through', async () => {
    receiver.answerWith(500, 503)
    await start()
    await mark('Agent', 2, true)
    await mark('Agent', 2, false)
    const bodies = await receiver.delivered(2)
    expect(receiver.received.map((r) => [r.body.event, r.body.attempts, r.status])).toEqual([
      ['chat.read_by_agent', 0, 500],
      ['chat.read_by_agent', 1, 503],
      ['chat.read_by_agent', 2, 200],
      ['chat.unread_by_agent', 0, 200],
    ])
    // Each attempt is the same event, signed again over its own body.
    expect(new Set(receiver.received.slice(0, 3).map((r) => r.body.id)).size).toBe(1)
    for (const r of receiver.received) {
      expect(r.headers['x-helpcrunch-signature']).toBe(
        createHmac('sha1', KEY).update(r.raw).digest('hex'),
      )
    }
    expect(bodies.map((b) => b.event)).toEqual(['chat.read_by_agent', 'chat.unread_by_agent'])
  })

  it('gives a delivery up after its last retry and goes on with the next', async () => {
    receiver.answerWith(500, 500, 500)
    await start()
    await mark('Agent', 2, true)
    await mark('Agent', 2, false)
    const bodies = await receiver.delivered(1)
    expect(bodies.map((b) => b.event)).toEqual(['chat.unread_by_agent'])
    expect(receiver.received.filter((r) => r.status === 500)).toHaveLength(3)
  })

  it('keeps undelivered events across a restart, and sends them from the next server', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opencrunch-webhooks-'))
    const database = join(dir, 'data.db')
    try {
      // The first server never looks at its queue: the event waits in the database.
      const first = await startServer({ fixture: world(), webhooks: { pollMs: 60_000 }, database })
      await first.request('PUT', '/v1/chats/readByAgent', { body: { id: 2, read: true } })
      await first.close()
      expect(receiver.received).toHaveLength(0)
      server = await startServer({ database, key: 'acme-test-key-1', webhooks: FAST })
      const [body] = await receiver.delivered(1)
      expect(body).toMatchObject({ event: 'chat.read_by_agent', attempts: 0 })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  // Several processes share one database on PostgreSQL only: a SQLite file has one server.
  it.runIf(ENGINE === 'postgres')(
    'serves one endpoint from one process at a time when two share the database',
    async () => {
      const slow = await startReceiver({ delayMs: 30 })
      const dir = mkdtempSync(join(tmpdir(), 'opencrunch-webhooks-'))
      const database = join(dir, 'data.db')
      const servers: TestServer[] = []
      try {
        servers.push(await startServer({ fixture: world(ALL, slow.url), webhooks: FAST, database }))
        servers.push(await startServer({ database, key: 'acme-test-key-1', webhooks: FAST }))
        for (let i = 0; i < 10; i++) {
          const res = await servers[i % 2]!.request('PUT', '/v1/chats/readByAgent', {
            body: { id: 2, read: i % 2 === 0 },
          })
          expect(res.status).toBe(200)
        }
        const bodies = await slow.delivered(10)
        await new Promise((resolve) => setTimeout(resolve, 300))
        expect(slow.received).toHaveLength(10)
        expect(slow.inFlight()).toBe(1)
        expect(bodies.map((b) => b.eventData.read)).toEqual(
          Array.from({ length: 10 }, (_, i) => i % 2 === 0),
        )
      } finally {
        for (const each of servers) await each.close()
        await slow.close()
        rmSync(dir, { recursive: true, force: true })
      }
    },
  )

  it("does not let a slow receiver hold back another organization's", async () => {
    const slow = await startReceiver({ delayMs: 1500 })
    try {
      const fixture = world(ALL, slow.url)
      fixture.organizations[1] = {
        ...fixture.organizations[1]!,
        webhooks: [{ event: 'chat.read_by_agent', url: receiver.url }],
      }
      await start({ fixture })
      await mark('Agent', 2, true)
      await mark('Agent', 2, false)
      await mark('Agent', 2, true)
      const started = Date.now()
      await mark('Agent', 50, true, GLOBEX_KEY)
      await receiver.delivered(1)
      expect(Date.now() - started).toBeLessThan(1200)
      expect(slow.received.length).toBeLessThan(3)
    } finally {
      await slow.close()
    }
  })

  it.runIf(ENGINE === 'postgres')(
    'queues from a session whose search_path does not name the schema (PostgreSQL)',
    async () => {
      await start({ webhooks: { pollMs: 60_000 } })
      const schema = decodeURIComponent(server.databaseUrl).match(/search_path=(\w+)/)![1]!
      await asAdmin(async (client) => {
        await client.query('SET search_path TO public')
        await client.query(
          `UPDATE ${schema}.chat_read_states SET read_by_agent = 1 WHERE chat_id = 2`,
        )
      })
      const queued = await server.db.get<{ n: number }>(
        'SELECT count(*) AS n FROM webhook_deliveries',
      )
      expect(queued!.n).toBe(1)
    },
  )
})

describe('the delivery queue', () => {
  it('lets a process that lost its lease write nothing of a delivery it was sending', async () => {
    await start({ webhooks: { pollMs: 60_000 } })
    await mark('Agent', 2, true)
    const endpoint = { organization_id: 1, url: receiver.url }
    expect(await takeLease(server.db, endpoint, 'a', 60)).toBe(true)
    expect(await takeLease(server.db, endpoint, 'b', 60)).toBe(false)
    const delivery = (await nextDelivery(server.db, endpoint))!
    // A stalls past its lease; B takes the endpoint over.
    await server.db.run('UPDATE webhook_leases SET until = 0')
    expect(await takeLease(server.db, endpoint, 'b', 60)).toBe(true)
    const a = { endpoint, owner: 'a' }
    expect(await deleteDelivery(server.db, delivery.id, a)).toBe(0)
    const failure = { now: 1, error: 'late', retryAt: 2 }
    expect(await scheduleRetry(server.db, a, delivery.id, failure)).toBe(0)
    expect((await nextDelivery(server.db, endpoint))!).toMatchObject({
      id: delivery.id,
      attempts: 0,
    })
    expect(await deleteDelivery(server.db, delivery.id, { endpoint, owner: 'b' })).toBe(1)
  })
})

describe("HelpCrunch's message webhooks", () => {
  const MESSAGES = ['message.chat.customer', 'message.chat.agent', 'message.private']

  it('sends each message with the shape HelpCrunch shows: chat_id, agent, customer, message', async () => {
    await start({ fixture: world(MESSAGES) })
    const post = (body: Record<string, unknown>) =>
      server.request('POST', '/v1/messages', { body: { chat: 2, ...body } })
    const customer = await post({ text: 'Hello?', type: 'message' })
    await post({ agent: 1, text: 'Here', type: 'message' })
    await post({ agent: 2, text: 'VIP, be quick', type: 'private' })
    await post({ text: 'Assigned', type: 'tech' })
    const bodies = await receiver.delivered(3)
    expect(bodies.map((b) => b.event)).toEqual(MESSAGES)
    expect(bodies[0].eventData).toEqual({
      chat_id: 2,
      agent: null,
      customer: { id: 100, name: 'Alice', email: 'alice@example.com', userId: 'alice-1' },
      message: {
        applicationId: 1,
        broadcastType: null,
        createdAt: customer.body.createdAt,
        edited: false,
        id: customer.body.id,
        read: false,
        text: 'Hello?',
        updatedAt: null,
      },
    })
    expect(bodies[1].eventData.agent).toEqual({
      id: 1,
      name: 'Sarah',
      email: 'sarah@acme.test',
      role: 'admin',
    })
    // A note on a chat the agents have read is read, as GET /messages says.
    const listed = (await server.request('GET', '/v1/chats/2/messages')).body.data
    expect(bodies[2].eventData.message.read).toBe(listed[0].read)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(receiver.received).toHaveLength(3)
  })

  it('queues the message before the read changes it makes, on one endpoint', async () => {
    await start({ fixture: world(['message.chat.customer', 'chat.unread_by_agent']) })
    await server.request('PUT', '/v1/chats/readByAgent', { body: { id: 2, read: true } })
    await server.request('POST', '/v1/messages', { body: { chat: 2, text: 'Hi', type: 'message' } })
    const bodies = await receiver.delivered(2)
    expect(bodies.map((b) => b.event)).toEqual(['message.chat.customer', 'chat.unread_by_agent'])
  })

  it('queues nothing when a message is refused', async () => {
    await start({ fixture: world(MESSAGES), webhooks: { pollMs: 60_000 } })
    const bad = await server.request('POST', '/v1/messages', {
      body: { chat: 2, agent: 999, text: 'Who?', type: 'message' },
    })
    expect(bad.status).toBe(404)
    const queued = await server.db.get<{ n: number }>(
      'SELECT count(*) AS n FROM webhook_deliveries',
    )
    expect(queued!.n).toBe(0)
  })
})
