import type { Db } from './db.js'
import { SqliteDb } from './sqlite.js'

/** How the configured database is reached. */
export interface DatabaseOptions {
  /** A SQLite file path or `:memory:`. */
  readonly url: string
  /** Where work the database does in the background (checkpoints) reports a failure. */
  readonly onBackgroundError?: (message: string) => void
}

/** Raised for a database URL this build cannot open, with what to do instead. */
export class UnsupportedDatabaseError extends Error {
  constructor(url: string) {
    super(
      `Cannot open database "${redact(url)}": this opencrunch stores data in SQLite only. ` +
        'Pass a file path (for example ./data/opencrunch.db) or :memory:.',
    )
    this.name = 'UnsupportedDatabaseError'
  }
}

/** Opens the database a URL names. The only place that picks an engine. */
export function openDatabase(options: DatabaseOptions): Db {
  const { url } = options
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw new UnsupportedDatabaseError(url)
  return new SqliteDb({
    path: url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url,
    ...(options.onBackgroundError ? { onCheckpointError: options.onBackgroundError } : {}),
  })
}

/** A URL with its password hidden, for messages and logs. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@/]+@/, '//$1:***@')
}
