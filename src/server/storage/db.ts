/**
 * The storage interface every repository talks to. Only `storage/` knows which engine sits
 * behind it; SQL handed to it is portable: `?` placeholders, `RETURNING`, `ON CONFLICT`,
 * `NULLS FIRST/LAST`, integer 0/1 for booleans and integer UNIX seconds for times.
 */

/** A value bound to a `?` placeholder. */
export type SqlValue = string | number | bigint | null

/** A row as the engine returns it, before a presenter maps it. */
export type Row = Record<string, unknown>

/** Queries and statements on one connection or one transaction. */
export interface Queryable {
  /** Every row of a query. */
  all<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>
  /** The first row of a query, or `undefined`. */
  get<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>
  /** Runs data-definition SQL (several statements allowed, no parameters); for migrations. */
  exec(sql: string): Promise<void>
}

/** What the data definition of a migration may differ in between engines. */
export interface Dialect {
  /** Column type of an auto-assigned integer primary key, with its constraint. */
  readonly autoId: string
  /** Column type of a 64-bit integer. */
  readonly bigint: string
}

/** A database: queries, plus transactions that commit whole or not at all. */
export interface Db extends Queryable {
  readonly dialect: Dialect
  /** Human-readable description of where the data lives, for logs. */
  readonly location: string
  /**
   * Runs `fn` in a transaction: commits when it resolves, rolls back when it throws.
   * Nothing outside the transaction observes or interleaves with its statements.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
  /** Whether the engine reports a unique-constraint violation in `error`. */
  isUniqueViolation(error: unknown): boolean
  /** Checks that the database answers; throws if not. */
  ping(): Promise<void>
  close(): Promise<void>
}
