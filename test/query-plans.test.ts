import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db, Queryable } from '../src/server/storage/db.js'
import { ON_SQLITE } from './helpers/engines.js'
import { T0, acmeFixture } from './helpers/fixtures.js'
import { startServer, type TestServer } from './helpers/server.js'

// "An index lookup, never a scan": every statement the hot requests run is read back through
// EXPLAIN QUERY PLAN, and none may scan a whole table or sort rows in a temporary B-tree.

/** A Db that notes the SQL of every statement run through it, inside transactions too. */
function recording(db: Db, seen: Set<string>): Db {
  const watch = (target: Queryable): Queryable => ({
    dialect: target.dialect,
    all: (sql, params) => (seen.add(sql), target.all(sql, params)),
    get: (sql, params) => (seen.add(sql), target.get(sql, params)),
    firstRow: (queries) => (queries.forEach(([sql]) => seen.add(sql)), target.firstRow(queries)),
    run: (sql, params) => (seen.add(sql), target.run(sql, params)),
    exec: (sql) => target.exec(sql),
  })
  return Object.assign(Object.create(db) as Db, watch(db), {
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) => db.transaction((tx) => fn(watch(tx))),
  })
}

/** acme's server, noting in `seen` the SQL of every statement it runs. */
function recordingServer(seen: Set<string>): Promise<TestServer> {
  return startServer({ fixture: acmeFixture(), now: () => T0, wrapDb: (db) => recording(db, seen) })
}

const HOT_REQUESTS: ReadonlyArray<[string, string, unknown?]> = [
  ['PUT', '/v1/chats/readByAgent', { id: 2, read: true }],
  ['PUT', '/v1/chats/readByAgent', { id: 2, read: false }],
  ['PUT', '/v1/chats/readByCustomer', { id: 1, read: true }],
  ['PUT', '/v1/chats/readByCustomer', { id: 1, read: false }],
  ['PUT', '/v1/chats/readByAgent', { id: 1, read: true, upToMessageId: 1 }],
  ['PUT', '/v1/chats/readByCustomer', { id: 1, read: true, upToMessageId: 2 }],
  ['GET', '/v1/chats/1/readState'],
  ['GET', '/v1/chats/unreadTotals'],
  ['GET', '/v1/chats/unreadTotals?side=customer'],
  ['GET', '/v1/chats/1'],
  ['GET', '/v1/chats/1/messages'],
  ['POST', '/v1/messages', { chat: 1, text: 'hi', type: 'message' }],
  ['POST', '/v1/messages', { chat: 1, agent: 1, text: 'hello', type: 'message' }],
  ['GET', '/v1/customers/100'],
  ['GET', '/v1/agents'],
  ...['createdAt', 'lastMessageAt', 'lastCustomerMessageAt', 'closedAt'].flatMap((sort) =>
    ['asc', 'desc'].map(
      (order) =>
        ['GET', `/v1/chats?sort=chats.${sort}&order=${order}&limit=25`] as [string, string],
    ),
  ),
  ...['firstSeen', 'lastSeen'].map(
    (sort) => ['GET', `/v1/customers?sort=customers.${sort}&order=desc`] as [string, string],
  ),
]

// SQLite's planner only: on a few rows PostgreSQL rightly prefers a sequential scan, so its plans
// say nothing about a million. (The bench measures both sizes on SQLite.)
describe.runIf(ON_SQLITE)('query plans of the hot paths', () => {
  const seen = new Set<string>()
  let server: TestServer
  beforeAll(async () => {
    server = await recordingServer(seen)
    for (const [method, path, body] of HOT_REQUESTS) {
      const res = await server.request(method, path, body === undefined ? {} : { body })
      expect(res.status, `${method} ${path}`).toBeLessThan(300)
    }
  })
  afterAll(() => server.close())

  it('runs the statements it is expected to', () => {
    expect(seen.size).toBeGreaterThan(15)
    expect([...seen].some((sql) => sql.includes('UPDATE chat_read_states'))).toBe(true)
    expect([...seen].some((sql) => sql.includes('FROM unread_chat_counts'))).toBe(true)
  })

  it('never scans a whole table nor sorts in a temporary B-tree', async () => {
    const problems: string[] = []
    for (const sql of seen) {
      if (/^\s*(BEGIN|COMMIT|ROLLBACK)/i.test(sql)) continue
      const placeholders = (sql.match(/\?/g) ?? []).length
      const plan = await server.db.all<{ detail: string }>(
        `EXPLAIN QUERY PLAN ${sql}`,
        Array.from({ length: placeholders }, () => 1),
      )
      const steps = plan.map((row) => row.detail)
      // A subquery's own rows (a page picked off an index, say) are as many as its plan, checked
      // with the rest, lets through: scanning them is no table scan.
      const subqueries = steps.flatMap((step) => /^CO-ROUTINE (\S+)$/.exec(step)?.[1] ?? [])
      const problem = steps.find(
        (step) =>
          (/^SCAN (?!\(|CONSTANT ROW)\S+$/.test(step) &&
            !subqueries.includes(step.slice('SCAN '.length))) ||
          /USE TEMP B-TREE FOR ORDER BY/.test(step),
      )
      if (problem) problems.push(`${sql.trim()}\n  -> ${steps.join('\n  -> ')}`)
    }
    expect(problems, problems.join('\n\n')).toEqual([])
  })
})

interface PlanStep {
  readonly id: number
  readonly parent: number
  readonly detail: string
}

/** The steps of a plan below the step `id`, at any depth. */
function below(steps: readonly PlanStep[], id: number): PlanStep[] {
  const children = steps.filter((step) => step.parent === id)
  return children.flatMap((child) => [child, ...below(steps, child.id)])
}

// The inbox's own search, "unread chats, newest message first", has no index holding its matches
// in that order, so it may sort every unread chat of the organization: what it sorts, and what it
// visits to count them, is what its cost grows with.
describe.runIf(ON_SQLITE)('query plans of a search on the read state', () => {
  const seen = new Set<string>()
  let server: TestServer
  beforeAll(async () => {
    server = await recordingServer(seen)
  })
  afterAll(() => server.close())

  const flag = (field: string, operator: string, value: boolean) => ({ field, operator, value })

  const planOf = (sql: string) =>
    server.db.all<PlanStep>(
      `EXPLAIN QUERY PLAN ${sql}`,
      Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => 1),
    )

  /**
   * The plans of one search's statement, and of the count inside it (its total, a subquery that
   * refers to nothing outside it), planned on its own.
   */
  async function plansOf(body: object): Promise<{ page: PlanStep[]; count: PlanStep[] }> {
    seen.clear()
    const res = await server.request('POST', '/v1/chats/search', { body })
    expect(res.status, res.text).toBe(200)
    const searches = [...seen].filter((sql) => sql.includes(' page'))
    expect(searches.length, [...seen].join('\n')).toBe(1)
    const [sql] = searches as [string]
    const count = /\((SELECT count\(\*\) AS total [\s\S]*?)\) AS total/.exec(sql)?.[1]
    return { page: await planOf(sql), count: count === undefined ? [] : await planOf(count) }
  }

  it.each([
    ['readByAgent = false', [flag('readByAgent', '=', false)], 'agent'],
    ['readByAgent != true', [flag('readByAgent', '!=', true)], 'agent'],
    ['readByCustomer = false', [flag('readByCustomer', '=', false)], 'customer'],
  ])(
    "counts %s off the organization's part of its unread index, visiting no chat",
    async (_name, filter, side) => {
      const { count } = await plansOf({ filter })
      expect(count.map((step) => step.detail)).toEqual([
        `SEARCH r USING COVERING INDEX chat_read_states_unread_by_${side} (organization_id=?)`,
      ])
    },
  )

  it.each([
    ['readByAgent = true', [flag('readByAgent', '=', true)]],
    ['readByAgent != false', [flag('readByAgent', '!=', false)]],
    ['unread OR read', [flag('readByAgent', '=', false), flag('readByCustomer', '=', true)]],
  ])("counts %s without reading every organization's read states", async (_name, filter) => {
    const { count } = await plansOf({ filter, comparison: 'OR' })
    const steps = count.map((step) => step.detail)
    expect(steps.length, 'a count was run').toBeGreaterThan(0)
    expect(steps.filter((step) => /^SCAN r\b/.test(step))).toEqual([])
  })

  it('chooses the page on ids first and builds only its chats as JSON', async () => {
    const { page: steps } = await plansOf({
      filter: [flag('readByAgent', '=', false)],
      sort: 'chats.lastMessageAt',
      order: 'desc',
    })
    const page = steps.find((step) => /^(CO-ROUTINE|MATERIALIZE) page$/.test(step.detail))
    expect(page, steps.map((step) => step.detail).join('\n')).toBeDefined()
    const choosing = below(steps, page!.id).map((step) => step.detail)
    expect(choosing.some((step) => /unread_by_agent \(organization_id=\?/.test(step))).toBe(true)
    expect(choosing.filter((step) => /SUBQUERY/.test(step))).toEqual([])
    // The page's rows are read first, and the chats' JSON (its subqueries) built from them.
    const building = steps.filter((step) => step.parent === 0).map((step) => step.detail)
    expect(building.slice(0, 2)).toEqual([page!.detail, 'SCAN page'])
    expect(building.some((step) => /CORRELATED SCALAR SUBQUERY/.test(step))).toBe(true)
  })
})
