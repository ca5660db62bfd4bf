import { existsSync } from 'node:fs'
import type { Db } from './db.js'
import { SqliteDb } from './sqlite.js'
import { redact } from './url.js'

/** How the configured database is reached. */
export interface DatabaseOptions {
  /** `postgres://...` (or `postgresql://`), else a SQLite file path, `sqlite:PATH` or `:memory:`. */
  readonly url: string
  /** Where work the database does in the background (checkpoints, idle connections) fails. */
  readonly onBackgroundError?: (message: string) => void
  /** On a SQLite file, the rows above which a read runs on the reader thread (`SqliteOptions`). */
  readonly longReadRows?: number
}

/** Raised for a database URL this build cannot open, with what to do instead. */
export class UnsupportedDatabaseError extends Error {
  constructor(url: string) {
    super(
      `Cannot open database "${redact(url)}": opencrunch stores data in PostgreSQL or SQLite. ` +
        'Pass postgres://user:password@host:5432/database, a file path (for example ' +
        './data/opencrunch.db) or :memory:.',
    )
    this.name = 'UnsupportedDatabaseError'
  }
}

/** Raised when the configured database cannot be opened or reached, with what to check. */
export class DatabaseUnavailableError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'DatabaseUnavailableError'
  }
}

/** The SQLite file or `:memory:` a database URL that is not PostgreSQL's names. */
function sqlitePath(url: string): string {
  return url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url
}

/** The file a database URL names when it is a SQLite file; null for PostgreSQL or `:memory:`. */
export function sqliteFile(url: string): string | null {
  if (isPostgresUrl(url)) return null
  const path = sqlitePath(url)
  return path === ':memory:' ? null : path
}

/** Whether opening a database URL makes the database: `:memory:`, or a SQLite file not there yet. */
export function opensNewDatabase(url: string): boolean {
  if (isPostgresUrl(url)) return false
  const file = sqliteFile(url)
  return file === null || !existsSync(file)
}

/** Whether a database URL names PostgreSQL. */
function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url)
}

/**
 * Opens the database a URL names. The only place that picks an engine. PostgreSQL's driver is
 * loaded only when a URL names it: a server on SQLite never holds it in memory (about 16 MB).
 */
export async function openDatabase(options: DatabaseOptions): Promise<Db> {
  const { url, onBackgroundError, longReadRows } = options
  const background = onBackgroundError ? { onBackgroundError } : {}
  if (isPostgresUrl(url)) {
    const { PostgresDb } = await import('./postgres.js')
    const db = new PostgresDb({ url, ...background })
    try {
      // The pool connects on first use: a server that cannot be reached is said so here, once.
      await db.ping()
    } catch (error) {
      await db.close().catch(() => {})
      throw new DatabaseUnavailableError(
        `Cannot reach PostgreSQL at "${redact(url)}": ${reason(error)}. Check that the server ` +
          'is running and that the host, port, user, password and database in the URL are right.',
      )
    }
    return db
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw new UnsupportedDatabaseError(url)
  const path = sqlitePath(url)
  try {
    return new SqliteDb({
      path,
      ...(onBackgroundError ? { onCheckpointError: onBackgroundError } : {}),
      ...(longReadRows === undefined ? {} : { longReadRows }),
    })
  } catch (error) {
    throw new DatabaseUnavailableError(
      `Cannot open the SQLite database "${path}": ${reason(error)}. Pass the path of an ` +
        'opencrunch SQLite file, or of one to create, in a directory this user can write to.',
    )
  }
}

/** What went wrong, in the words of the driver or the system, without its stack. */
function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const { code } = error as NodeJS.ErrnoException
  // pg's AggregateError (every address of the host refused) has no message of its own.
  const message = error.message || (code ?? error.name)
  return message.replace(/\.$/, '')
}
