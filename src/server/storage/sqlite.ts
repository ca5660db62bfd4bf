import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import type { Db, Dialect, Queryable, Row, SqlValue } from './db.js'
import { startCheckpointer, type Checkpointer } from './sqlite-checkpointer.js'

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
}

/**
 * Pages of WAL after which a write checkpoints by itself even though the worker thread should
 * have done it long before: a bound on the WAL should that thread ever stop (about 40 MB).
 */
const FALLBACK_CHECKPOINT_PAGES = 10_000

/** Prepared statements kept; the fixed ones number a few dozen, searches add their own. */
const STATEMENT_CACHE_SIZE = 1000

const SQLITE_DIALECT: Dialect = {
  autoId: 'INTEGER PRIMARY KEY',
  bigint: 'INTEGER',
  newId: () => '?',
  migrationLock: null,
  forUpdate: '',
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
 * while one is open, so no statement of another request runs inside it. Prepared statements are
 * cached by their SQL text.
 */
export class SqliteDb implements Db {
  readonly dialect = SQLITE_DIALECT
  readonly location: string
  readonly manyProcesses = false
  private readonly raw: Database.Database
  private readonly statements = new Map<string, Statement>()
  /** The last transaction queued: the next one starts when it has ended. */
  private queue: Promise<void> = Promise.resolve()
  /** Settled when the open transaction ends; `null` when none is open. */
  private open: Promise<void> | null = null
  private readonly inTransaction: Queryable
  private readonly checkpointer: Checkpointer | null = null

  constructor(options: SqliteOptions) {
    const memory = options.path === ':memory:'
    if (!memory) mkdirSync(dirname(options.path), { recursive: true })
    this.location = memory ? 'SQLite in memory' : `SQLite file ${options.path}`
    this.raw = new Database(options.path)
    if (!memory) this.raw.pragma('journal_mode = WAL')
    this.raw.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`)
    this.raw.pragma('foreign_keys = ON')
    this.raw.pragma('busy_timeout = 5000')
    const every = options.checkpointEveryMs ?? 200
    if (!memory && every > 0) {
      this.raw.pragma(`wal_autocheckpoint = ${FALLBACK_CHECKPOINT_PAGES}`)
      // Once the worker has checkpointed, the next write restarts the WAL at this size.
      this.raw.pragma(`journal_size_limit = ${64 * 1024 * 1024}`)
      this.checkpointer = startCheckpointer(
        options.path,
        every,
        options.onCheckpointError ?? (() => {}),
      )
    }
    this.inTransaction = {
      dialect: SQLITE_DIALECT,
      all: (sql, params) => Promise.resolve(this.allNow(sql, params)),
      get: (sql, params) => Promise.resolve(this.getNow(sql, params)),
      run: (sql, params) => Promise.resolve(this.runNow(sql, params)),
      exec: (sql) => Promise.resolve(void this.raw.exec(sql)),
    }
  }

  async all<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    if (this.open) await this.outsideTransactions()
    return this.allNow<T>(sql, params)
  }

  async get<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    if (this.open) await this.outsideTransactions()
    return this.getNow<T>(sql, params)
  }

  async run(sql: string, params?: readonly SqlValue[]): Promise<number> {
    if (this.open) await this.outsideTransactions()
    return this.runNow(sql, params)
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    // Take a place in the queue synchronously, so two transactions asked for in the same tick
    // run one after the other instead of both seeing the way clear.
    let release!: () => void
    const ended = new Promise<void>((resolve) => (release = resolve))
    const previous = this.queue
    this.queue = ended
    await previous
    this.open = ended
    try {
      this.statement('BEGIN IMMEDIATE').run()
      try {
        const result = await fn(this.inTransaction)
        this.statement('COMMIT').run()
        return result
      } catch (error) {
        if (this.raw.inTransaction) this.statement('ROLLBACK').run()
        throw error
      }
    } finally {
      this.open = null
      release()
    }
  }

  async exec(sql: string): Promise<void> {
    if (this.open) await this.outsideTransactions()
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
    await this.queue
    await this.checkpointer?.stop()
    if (this.raw.open) this.raw.close()
  }

  /** Resolves when no transaction is open (a statement must not run inside another's). */
  private async outsideTransactions(): Promise<void> {
    while (this.open) await this.open
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

  private runNow(sql: string, params: readonly SqlValue[] = []): number {
    return this.statement(sql).run(...params).changes
  }
}
