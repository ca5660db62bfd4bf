import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import type { Db, Dialect, Queryable, Reader, Row, SqlQuery, SqlValue } from './db.js'
import { CATCH_UP_FRAMES, startCheckpointer, type Checkpointer } from './sqlite-checkpointer.js'
import { GroupCommit } from './sqlite-group-commit.js'
import { SqliteReader } from './sqlite-reader.js'

type Statement = Database.Statement<unknown[], unknown>

/** Options of the embedded SQLite engine. */
export interface SqliteOptions {
  /** A file path, or `:memory:`. */
  readonly path: string
  /** `NORMAL` (default) survives a killed process; `FULL` also survives power loss, slower. */
  readonly synchronous?: 'NORMAL' | 'FULL'
  /**
   * Checkpoint the WAL from a worker thread every this many milliseconds (default 200), rather
   * than inside the write that fills it; 0 leaves checkpoints to SQLite. File databases only.
   */
  readonly checkpointEveryMs?: number
  /** Where a failed background checkpoint is reported. */
  readonly onCheckpointError?: (message: string) => void
  /**
   * Reads over more rows than this run on the reader thread (default `LONG_READ_ROWS`; 0 sends
   * every one there). File databases only.
   */
  readonly longReadRows?: number
  /**
   * Frames the WAL must hold, its checkpoint passes still behind the writes, before the writer
   * catches up itself (default `CATCH_UP_FRAMES`, sqlite-checkpointer.ts).
   */
  readonly catchUpFrames?: number
}

/**
 * Pages of WAL after which a write checkpoints by itself even though the worker thread should
 * have done it long before: a bound on the WAL should that thread ever stop (about 160 MB),
 * well above the 16,384 frames at which the writer catches up (sqlite-checkpointer.ts).
 */
const FALLBACK_CHECKPOINT_PAGES = 40_000

/** The size a WAL restarted by a write is cut back to: room for a catch-up's worth and more. */
const WAL_SIZE_LIMIT = 128 * 1024 * 1024

/** How long a write waits for another process's write lock before it fails with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000

/**
 * The rows above which a read runs on the reader thread rather than on the event loop. On the
 * server's connection (docs/performance.md, the small-searches round), a search over 2,000 chats
 * took 0.1–0.6 ms at the median, 0.75 ms with a text filter on names, and that filter took 1.9
 * ms over 10,000. The trip to the thread and back costs about 0.2 ms of CPU: on 1,000 chats it
 * cost cheap searches 40% of their throughput, and raised the peak RSS by about 75 MB while they
 * ran flat out. Below it a read holds the loop about a millisecond at most (a list's page of 100
 * chats took 1.0 ms).
 */
export const LONG_READ_ROWS = 2000

/** Prepared statements kept; the fixed ones number a few dozen, searches add their own. */
const STATEMENT_CACHE_SIZE = 1000

/** The SQL function each connection has for `Dialect.unicodeLower`. */
const UNICODE_LOWER = 'oc_lower'

/** `UNICODE_LOWER`: Greek's final sigma folds as the other sigma, as PostgreSQL's lower() does. */
const unicodeLower = (text: unknown) =>
  typeof text === 'string' ? text.toLowerCase().replace(/ς/g, 'σ') : text

/** The same function, as JavaScript that registers it on a reader thread's connection `db`. */
const ADD_FUNCTIONS_SOURCE = `db.function('${UNICODE_LOWER}', { deterministic: true }, ${unicodeLower.toString()})`

const SQLITE_DIALECT: Dialect = {
  autoId: 'INTEGER PRIMARY KEY',
  bigint: 'INTEGER',
  newId: (table) => `COALESCE(?, max(
      (SELECT ifnull(max(id), 0) FROM ${table}),
      ifnull((SELECT last FROM retired_ids WHERE name = '${table}'), 0)) + 1)`,
  retireIds: (tables) => `
CREATE TABLE retired_ids (
  name TEXT PRIMARY KEY,
  last INTEGER NOT NULL
);
${tables
  .map(
    (table) => `
CREATE TRIGGER ${table}_retire_ids AFTER DELETE ON ${table} FOR EACH ROW
BEGIN
  INSERT INTO retired_ids (name, last) VALUES ('${table}', OLD.id)
    ON CONFLICT (name) DO UPDATE SET last = max(last, excluded.last);
END;`,
  )
  .join('\n')}`,
  singleWriter: true,
  migrationLock: null,
  forUpdate: '',
  unicodeLower: (expression) => `${UNICODE_LOWER}(${expression})`,
  nowSeconds: "CAST(strftime('%s', 'now') AS INTEGER)",
  // 122 random bits, with the version (4) and variant (10xx) bits of RFC 9562 set.
  randomUuid: `(SELECT substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-'
      || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(h, 18, 3) || '-' || substr(h, 21, 12)
    FROM (SELECT lower(hex(randomblob(16))) AS h))`,
  afterUpdateTrigger: (name, table, columns, when, statements) => `
CREATE TRIGGER ${name} AFTER UPDATE OF ${columns.join(', ')} ON ${table} FOR EACH ROW
WHEN ${when}
BEGIN
${statements.map((statement) => `  ${statement};`).join('\n')}
END;`,
  json: {
    object: (fields) =>
      `json_object(${fields.map(([key, value]) => `'${key}', ${value}`).join(', ')})`,
    // json() keeps each element JSON (not a string) through the subquery.
    array: (value, from, orderBy) =>
      `(SELECT json_group_array(json(v)) FROM (SELECT ${value} AS v ${from} ORDER BY ${orderBy}))`,
    embed: (subquery) => `json((${subquery}))`,
    boolean: (expression) => `json(CASE WHEN ${expression} THEN 'true' ELSE 'false' END)`,
    string: (expression) => `CAST(${expression} AS TEXT)`,
  },
}

/**
 * The embedded engine: better-sqlite3 in WAL mode with foreign keys on.
 *
 * better-sqlite3 is synchronous, so a statement never interleaves with another. Transactions, whose
 * callbacks are async, run one at a time in the order asked for, and every other statement waits
 * while one is queued or open, so no statement of another request runs inside it. Statements
 * outside transactions share one commit per event-loop turn, and each answers only once that
 * commit is done (sqlite-group-commit.ts). Prepared statements are cached by their SQL text.
 */
export class SqliteDb implements Db {
  readonly dialect = SQLITE_DIALECT
  readonly location: string
  readonly manyProcesses = false
  private readonly raw: Database.Database
  private readonly statements = new Map<string, Statement>()
  /** The last transaction queued: the next one starts when it has ended. */
  private queue: Promise<void> = Promise.resolve()
  /** Set when the checkpointer could not catch up with the writes; cleared by `catchUpWal`. */
  private walBehind = false
  /** The connection's `busy_timeout`, set only when it has to change (see `beginImmediate`). */
  private lockWaitMs = BUSY_TIMEOUT_MS
  /** Transactions queued or open: statements outside them wait until there are none. */
  private transactions = 0
  /** Statements outside transactions, one commit per event-loop turn (sqlite-group-commit.ts). */
  private readonly group: GroupCommit
  private readonly inTransaction: Queryable
  private readonly checkpointer: Checkpointer | null = null
  /** The thread long reads run on; none in memory, where no other connection sees the data. */
  private readonly reader: SqliteReader | null
  private readonly longReadRows: number

  /** The reader thread on a file (the database itself in memory), whatever the read's size. */
  get reads(): Reader {
    return this.reader ?? this
  }

  readerFor(rows: number): Reader {
    return rows > this.longReadRows ? this.reads : this
  }

  constructor(options: SqliteOptions) {
    const memory = options.path === ':memory:'
    if (!memory) mkdirSync(dirname(options.path), { recursive: true })
    this.location = memory ? 'SQLite in memory' : `SQLite file ${options.path}`
    this.raw = new Database(options.path)
    try {
      // The first read of the file: one that is not a database fails here.
      if (!memory) this.raw.pragma('journal_mode = WAL')
      this.raw.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`)
      this.raw.pragma('foreign_keys = ON')
      this.raw.pragma(`busy_timeout = ${this.lockWaitMs}`)
    } catch (error) {
      this.raw.close()
      throw error
    }
    this.raw.function(UNICODE_LOWER, { deterministic: true }, unicodeLower)
    this.longReadRows = options.longReadRows ?? LONG_READ_ROWS
    this.reader = memory
      ? null
      : new SqliteReader(SQLITE_DIALECT, options.path, {
          functions: ADD_FUNCTIONS_SOURCE,
          statementCacheSize: STATEMENT_CACHE_SIZE,
        })
    const every = options.checkpointEveryMs ?? 200
    if (!memory && every > 0) {
      this.raw.pragma(`wal_autocheckpoint = ${FALLBACK_CHECKPOINT_PAGES}`)
      this.raw.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`)
      this.checkpointer = startCheckpointer(
        options.path,
        every,
        options.catchUpFrames ?? CATCH_UP_FRAMES,
        options.onCheckpointError ?? (() => {}),
        () => (this.walBehind = true),
      )
    }
    this.group = new GroupCommit({
      begin: () => {
        this.catchUpWal()
        return this.beginImmediate(false)
      },
      commit: () => this.statement('COMMIT').run(),
      rollback: () => this.statement('ROLLBACK').run(),
      inTransaction: () => this.raw.inTransaction,
    })
    this.inTransaction = {
      dialect: SQLITE_DIALECT,
      all: (sql, params) => Promise.resolve(this.allNow(sql, params)),
      get: (sql, params) => Promise.resolve(this.getNow(sql, params)),
      firstRow: (queries) => Promise.resolve(this.firstRowNow(queries)),
      run: (sql, params) => Promise.resolve(this.runNow(sql, params)),
      exec: (sql) => Promise.resolve(void this.raw.exec(sql)),
    }
  }

  all<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.inGroup(() => this.allNow<T>(sql, params))
  }

  get<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return this.inGroup(() => this.getNow<T>(sql, params))
  }

  firstRow<T = Row>(queries: ReadonlyArray<SqlQuery>): Promise<T | undefined> {
    return this.inGroup(() => this.firstRowNow<T>(queries))
  }

  run(sql: string, params?: readonly SqlValue[]): Promise<number> {
    return this.inGroup(() => this.runNow(sql, params))
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    // Take a place in the queue synchronously, so two transactions asked for in the same tick
    // run one after the other instead of both seeing the way clear.
    let release!: () => void
    const ended = new Promise<void>((resolve) => (release = resolve))
    const previous = this.queue
    this.queue = ended
    this.transactions++
    try {
      await previous
      // Statements of this turn asked for before it: their commit comes first.
      await this.group.open
      this.beginImmediate(true)
      try {
        const result = await fn(this.inTransaction)
        this.statement('COMMIT').run()
        return result
      } catch (error) {
        if (this.raw.inTransaction) this.statement('ROLLBACK').run()
        throw error
      }
    } finally {
      this.transactions--
      release()
    }
  }

  /** Runs on its own, outside any group: PRAGMAs and schema changes may refuse a transaction. */
  async exec(sql: string): Promise<void> {
    while (this.busy) await this.drain()
    this.waitForLocks(BUSY_TIMEOUT_MS)
    this.raw.exec(sql)
  }

  isUniqueViolation(error: unknown): boolean {
    return (
      error instanceof Database.SqliteError &&
      (error.code === 'SQLITE_CONSTRAINT_UNIQUE' || error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
    )
  }

  async optimize(): Promise<void> {
    // Sampled statistics (analysis_limit) keep this to milliseconds on a million chats;
    // 0x10002 also analyzes tables that have never been analyzed.
    await this.exec('PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002')
  }

  async ping(): Promise<void> {
    await this.get('SELECT 1 AS ok')
  }

  async close(): Promise<void> {
    // Statements asked for before close() may still be waiting on a transaction to end: they open
    // their group in the microtasks after it, and are committed before the connection closes.
    do {
      await this.drain()
      await new Promise(setImmediate)
    } while (this.busy)
    // Before the last checkpoint, which a reader still reading would hold back.
    await this.reader?.close()
    await this.checkpointer?.stop()
    if (this.raw.open) this.raw.close()
  }

  /**
   * Copies what is left of the WAL into the database file from this connection, before a group
   * begins, when the checkpointer could not catch up: nothing is written meanwhile, so the WAL
   * ends wholly copied and the group's first write starts it over. The checkpointer has copied
   * all but the last few frames; this is those and one sync, once the WAL has reached
   * the checkpointer's threshold (every second or two of the heaviest writes, never under light
   * ones).
   */
  private catchUpWal(): void {
    if (!this.walBehind) return
    // A read on the reader thread holds back what was written since it began: the thread stops
    // before its next read, and the catch-up comes on the first turn after that.
    if (this.reader && !this.reader.stopReading()) return
    try {
      const [result] = this.raw.pragma('wal_checkpoint(PASSIVE)') as [{ busy: number }]
      if (result.busy === 0) this.walBehind = false
    } catch {
      // The checkpointer's next round meets the same fault and reports it; the writes go on.
      this.walBehind = false
    } finally {
      this.reader?.readOn()
    }
  }

  /**
   * BEGIN IMMEDIATE, first without waiting: the write lock is free unless another process (a CLI
   * command writing to the same file) holds it, and then a group must not wait, so that reads,
   * which WAL lets through, are not held up; the turn's statements run on their own instead, a
   * write among them waiting `busy_timeout`, as it always has. A transaction (`wait`) waits for
   * the lock that long. The connection stays at no wait while the lock keeps being free, so the
   * usual BEGIN runs no PRAGMA (it ran two around every BEGIN).
   */
  private beginImmediate(wait: boolean): boolean {
    this.waitForLocks(0)
    try {
      this.statement('BEGIN IMMEDIATE').run()
      return true
    } catch (error) {
      if (!(error instanceof Database.SqliteError && error.code.startsWith('SQLITE_BUSY'))) {
        throw error
      }
    }
    this.waitForLocks(BUSY_TIMEOUT_MS)
    if (!wait) return false
    this.statement('BEGIN IMMEDIATE').run()
    return true
  }

  /** Sets how long the next statements wait for another process's lock, if that changes it. */
  private waitForLocks(ms: number): void {
    if (this.lockWaitMs === ms) return
    this.statement(`PRAGMA busy_timeout = ${ms}`).run()
    this.lockWaitMs = ms
  }

  /** Runs `work` (a statement outside transactions) in the turn's group, once none is queued. */
  private async inGroup<T>(work: () => T): Promise<T> {
    if (this.transactions > 0) await this.outsideTransactions()
    return this.group.run(work)
  }

  /** Whether a transaction is queued or open, or a group is open. */
  private get busy(): boolean {
    return this.transactions > 0 || this.group.open !== null
  }

  /** Waits for the transactions queued now and the open group to end. */
  private async drain(): Promise<void> {
    await this.outsideTransactions()
    await this.group.open
  }

  /** Resolves when no transaction is queued or open (a statement must not run inside one). */
  private async outsideTransactions(): Promise<void> {
    while (this.transactions > 0) await this.queue
  }

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql)
    if (!statement) {
      statement = this.raw.prepare(sql)
      // Searches build their SQL from their filters: keep the cache from growing without end.
      if (this.statements.size >= STATEMENT_CACHE_SIZE) this.statements.clear()
      this.statements.set(sql, statement)
    }
    return statement
  }

  private allNow<T>(sql: string, params: readonly SqlValue[] = []): T[] {
    return this.statement(sql).all(...params) as T[]
  }

  private getNow<T>(sql: string, params: readonly SqlValue[] = []): T | undefined {
    return this.statement(sql).get(...params) as T | undefined
  }

  private firstRowNow<T>(queries: ReadonlyArray<SqlQuery>): T | undefined {
    for (const [sql, params] of queries) {
      const row = this.getNow<T>(sql, params)
      if (row !== undefined) return row
    }
    return undefined
  }

  private runNow(sql: string, params: readonly SqlValue[] = []): number {
    return this.statement(sql).run(...params).changes
  }
}
