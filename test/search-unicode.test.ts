import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Fixture } from '../src/server/fixtures/fixture.schema.js'
import { T0, T0_SECONDS } from './helpers/fixtures.js'
import { startServer, type TestServer } from './helpers/server.js'

// `~` and `!~` ignore case for every letter, not only ASCII's: SQLite's own lower() folds ASCII
// alone, and a name such as "Ünal" could not be found by any spelling of it.

const KEY = 'unicode-search-key'

function world(): Fixture {
  const customers = [
    { id: 100, name: 'Ünal Øster', city: 'İzmir' },
    { id: 101, name: 'Олена ШЕВЧЕНКО', city: 'Київ' },
    { id: 102, name: 'Bob Unal', city: 'Leeds' },
    { id: 103, name: 'ΟΔΟΣ Παπαδόπουλος', city: 'Αθήνα' },
  ]
  return {
    organizations: [
      {
        id: 1,
        domain: 'acme',
        apiKeys: [KEY],
        applications: [{ id: 1, name: 'Website' }],
        customers,
        chats: customers.map(({ id }) => ({
          id: id - 99,
          customer: id,
          createdAt: T0_SECONDS - 1000 + id,
          messages: [],
        })),
      },
    ],
  }
}

let server: TestServer
/** Whether the engine folds letters beyond ASCII: PostgreSQL does by its LC_CTYPE (not under C). */
let folds = true
beforeAll(async () => {
  server = await startServer({ fixture: world(), key: KEY, now: () => T0, onFile: true })
  const probe = await server.db.get<{ folded: string }>(
    `SELECT ${server.db.dialect.unicodeLower("'Ü'")} AS folded`,
  )
  folds = probe?.folded === 'ü'
  if (!folds)
    console.warn(`search-unicode: ${server.db.location} does not fold Ü (LC_CTYPE C?); skipped`)
})
afterAll(() => server.close())

async function found(resource: string, field: string, operator: string, value: string) {
  const res = await server.request('POST', `/v1/${resource}/search`, {
    body: { filter: [{ field, operator, value }] },
  })
  expect(res.status, res.text).toBe(200)
  const ids: number[] = res.body.data.map((item: { id: number }) => item.id)
  return ids.sort((a, b) => a - b)
}

describe('text search beyond ASCII', () => {
  beforeEach(({ skip }) => {
    if (!folds) skip()
  })

  it.each([
    ['the exact case', 'Ünal', [100]],
    ['lower case', 'ünal', [100]],
    ['upper case', 'ÜNAL', [100]],
    ['Cyrillic in another case', 'шевченко', [101]],
    ['Cyrillic mixed', 'оЛЕНА', [101]],
    ['ASCII, as before', 'UNAL', [102]],
    ['a word-final capital sigma', 'ΟΔΟΣ', [103]],
    ['the same word in lower case', 'οδοσ', [103]],
  ])('finds customers by %s', async (_name, value, ids) => {
    expect(await found('customers', 'customers.name', '~', value)).toEqual(ids)
  })

  it('finds a dotted capital I written as stored', async () => {
    expect(await found('customers', 'customers.city', '~', 'İzmir')).toEqual([100])
  })

  it('leaves them out of !~ in any case', async () => {
    expect(await found('customers', 'customers.name', '!~', 'ÜnAl')).toEqual([101, 102, 103])
    expect(await found('customers', 'customers.city', '!~', 'КИЇВ')).toEqual([100, 102, 103])
    expect(await found('customers', 'customers.name', '!~', 'οδοσ')).toEqual([100, 101, 102])
  })

  it("finds chats by their customer's name in any case", async () => {
    expect(await found('chats', 'chats.customer.name', '~', 'øster')).toEqual([1])
    expect(await found('chats', 'chats.customer.name', '!~', 'ШЕВЧ')).toEqual([1, 3, 4])
  })
})
