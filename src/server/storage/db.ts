/**
 * The storage interface every repository talks to. Only `storage/` knows which engine sits
 * behind it; SQL handed to it is portable: `?` placeholders, `RETURNING`, `ON CONFLICT`,
 * `NULLS FIRST/LAST`, integer 0/1 for booleans and integer UNIX seconds for times. Whatever the
 * engine, 64-bit integers and counts come back as numbers and JSON built by `JsonSql` as compact
 * text, byte for byte the same.
 */

/** A value bound to a `?` placeholder. */
export type SqlValue = string | number | bigint | null

/** A statement's SQL and the values of its placeholders. */
export type SqlQuery = readonly [sql: string, params: readonly SqlValue[]]

/** A row as the engine returns it, before a presenter maps it. */
export type Row = Record<string, unknown>

/** Queries and statements on one connection or one transaction. */
export interface Queryable {
  /** The engine's SQL differences, for statements built per engine (see per-dialect.ts). */
  readonly dialect: Dialect
  /** Every row of a query. */
  all<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>
  /** The first row of a query, or `undefined`. */
  get<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>
  /**
   * The first row that any of `queries` returns, running them in order and stopping at the first
   * that returns one; `undefined` when none does. Each statement is what it would be on its own
   * (not one transaction), but the embedded engine runs them back to back in one turn, so no other
   * statement of this process comes between them and a request pays for one round trip, not one
   * per query. PostgreSQL runs them one after another.
   */
  firstRow<T = Row>(queries: ReadonlyArray<SqlQuery>): Promise<T | undefined>
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>
  /** Runs data-definition SQL (several statements allowed, no parameters); for migrations. */
  exec(sql: string): Promise<void>
}

/** Queries that change nothing: what a search needs. */
export type Reader = Pick<Queryable, 'dialect' | 'all' | 'get'>

/**
 * SQL that builds JSON inside the database: a resource read on a hot path comes back as one
 * finished JSON text instead of dozens of columns to turn into objects and serialize again.
 * Every method returns an SQL expression.
 */
export interface JsonSql {
  /** A JSON object of `[key, expression]` pairs, keys in the order given. SQL NULL is `null`. */
  object(fields: ReadonlyArray<readonly [string, string]>): string
  /** A JSON array (`[]` when empty) of the JSON `value` of each row of `from`, in `orderBy`. */
  array(value: string, from: string, orderBy: string): string
  /** The JSON value a scalar subquery returns, or `null` when it returns no row. */
  embed(subquery: string): string
  /** A JSON boolean from a 0/1 integer. */
  boolean(expression: string): string
  /** A JSON string of an integer (or `null`): the wire's timestamps. */
  string(expression: string): string
}

/** What SQL may differ in between engines. */
export interface Dialect {
  /** Column type of an auto-assigned integer primary key, with its constraint. */
  readonly autoId: string
  /** Column type of a 64-bit integer. */
  readonly bigint: string
  /**
   * The placeholder for the id of a row inserted into `table`: an id given is kept, `null` has
   * one assigned above every id the table has held, deleted ones included (PostgreSQL's identity
   * sequence; on SQLite, above both its rowids and the `retired_ids` `retireIds` keeps). One
   * row a statement: an `INSERT ... SELECT` of several rows would give each the same id.
   */
  newId(table: string): string
  /**
   * Data definition that keeps the ids of deleted rows of `tables` from being assigned again:
   * on SQLite, whose rowids restart above the highest row left, a table `retired_ids` of the
   * highest id each has deleted and the triggers that keep it; nothing on PostgreSQL, whose
   * sequences never go back.
   */
  retireIds(tables: readonly string[]): string
  /**
   * Whether the engine runs one write transaction at a time, across every process (SQLite): a
   * row that every writer updates, such as a count, then makes none of them wait for another.
   * False on PostgreSQL, whose writers run side by side and would queue on such a row.
   */
  readonly singleWriter: boolean
  readonly json: JsonSql
  /**
   * A statement that, run first in a transaction, holds off every other process's migrations
   * until it ends; null where a write transaction already excludes the others (SQLite's
   * BEGIN IMMEDIATE).
   */
  readonly migrationLock: string | null
  /**
   * Appended to a SELECT of rows the transaction will change, to lock them until it ends:
   * ` FOR UPDATE` on PostgreSQL; empty on SQLite, whose write transactions already exclude
   * each other.
   */
  readonly forUpdate: string
  /**
   * `expression` (text) in lower case, every letter of Unicode folded, not only ASCII's, and
   * Greek's final sigma as the other: SQLite's own `lower()` folds ASCII alone, so SQLite calls
   * JavaScript's `toLowerCase` (`oc_lower`); PostgreSQL's `lower()` folds by the database's
   * `LC_CTYPE` (every letter in a UTF-8 locale). A search lowers its text and the column with it.
   */
  unicodeLower(expression: string): string
  /** An SQL expression: the database clock's time, in whole UNIX seconds. */
  readonly nowSeconds: string
  /**
   * An SQL expression: a random UUID (version 4) as text, new for each run of the statement it is
   * in and the same for every row that run writes.
   */
  readonly randomUuid: string
  /**
   * Data definition of a trigger `name` that runs `statements` (SQL statements, which may read
   * `NEW` and `OLD`) after each UPDATE of a row of `table` that sets one of `columns`, when `when`
   * holds. It runs inside the updating statement's transaction: what it writes commits or rolls
   * back with the change.
   */
  afterUpdateTrigger(
    name: string,
    table: string,
    columns: readonly string[],
    when: string,
    statements: readonly string[],
  ): string
}

/** A database: queries, plus transactions that commit whole or not at all. */
export interface Db extends Queryable {
  /** Human-readable description of where the data lives, for logs. */
  readonly location: string
  /**
   * Whether several server processes may serve this database at once. PostgreSQL: yes. SQLite:
   * no; one file has one writer at a time, so one process serves it best.
   */
  readonly manyProcesses: boolean
  /**
   * Runs `fn` in a transaction: commits when it resolves, rolls back when it throws; nothing
   * outside sees its changes before the commit. SQLite runs one transaction at a time. PostgreSQL
   * runs them side by side (READ COMMITTED), so a transaction that reads a row and then changes
   * it must lock it first: an UPDATE of that row (see `lockChat`), or a SELECT of it ending
   * in `dialect.forUpdate` (see `existsInOrganization`).
   * `fn` may run again after a deadlock: it must have no effect outside the database.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
  /**
   * Where a read that visits about `rows` rows runs: a search visits its organization's chats or
   * customers, a list page what it skips and returns. On a SQLite file, a read over more than
   * `longReadRows` (2,000 unless set) runs on a thread with a connection of its own
   * (sqlite-reader.ts), so that the event loop goes on answering meanwhile; it sees every
   * committed write, so every acknowledged one. A shorter read holds the loop about a millisecond
   * at most, not worth the trip to the thread, and runs on the database itself, as every read
   * does on PostgreSQL and SQLite in memory.
   */
  readerFor(rows: number): Reader
  /** Whether the engine reports a unique-constraint violation in `error`. */
  isUniqueViolation(error: unknown): boolean
  /** Checks that the database answers; throws if not. */
  ping(): Promise<void>
  /**
   * Refreshes the query planner's statistics where they are missing or stale, within a bound of
   * work. Without them a search may walk a whole index instead of a small one.
   */
  optimize(): Promise<void>
  close(): Promise<void>
}
