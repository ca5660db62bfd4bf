import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Fixture } from '../src/server/fixtures/fixture.schema.js'
import { ON_SQLITE } from './helpers/engines.js'
import {
  acmeOrganization,
  GLOBEX_KEY,
  globexOrganization,
  T0,
  T0_SECONDS,
} from './helpers/fixtures.js'
import { random } from './helpers/race.js'
import { startServer, type TestServer } from './helpers/server.js'
import { eventually } from './helpers/wait.js'

// GET /v1/chats/unreadTotals must agree with the chats themselves whatever changed them: on
// SQLite it reads counts that triggers keep (migration 009), on PostgreSQL it counts on request.
// The oracle is the chat list, read over HTTP: each chat's flags and its three groups.

let server: TestServer
beforeEach(async () => {
  server = await startServer({ fixture: richerFixture(), now: () => T0 })
})
afterEach(() => server.close())

/**
 * acme with a second application and department, so that every group has more than one, and
 * chats 1 and 3 snoozed for an hour from T0 (`snoozedUntil`, read by the agent side).
 */
function richerFixture(): Fixture {
  const acme = acmeOrganization()
  const chats = acme.chats!.map((chat) =>
    chat.id === 2 ? chat : { ...chat, snoozedUntil: T0_SECONDS + 3600, readByAgent: true },
  )
  return {
    organizations: [
      {
        ...acme,
        chats,
        applications: [...(acme.applications ?? []), { id: 4, name: 'App', type: 'widget' }],
        departments: [...(acme.departments ?? []), { id: 11, name: 'Sales', agents: [] }],
      },
      globexOrganization(),
    ],
  }
}

/**
 * On SQLite, the counts kept, for every organization and side, against the statement that counts
 * the unread chats themselves (what PostgreSQL runs), with groups of no chats left out.
 */
async function expectKeptCountsToMatchACount(step: string) {
  if (!ON_SQLITE) return
  const kept = await server.db.all(
    `SELECT organization_id, side, assignee_id, department_id, application_id, chats
     FROM unread_chat_counts WHERE chats <> 0 ORDER BY 1, 2, 3, 4, 5`,
  )
  const counted = await server.db.all(
    `SELECT c.organization_id, s.side, COALESCE(c.assignee_id, 0) AS assignee_id,
       COALESCE(c.department_id, 0) AS department_id,
       COALESCE(c.application_id, 0) AS application_id, count(*) AS chats
     FROM chat_read_states r JOIN chats c ON c.id = r.chat_id
       JOIN (SELECT 'agent' AS side UNION ALL SELECT 'customer') s
         ON (s.side = 'agent' AND r.read_by_agent = 0)
           OR (s.side = 'customer' AND r.read_by_customer = 0)
     GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`,
  )
  expect(kept, `kept counts after ${step}`).toEqual(counted)
}

type Side = 'agent' | 'customer'
interface Group {
  id: number | null
  chats: number
}

/** What unreadTotals should answer, from every chat of the key's organization. */
async function expectedTotals(side: Side, key?: string) {
  const chats: any[] = []
  for (let offset = 0; ; offset += 100) {
    const page = await server.request('GET', `/v1/chats?limit=100&offset=${offset}`, { key })
    expect(page.status).toBe(200)
    chats.push(...page.body.data)
    if (page.body.data.length < 100) break
  }
  const unread = chats.filter(
    (chat) => !(side === 'agent' ? chat.readByAgent : chat.readByCustomer),
  )
  const by = (id: (chat: any) => number | null): Group[] => {
    const sums = new Map<number | null, number>()
    for (const chat of unread) sums.set(id(chat), (sums.get(id(chat)) ?? 0) + 1)
    return [...sums]
      .map(([id, count]) => ({ id, chats: count }))
      .sort((a, b) => (a.id ?? Infinity) - (b.id ?? Infinity))
  }
  return {
    side,
    chats: unread.length,
    byAssignee: by((chat) => chat.assignee?.id ?? null),
    byDepartment: by((chat) => chat.department?.id ?? null),
    byApplication: by((chat) => chat.applicationId ?? null),
  }
}

/** Checks both sides' totals against the chats; the totals checked, as text to compare. */
async function expectTotalsToMatchTheChats(step: string, key?: string): Promise<string> {
  const checked = []
  for (const side of ['agent', 'customer'] as const) {
    const res = await server.request('GET', `/v1/chats/unreadTotals?side=${side}`, { key })
    expect(res.status).toBe(200)
    expect(res.body, `${side} side after ${step}`).toEqual(await expectedTotals(side, key))
    checked.push(res.body)
  }
  return JSON.stringify(checked)
}

describe('unreadTotals against the chats', () => {
  it('agrees with the chat list after every change of 200 at random', async () => {
    const next = random(7)
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!
    const customers = [100, 101]
    const chats = [1, 2, 3]
    const globexBefore = await expectedTotals('agent', GLOBEX_KEY)
    const changes: Array<[string, () => Promise<{ status: number; body: any }>]> = [
      [
        'a new chat',
        async () => {
          const res = await server.request('POST', '/v1/chats', {
            body: { customer: pick(customers), application: pick([1, 4]) },
          })
          if (res.status === 201) chats.push(res.body.id)
          return res
        },
      ],
      [
        'a customer message',
        () =>
          server.request('POST', '/v1/messages', {
            body: { chat: pick(chats), text: 'Hello?', type: 'message' },
          }),
      ],
      [
        'an agent message',
        () =>
          server.request('POST', '/v1/messages', {
            body: { chat: pick(chats), agent: pick([1, 2]), text: 'Hi', type: 'message' },
          }),
      ],
      [
        'a private note',
        () =>
          server.request('POST', '/v1/messages', {
            body: { chat: pick(chats), agent: 1, text: 'VIP', type: 'private' },
          }),
      ],
      [
        'a mark by the agents',
        () =>
          server.request('PUT', '/v1/chats/readByAgent', {
            body: { id: pick(chats), read: next() < 0.5 },
          }),
      ],
      [
        'a mark by the customer',
        () =>
          server.request('PUT', '/v1/chats/readByCustomer', {
            body: { id: pick(chats), read: next() < 0.5 },
          }),
      ],
      [
        'an assignment',
        () =>
          server.request('PUT', '/v1/chats/assignee', {
            body: { id: pick(chats), assignee: pick([1, 2, null]) },
          }),
      ],
      [
        'a department',
        () =>
          server.request('PUT', '/v1/chats/department', {
            body: { id: pick(chats), department: pick([10, 11, null]) },
          }),
      ],
      [
        'a new customer',
        async () => {
          const res = await server.request('POST', '/v1/customers', { body: { name: 'New' } })
          if (res.status === 201 || res.status === 200) customers.push(res.body.id)
          return res
        },
      ],
      [
        'a customer deleted, with their chats',
        async () => {
          if (customers.length < 3) return { status: 200, body: 'skipped' }
          const customer = customers.splice(2 + Math.floor(next() * (customers.length - 2)), 1)[0]!
          const res = await server.request('DELETE', `/v1/customers/${customer}`)
          const left = await server.request('GET', '/v1/chats?limit=100')
          chats.splice(0, chats.length, ...left.body.data.map((chat: any) => chat.id))
          return res
        },
      ],
    ]
    const moved = new Set<string>()
    let before = await expectTotalsToMatchTheChats('the start')
    for (let step = 0; step < 200; step++) {
      const [name, change] = pick(changes)
      const res = await change()
      expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBeLessThan(300)
      const after = await expectTotalsToMatchTheChats(`step ${step}, ${name}`)
      if (after !== before) moved.add(name)
      before = after
    }
    // Every kind of change that can move a chat in or out of a group did so at least once.
    expect([...moved].sort()).toEqual(
      changes
        .map(([name]) => name)
        .filter((name) => !['a new chat', 'a private note', 'a new customer'].includes(name))
        .sort(),
    )
    expect(await expectedTotals('agent', GLOBEX_KEY)).toEqual(globexBefore)
    await expectTotalsToMatchTheChats('the run', GLOBEX_KEY)
    await expectKeptCountsToMatchACount('the run')
  })

  it('follows agents, departments, applications, customers and organizations deleted by SQL', async () => {
    await server.request('PUT', '/v1/chats/assignee', { body: { id: 2, assignee: 2 } })
    await server.request('PUT', '/v1/chats/department', { body: { id: 2, department: 11 } })
    await server.request('PUT', '/v1/chats/readByAgent', { body: { id: 3, read: false } })
    await server.request('PUT', '/v1/chats/readByCustomer', { body: { id: 3, read: false } })
    const created = await server.request('POST', '/v1/chats', {
      body: { customer: 100, application: 4 },
    })
    await server.request('PUT', '/v1/chats/readByAgent', {
      body: { id: created.body.id, read: false },
    })
    const before = await server.request('GET', '/v1/chats/unreadTotals')
    expect(before.body).toMatchObject({
      chats: 3,
      byAssignee: [
        { id: 2, chats: 1 },
        { id: null, chats: 2 },
      ],
      byApplication: [
        { id: 1, chats: 2 },
        { id: 4, chats: 1 },
      ],
    })
    for (const sql of [
      'DELETE FROM department_agents WHERE agent_id = 2',
      'DELETE FROM agents WHERE id = 2',
      'DELETE FROM departments WHERE id = 11',
      'DELETE FROM applications WHERE id = 4',
      'UPDATE chats SET application_id = NULL WHERE id = 3',
      'DELETE FROM customers WHERE id = 101',
    ]) {
      await server.db.run(sql)
      await expectTotalsToMatchTheChats(sql)
      await expectKeptCountsToMatchACount(sql)
    }
    const after = await server.request('GET', '/v1/chats/unreadTotals')
    expect(after.body).toEqual({
      side: 'agent',
      chats: 2,
      byAssignee: [{ id: null, chats: 2 }],
      byDepartment: [{ id: null, chats: 2 }],
      byApplication: [
        { id: 1, chats: 1 },
        { id: null, chats: 1 },
      ],
    })
    await server.db.run('DELETE FROM organizations WHERE id = 2')
    await expectKeptCountsToMatchACount('globex deleted')
  })

  it('follows a mark up to a message, and snoozes that end on their own', async () => {
    await server.close()
    let clock = T0
    server = await startServer({ fixture: richerFixture(), now: () => clock, snoozeCheckMs: 20 })
    const post = await server.request('POST', '/v1/messages', {
      body: { chat: 2, text: 'And now?', type: 'message' },
    })
    const [older] = (await server.request('GET', '/v1/chats/2/messages')).body.data.slice(-1)
    await server.request('PUT', '/v1/chats/readByAgent', {
      body: { id: 2, read: true, upToMessageId: older.id },
    })
    await expectTotalsToMatchTheChats('a mark up to an older message')
    await server.request('PUT', '/v1/chats/readByAgent', {
      body: { id: 2, read: true, upToMessageId: post.body.id },
    })
    await expectTotalsToMatchTheChats('a mark up to the newest message')
    expect((await server.request('GET', '/v1/chats/unreadTotals')).body.chats).toBe(0)
    clock = T0 + 3601 * 1000
    await eventually(
      async () => (await server.request('GET', '/v1/chats/unreadTotals')).body.chats === 2,
    )
    await expectTotalsToMatchTheChats('the snoozes ended')
    await expectKeptCountsToMatchACount('the snoozes ended')
  })

  it('uncounts a chat whose read state alone is deleted, and counts one inserted unread', async () => {
    await server.request('PUT', '/v1/chats/readByAgent', { body: { id: 3, read: false } })
    await server.db.run('DELETE FROM chat_read_states WHERE chat_id = 3')
    expect((await server.request('GET', '/v1/chats/unreadTotals')).body.chats).toBe(1)
    await server.db.run(
      'INSERT INTO chat_read_states (chat_id, organization_id, read_by_agent) VALUES (3, 1, 0)',
    )
    await expectTotalsToMatchTheChats('the read state put back unread')
    await expectKeptCountsToMatchACount('the read state put back unread')
  })
})
