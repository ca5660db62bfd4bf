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

const HOT_REQUESTS: ReadonlyArray<[string, string, unknown?]> = [
  ['PUT', '/v1/chats/readByAgent', { id: 2, read: true }],
  ['PUT', '/v1/chats/readByAgent', { id: 2, read: false }],
  ['PUT', '/v1/chats/readByCustomer', { id: 1, read: true }],
  ['PUT', '/v1/chats/readByCustomer', { id: 1, read: false }],
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
    server = await startServer({
      fixture: acmeFixture(),
      now: () => T0,
      wrapDb: (db) => recording(db, seen),
    })
    for (const [method, path, body] of HOT_REQUESTS) {
      const res = await server.request(method, path, body === undefined ? {} : { body })
      expect(res.status, `${method} ${path}`).toBeLessThan(300)
    }
  })
  afterAll(() => server.close())

  it('runs the statements it is expected to', () => {
    expect(seen.size).toBeGreaterThan(15)
    expect([...seen].some((sql) => sql.includes('UPDATE chat_read_states'))).toBe(true)
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
      const problem = steps.find(
        (step) =>
          /^SCAN (?!\(|CONSTANT ROW)\S+$/.test(step) || /USE TEMP B-TREE FOR ORDER BY/.test(step),
      )
      if (problem) problems.push(`${sql.trim()}\n  -> ${steps.join('\n  -> ')}`)
    }
    expect(problems, problems.join('\n\n')).toEqual([])
  })
})
