import type { Db } from './db.js'
import { SqliteDb } from './sqlite.js'
import { redact } from './url.js'

/** How the configured database is reached. */
export interface DatabaseOptions {
  /** `postgres://...` (or `postgresql://`), else a SQLite file path, `sqlite:PATH` or `:memory:`. */
  readonly url: string
  /** Where work the database does in the background (checkpoints, idle connections) fails. */
  readonly onBackgroundError?: (message: string) => void
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

/** Whether a database URL names PostgreSQL. */
function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url)
}

/**
 * Opens the database a URL names. The only place that picks an engine. PostgreSQL's driver is
 * loaded only when a URL names it: a server on SQLite never holds it in memory (about 16 MB).
 */
export async function openDatabase(options: DatabaseOptions): Promise<Db> {
  const { url, onBackgroundError } = options
  const background = onBackgroundError ? { onBackgroundError } : {}
  if (isPostgresUrl(url)) {
    const { PostgresDb } = await import('./postgres.js')
    return new PostgresDb({ url, ...background })
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw new UnsupportedDatabaseError(url)
  return new SqliteDb({
    path: url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url,
    ...(onBackgroundError ? { onCheckpointError: onBackgroundError } : {}),
  })
}
