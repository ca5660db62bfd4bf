import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SqliteDb } from '../src/server/storage/sqlite.js'
import { SqliteReader } from '../src/server/storage/sqlite-reader.js'
import { ON_SQLITE } from './helpers/engines.js'
import { countingTo } from './helpers/slow-sql.js'
import { eventually } from './helpers/wait.js'

// Long reads (searches) run on a thread of their own with a connection of its own, so the event
// loop, and every write on the server's connection, goes on while they work. SQLite's own: once,
// on the SQLite run of the suite.

/** A query that keeps SQLite busy for a good while: it counts to 30 million, one row at a time. */
const SLOW = `SELECT ${countingTo(30_000_000)} AS total`

/** `SLOW`, a tenth as long. */
const SLOWISH = `SELECT ${countingTo(3_000_000)} AS total`

describe.runIf(ON_SQLITE)('SqliteDb reads, in memory', () => {
  it('runs them on the connection itself: no other connection sees that data', async () => {
    const db = new SqliteDb({ path: ':memory:' })
    try {
      expect(db.reads).toBe(db)
      expect(db.readerFor(1_000_000)).toBe(db)
    } finally {
      await db.close()
    }
  })
})

describe.runIf(ON_SQLITE)('SqliteDb reads, on a file', () => {
  let dir: string
  let db: SqliteDb
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'opencrunch-reader-'))
    db = new SqliteDb({ path: join(dir, 'reads.db') })
    await db.exec('CREATE TABLE steps (n INTEGER PRIMARY KEY, what TEXT NOT NULL)')
    await db.run("INSERT INTO steps (what) VALUES ('first')")
  })
  afterEach(async () => {
    await db.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('runs reads over more than 2,000 rows on the thread, and shorter ones on the connection', async () => {
    expect(db.reads).not.toBe(db)
    expect(db.readerFor(0)).toBe(db)
    expect(db.readerFor(2000)).toBe(db)
    expect(db.readerFor(2001)).toBe(db.reads)
    const everyRead = new SqliteDb({ path: join(dir, 'reads.db'), longReadRows: 0 })
    try {
      expect(everyRead.readerFor(1)).toBe(everyRead.reads)
      expect(everyRead.readerFor(1)).not.toBe(everyRead)
    } finally {
      await everyRead.close()
    }
  })

  it('runs them away from the connection, which answers meanwhile', async () => {
    const order: string[] = []
    const slow = db.reads.get<{ total: number }>(SLOW).then((row) => {
      order.push('slow read')
      return row
    })
    // Asked for after the slow read, on the server's own connection: a write and a read.
    await db.run("INSERT INTO steps (what) VALUES ('meanwhile')")
    order.push('write')
    expect(await db.get<{ n: number }>('SELECT count(*) AS n FROM steps')).toEqual({ n: 2 })
    order.push('read')
    expect(await slow).toEqual({ total: 30_000_000 })
    expect(order).toEqual(['write', 'read', 'slow read'])
  })

  it('sees what is committed, and nothing of a transaction still open', async () => {
    let commit!: () => void
    const held = new Promise<void>((resolve) => (commit = resolve))
    let inserted!: () => void
    const insertedYet = new Promise<void>((resolve) => (inserted = resolve))
    const open = db.transaction(async (tx) => {
      await tx.run("INSERT INTO steps (what) VALUES ('uncommitted')")
      inserted()
      await held
    })
    await insertedYet
    const during = await db.reads.all<{ what: string }>('SELECT what FROM steps ORDER BY n')
    commit()
    await open
    const after = await db.reads.all<{ what: string }>('SELECT what FROM steps ORDER BY n')
    expect(during.map((row) => row.what)).toEqual(['first'])
    expect(after.map((row) => row.what)).toEqual(['first', 'uncommitted'])
  })

  it('sees every write as soon as it is answered', async () => {
    for (let i = 0; i < 50; i++) {
      await db.run('INSERT INTO steps (what) VALUES (?)', [`step ${i}`])
      const last = await db.reads.get<{ what: string }>(
        'SELECT what FROM steps ORDER BY n DESC LIMIT 1',
      )
      expect(last).toEqual({ what: `step ${i}` })
    }
  })

  it('refuses to write, and changes nothing', async () => {
    await expect(db.reads.all('DELETE FROM steps RETURNING n')).rejects.toMatchObject({
      code: 'SQLITE_READONLY',
    })
    expect(await db.get('SELECT count(*) AS n FROM steps')).toEqual({ n: 1 })
  })

  it("refuses a query SQLite refuses, with SQLite's code, and answers the next", async () => {
    await expect(db.reads.get('SELECT * FROM no_such_table')).rejects.toMatchObject({
      code: 'SQLITE_ERROR',
      message: expect.stringContaining('no such table: no_such_table'),
    })
    expect(await db.reads.get('SELECT what FROM steps')).toEqual({ what: 'first' })
  })

  it("has the connection's own SQL functions: Unicode lower case", async () => {
    const lower = `SELECT ${db.dialect.unicodeLower("'ΟΔΥΣΣΕΥΣ Ärger'")} AS v`
    expect(await db.reads.get(lower)).toEqual({ v: 'οδυσσευσ ärger' })
    expect(await db.reads.get(lower)).toEqual(await db.get(lower))
  })

  describe("giving way to the writer's WAL catch-up", () => {
    let reader: SqliteReader
    afterEach(() => reader.close())
    /** A reader of the test's file that waits for the catch-up at most `giveWayMs`. */
    const readerWaiting = (giveWayMs: number) =>
      (reader = new SqliteReader(db.dialect, join(dir, 'reads.db'), {
        functions: '',
        statementCacheSize: 10,
        giveWayMs,
      }))
    /** Whether `promise` has settled by the end of the next turn. */
    const settledYet = async (promise: Promise<unknown>) => {
      let settled = false
      void promise.then(() => (settled = true))
      await new Promise(setImmediate)
      return settled
    }
    /** Asks the reader to stop until it says it has, within 5 s. */
    const stopped = () => eventually(() => Promise.resolve(reader.stopReading()), 5000, 5)

    it('stops before its next read, and reads on when told to', async () => {
      readerWaiting(60_000)
      // Before its thread starts, there is nothing to stop.
      expect(reader.stopReading()).toBe(true)
      const slow = reader.get<{ total: number }>(SLOWISH)
      const next = reader.get<{ what: string }>('SELECT what FROM steps')
      expect(reader.stopReading()).toBe(false)
      // It stops before the slow read, or after it, should that have begun already.
      await stopped()
      // Stopped, the thread holds the next read back, however long the writer takes.
      await sleep(200)
      expect(await settledYet(next)).toBe(false)
      reader.readOn()
      expect(await slow).toEqual({ total: 3_000_000 })
      expect(await next).toEqual({ what: 'first' })
    })

    it('reads on by itself when the writer does not come', async () => {
      readerWaiting(50)
      await reader.get('SELECT 1')
      expect(reader.stopReading()).toBe(false)
      await stopped()
      expect(await reader.get('SELECT what FROM steps')).toEqual({ what: 'first' })
    })
  })

  it('lets a read under way finish when the database closes, then refuses more', async () => {
    const slow = db.reads.get(SLOW)
    await db.close()
    expect(await slow).toEqual({ total: 30_000_000 })
    await expect(db.reads.get('SELECT 1')).rejects.toThrow(/closed/)
  })
})
