import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Db } from '../src/server/storage/db.js'
import { MIGRATIONS } from '../src/server/storage/migrations/index.js'
import { migrate, SchemaTooNewError, schemaVersion } from '../src/server/storage/migrator.js'
import { openDatabase } from '../src/server/storage/open.js'

let dir: string
let file: string
const open: Db[] = []

/** Opens the test's database file; closed after the test. */
async function openFile(): Promise<Db> {
  const db = await openDatabase({ url: file })
  open.push(db)
  return db
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'opencrunch-migrations-'))
  file = join(dir, 'nested', 'opencrunch.db')
})
afterEach(async () => {
  for (const db of open.splice(0)) await db.close()
  rmSync(dir, { recursive: true, force: true })
})

const LATEST = MIGRATIONS.at(-1)!.version

const tables = async (db: Db) =>
  (
    await db.all<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
  ).map((row) => row.name)

describe('migrate', () => {
  it('applies every migration to a fresh database and records each version', async () => {
    const db = await openFile()
    expect(await schemaVersion(db)).toBe(0)
    const seen: number[] = []
    const applied = await migrate(db, (step) => seen.push(step.version))
    expect(applied.map((step) => [step.version, step.name])).toEqual(
      MIGRATIONS.map((migration) => [migration.version, migration.name]),
    )
    expect(seen).toEqual(MIGRATIONS.map((migration) => migration.version))
    const recorded = await db.all<{ version: number; name: string; applied_at: number }>(
      'SELECT version, name, applied_at FROM schema_migrations ORDER BY version',
    )
    expect(recorded.map((row) => [row.version, row.name])).toEqual(
      MIGRATIONS.map((migration) => [migration.version, migration.name]),
    )
    for (const row of recorded) expect(row.applied_at).toBeGreaterThan(1_600_000_000)
    expect(await schemaVersion(db)).toBe(LATEST)
    expect(await tables(db)).toEqual(
      expect.arrayContaining(['organizations', 'api_keys', 'agents', 'chats', 'messages']),
    )
  })

  it('applies nothing on a second run, also from another connection', async () => {
    const first = await openFile()
    await migrate(first)
    expect(await migrate(first)).toEqual([])
    await first.close()
    const again = await openFile()
    const seen: number[] = []
    expect(await migrate(again, (step) => seen.push(step.version))).toEqual([])
    expect(seen).toEqual([])
    const count = await again.get<{ n: number }>('SELECT count(*) AS n FROM schema_migrations')
    expect(count!.n).toBe(MIGRATIONS.length)
  })

  it('applies only the migrations a database lacks', async () => {
    const db = await openFile()
    await migrate(db)
    const next = {
      version: LATEST + 1,
      name: 'add widgets',
      sql: () => 'CREATE TABLE widgets (id INTEGER PRIMARY KEY)',
    }
    const applied = await migrate(db, () => {}, [...MIGRATIONS, next])
    expect(applied.map((step) => step.version)).toEqual([LATEST + 1])
    expect(await schemaVersion(db)).toBe(LATEST + 1)
    expect(await tables(db)).toContain('widgets')
  })

  it('leaves the database at the last good version when a migration fails', async () => {
    const db = await openFile()
    const good = { version: 1, name: 'one', sql: () => 'CREATE TABLE one (id INTEGER)' }
    const bad = {
      version: 2,
      name: 'two',
      sql: () => 'CREATE TABLE two (id INTEGER); INSERT INTO nowhere VALUES (1)',
    }
    await expect(migrate(db, () => {}, [good, bad])).rejects.toThrow(/nowhere/)
    expect(await schemaVersion(db)).toBe(1)
    const names = await tables(db)
    expect(names).toContain('one')
    expect(names).not.toContain('two')
  })

  it('refuses a database whose schema is newer than this build knows', async () => {
    const db = await openFile()
    await migrate(db)
    const future = LATEST + 5
    await db.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
      future,
      'from the future',
      1_795_300_000,
    ])
    let error: unknown
    try {
      await migrate(db)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(SchemaTooNewError)
    const message = (error as Error).message
    expect(message).toContain(`schema version ${future}`)
    expect(message).toContain(`only up to ${LATEST}`)
    expect(message).toMatch(/upgrade opencrunch/i)
    // Nothing was touched.
    expect(await schemaVersion(db)).toBe(future)
  })
})

describe('the database file', () => {
  it('is in WAL mode with foreign keys on', async () => {
    const db = await openFile()
    await migrate(db)
    expect(await db.get('PRAGMA journal_mode')).toEqual({ journal_mode: 'wal' })
    expect(await db.get('PRAGMA foreign_keys')).toEqual({ foreign_keys: 1 })
    // The setting is the file's, seen by a second connection too.
    const other = await openFile()
    expect(await other.get('PRAGMA journal_mode')).toEqual({ journal_mode: 'wal' })
    expect(await other.get('PRAGMA foreign_keys')).toEqual({ foreign_keys: 1 })
  })

  it('enforces foreign keys', async () => {
    const db = await openFile()
    await migrate(db)
    await expect(
      db.run(
        'INSERT INTO api_keys (organization_id, key_hash, key_hint, created_at) VALUES (?, ?, ?, ?)',
        [999, 'f'.repeat(64), 'oc_xxxxx', 1_795_300_000],
      ),
    ).rejects.toThrow(/FOREIGN KEY/)
  })
})

describe('migration 2: organization counts', () => {
  it('fills the counts from the rows a database already holds', async () => {
    const db = await openFile()
    await migrate(db, () => {}, MIGRATIONS.slice(0, 1))
    await db.exec(`
      INSERT INTO organizations (id, domain, created_at) VALUES (1, 'a', 0), (2, 'b', 0);
      INSERT INTO customers (id, organization_id, created_at, updated_at)
        VALUES (1, 1, 0, 0), (2, 1, 0, 0), (3, 2, 0, 0);
      INSERT INTO chats (organization_id, customer_id, status, created_at, updated_at)
        VALUES (1, 1, 'new', 0, 0), (1, 2, 'new', 0, 0), (1, 2, 'new', 0, 0), (2, 3, 'new', 0, 0);
    `)
    await migrate(db)
    const counts = await db.all(
      'SELECT id, chat_count, customer_count FROM organizations ORDER BY id',
    )
    expect(counts).toEqual([
      { id: 1, chat_count: 3, customer_count: 2 },
      { id: 2, chat_count: 1, customer_count: 1 },
    ])
  })
})

describe('migration 4: chat read states', () => {
  it('moves each chat’s read flags, positions and newest message id to its own row', async () => {
    const db = await openFile()
    await migrate(db, () => {}, MIGRATIONS.slice(0, 3))
    await db.exec(`
      INSERT INTO organizations (id, domain, created_at) VALUES (1, 'a', 0);
      INSERT INTO customers (id, organization_id, created_at, updated_at) VALUES (1, 1, 0, 0);
      INSERT INTO chats (id, organization_id, customer_id, status, created_at, updated_at,
        last_message_id, read_by_agent, read_by_customer, agent_read_message_id,
        customer_read_message_id)
      VALUES (7, 1, 1, 'opened', 0, 0, 42, 0, 1, 40, 42);
    `)
    await migrate(db)
    expect(await db.all('SELECT * FROM chat_read_states')).toEqual([
      {
        chat_id: 7,
        organization_id: 1,
        last_message_id: 42,
        read_by_agent: 0,
        read_by_customer: 1,
        agent_read_message_id: 40,
        customer_read_message_id: 42,
      },
    ])
    const columns = (await db.all<{ name: string }>('PRAGMA table_info(chats)')).map((c) => c.name)
    expect(columns).not.toContain('read_by_agent')
    expect(columns).not.toContain('last_message_id')
  })
})

describe('migration 9: unread counts', () => {
  it('counts the unread chats a database already holds, as counting them on request does', async () => {
    const db = await openFile()
    await migrate(db, () => {}, MIGRATIONS.slice(0, 8))
    await db.exec(`
      INSERT INTO organizations (id, domain, created_at) VALUES (1, 'a', 0), (2, 'b', 0);
      INSERT INTO agents (id, organization_id, name, email, role) VALUES (5, 1, 'A', 'a@a', 'agent');
      INSERT INTO departments (id, organization_id, name) VALUES (7, 1, 'D');
      INSERT INTO applications (id, organization_id, name, display_name, type)
        VALUES (9, 1, 'W', 'W', 'widget');
      INSERT INTO customers (id, organization_id, created_at, updated_at)
        VALUES (1, 1, 0, 0), (2, 2, 0, 0);
      INSERT INTO chats (id, organization_id, customer_id, assignee_id, department_id,
        application_id, status, created_at, updated_at)
        VALUES (1, 1, 1, 5, 7, 9, 'new', 0, 0), (2, 1, 1, 5, NULL, 9, 'new', 0, 0),
          (3, 1, 1, NULL, 7, NULL, 'new', 0, 0), (4, 2, 2, NULL, NULL, NULL, 'new', 0, 0),
          (5, 1, 1, 5, 7, 9, 'new', 0, 0);
      INSERT INTO chat_read_states (chat_id, organization_id, read_by_agent, read_by_customer)
        VALUES (1, 1, 0, 1), (2, 1, 0, 0), (3, 1, 0, 1), (4, 2, 1, 0), (5, 1, 0, 0);
    `)
    const counted = (flag: string) =>
      db.all(
        `SELECT c.organization_id, c.assignee_id, c.department_id, c.application_id, count(*) AS chats
         FROM chat_read_states r JOIN chats c ON c.id = r.chat_id WHERE r.${flag} = 0
         GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
      )
    const before = {
      agent: await counted('read_by_agent'),
      customer: await counted('read_by_customer'),
    }
    await migrate(db)
    for (const side of ['agent', 'customer'] as const) {
      const kept = await db.all(
        `SELECT organization_id, NULLIF(assignee_id, 0) AS assignee_id,
           NULLIF(department_id, 0) AS department_id, NULLIF(application_id, 0) AS application_id,
           chats
         FROM unread_chat_counts WHERE side = ? ORDER BY 1, 2, 3, 4`,
        [side],
      )
      expect(kept, side).toEqual(before[side])
    }
    expect(before.agent).toHaveLength(3)
    expect(before.customer).toHaveLength(3)
  })
})
